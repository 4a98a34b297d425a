"""Refusals shaped exactly like the ones Telegram's Bot API gives."""

from __future__ import annotations


class BotApiError(Exception):
    """A Bot API refusal: HTTP status equals error_code, as on api.telegram.org."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def as_body(self) -> dict:
        """Returns the JSON body Telegram sends for this refusal."""
        body: dict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> BotApiError:
    """Builds a 400 refusal."""
    return BotApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> BotApiError:
    """Builds a 403 refusal."""
    return BotApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> BotApiError:
    """Builds a 429 refusal carrying parameters.retry_after."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def unauthorized() -> BotApiError:
    """Builds the refusal for a malformed or unknown token."""
    return BotApiError(401, "Unauthorized")


def not_found() -> BotApiError:
    """Builds the refusal for an unknown method or file."""
    return BotApiError(404, "Not Found")


def conflict(detail: str) -> BotApiError:
    """Builds a 409 refusal."""
    return BotApiError(409, f"Conflict: {detail}")


CHAT_NOT_FOUND = "chat not found"
BLOCKED = "bot was blocked by the user"
NOT_STARTED = "bot can't initiate conversation with a user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
