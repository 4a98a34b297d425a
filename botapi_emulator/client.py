"""An async client for the control API, so tests and rehearsals read like the person's script."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import aiohttp

CHAT_POLL_SECONDS = 25.0
CONNECTION_LIMIT = 500  # rehearsals keep one long poll open per participant


@dataclass(frozen=True)
class ChatMessage:
    """One message as the person sees it."""

    message_id: int
    from_bot: bool
    text: str
    buttons: list[list[str]] = field(default_factory=list)
    document: str | None = None
    photo: bool = False
    kind: str = "text"
    edited: bool = False
    posted: int = 0
    version: int = 0

    @classmethod
    def from_view(cls, view: dict) -> ChatMessage:
        """Builds a message from the control API's chat entry."""
        return cls(
            view["message_id"],
            view["from"] == "bot",
            view["text"],
            view["buttons"],
            view["document"],
            view["photo"],
            view.get("kind", "text"),
            view.get("edited", False),
            view.get("posted", 0),
            view.get("version", 0),
        )

    def describe(self) -> str:
        """Returns one transcript line for error messages."""
        who = "bot" if self.from_bot else "user"
        extra = f" {self.buttons}" if self.buttons else ""
        extra += f" [document {self.document}]" if self.document else ""
        return f"  #{self.message_id} {who}: {self.text!r}{extra}"


class EmulatorError(RuntimeError):
    """The control API refused a request."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"emulator refused ({status}): {error}")
        self.status = status
        self.error = error


class ButtonNotFound(LookupError):
    """The person has no such button to tap."""


class ReplyTimeout(TimeoutError):
    """The bot did not answer in time."""


class EmulatorClient:
    """Talks to one emulator's control API over one aiohttp session."""

    def __init__(self, url: str, request_timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        # How long one control request may take; a crowd of thousands on a busy machine needs longer.
        self.request_timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTION_LIMIT))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def new_user(
        self,
        first_name: str,
        *,
        language_code: str | None = "en",
        last_name: str | None = None,
        username: str | None = None,
    ) -> VirtualUser:
        """Creates a person who has not written to the bot yet."""
        body = {"first_name": first_name, "language_code": language_code, "last_name": last_name, "username": username}
        data, _ = await self.call("POST", "/emulator/users", body=body)
        return VirtualUser(self, data["user_id"], first_name)

    def user(self, user_id: int, first_name: str = "") -> VirtualUser:
        """Returns a handle on a person created elsewhere."""
        return VirtualUser(self, user_id, first_name or str(user_id))

    async def raw_update(self, update: dict) -> int:
        """Queues any object as the bot's next update and returns its update_id."""
        data, _ = await self.call("POST", "/emulator/raw-updates", body=update)
        return data["update_id"]

    async def new_group(self, title: str = "Carers' chat", kind: str = "group") -> VirtualGroup:
        """Creates a group, supergroup or channel that has the bot in it."""
        data, _ = await self.call("POST", "/emulator/groups", body={"title": title, "type": kind})
        return VirtualGroup(self, data["chat_id"], kind)

    async def restart_update_ids(self, next_update_id: int) -> None:
        """Makes the next update's id next_update_id, as after Telegram restarts its ids."""
        await self.call("POST", "/emulator/update-ids", body={"next_update_id": next_update_id})

    async def stats(self) -> dict:
        """Returns the emulator's counters."""
        data, _ = await self.call("GET", "/emulator/stats")
        return data

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        query: dict | None = None,
        timeout: float | None = None,
    ) -> tuple[object, Mapping]:
        """Makes one control-API request, raising EmulatorError on a refusal."""
        if self._session is None:
            raise RuntimeError("use EmulatorClient as 'async with EmulatorClient(url) as emu:'")
        async with self._session.request(
            method,
            self.url + path,
            json=body,
            params=query,
            timeout=aiohttp.ClientTimeout(total=self.request_timeout if timeout is None else timeout),
        ) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = await response.text()
            if response.status >= 400:
                error = data.get("error") if isinstance(data, dict) else None
                raise EmulatorError(response.status, error or str(data))
            return data, response.headers


class VirtualUser:
    """One person in a private chat with the bot."""

    def __init__(self, client: EmulatorClient, user_id: int, first_name: str) -> None:
        self.client = client
        self.user_id = user_id
        self.first_name = first_name
        self._seen: list[ChatMessage] = []
        self._mark = 0  # chat version right after this person's last action

    async def send(self, text: str) -> int:
        """Sends a text message and returns its message_id."""
        return await self._send({"text": text})

    async def send_voice(self, duration: int = 5) -> int:
        """Sends a voice note of this many seconds."""
        return await self._send({"voice": {"duration": duration}})

    async def lose_voice_file(self, message_id: int) -> None:
        """Makes the file of one of this person's voice notes vanish from the servers."""
        await self._post("lost-files", {"message_id": message_id})

    async def send_sticker(self) -> int:
        """Sends a sticker."""
        return await self._send({"sticker": True})

    async def send_photo(self) -> int:
        """Sends a photo."""
        return await self._send({"photo": True})

    async def send_location(self, latitude: float = 51.5, longitude: float = -0.1) -> int:
        """Shares a location."""
        return await self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(self, phone_number: str = "+441234567890", first_name: str = "Sam") -> int:
        """Shares someone's contact card."""
        return await self._send({"contact": {"phone_number": phone_number, "first_name": first_name}})

    async def send_poll(self, question: str = "Tea or coffee?", options: tuple[str, ...] = ("Tea", "Coffee")) -> int:
        """Sends a poll."""
        return await self._send({"poll": {"question": question, "options": list(options)}})

    async def send_document(self, file_name: str = "notes.pdf") -> int:
        """Sends a file."""
        return await self._send({"document": {"file_name": file_name}})

    async def tap_data(self, data: str, *, message_id: int | None = None, as_user: int | None = None) -> str:
        """Sends a callback with any data (a forged or long-gone button) on a bot message, the newest
        by default; as_user forges who tapped. The query id is real, so the bot can answer it."""
        body: dict = {"data": data, "message_id": message_id, "from_user_id": as_user}
        result = await self._post("forged-taps", body)
        self._mark = max(self._mark, result["chat_version"])
        return result["callback_query_id"]

    async def edit(self, message_id: int, text: str) -> None:
        """Edits one of this person's earlier text messages."""
        data = await self._post("edits", {"message_id": message_id, "text": text})
        self._mark = max(self._mark, data["chat_version"])

    async def tap(self, label: str, *, message_id: int | None = None) -> str:
        """Taps the button with this label on the newest bot message that has it."""
        if message_id is None:
            message_id = self._holder_of(label, await self.chat())
        try:
            data = await self._post("taps", {"message_id": message_id, "button": label})
        except EmulatorError as error:
            if error.status == 404:
                raise ButtonNotFound(f"{self.first_name} cannot tap {label!r}: {error.error}") from None
            raise
        self._mark = max(self._mark, data["chat_version"])
        return data["callback_query_id"]

    async def block(self) -> None:
        """Blocks the bot."""
        await self._post("block", {})

    async def chat(self) -> list[ChatMessage]:
        """Returns the chat as this person sees it now, oldest first."""
        chat, _ = await self._fetch()
        return chat

    async def toasts(self) -> list[dict]:
        """Returns the callback answers shown to this person, oldest first."""
        data, _ = await self.client.call("GET", f"/emulator/users/{self.user_id}/toasts")
        return data

    def last_message(self) -> ChatMessage | None:
        """Returns the newest bot message seen by the last chat() or wait."""
        return next((m for m in reversed(self._seen) if m.from_bot), None)

    async def wait_for(
        self, predicate: Callable[[list[ChatMessage]], bool], timeout: float = 10.0
    ) -> list[ChatMessage]:
        """Waits until the predicate holds for the chat, and returns the chat."""
        chat, _ = await self._watch(predicate, timeout, "the awaited chat state")
        return chat

    async def wait_for_reply(self, timeout: float = 10.0, *, settle: float = 0.1) -> ChatMessage:
        """Waits for the bot's answer to this person's last action, and returns its newest message."""
        # After the first change, `settle` seconds of quiet: "edit the question, then send the
        # next one" is one answer. When the bot only edited, the edited message is the answer.
        mark = self._mark
        chat, version = await self._watch(lambda c: any(m.from_bot and m.version > mark for m in c), timeout, "a reply")
        chat, version = await self._settle(chat, version, settle)
        self._mark = version
        fresh = [m for m in chat if m.from_bot and m.version > mark]
        new = [m for m in fresh if m.posted > mark]
        return new[-1] if new else max(fresh, key=lambda m: m.version)

    async def _watch(
        self, done: Callable[[list[ChatMessage]], bool], timeout: float, awaited: str
    ) -> tuple[list[ChatMessage], int]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        chat, version = await self._fetch()
        while not done(chat):
            remaining = deadline - loop.time()
            if remaining <= 0:
                transcript = "\n".join(m.describe() for m in chat) or "  (empty)"
                raise ReplyTimeout(f"{self.first_name} waited {timeout}s for {awaited}; the chat:\n{transcript}")
            chat, version = await self._fetch(after=version, timeout=min(remaining, CHAT_POLL_SECONDS))
        return chat, version

    async def _settle(self, chat: list[ChatMessage], version: int, settle: float) -> tuple[list[ChatMessage], int]:
        while settle > 0:
            later, later_version = await self._fetch(after=version, timeout=settle)
            if later_version == version:
                break
            chat, version = later, later_version
        return chat, version

    async def _fetch(self, *, after: int | None = None, timeout: float = 0.0) -> tuple[list[ChatMessage], int]:
        query = {} if after is None else {"after_version": str(after), "timeout": str(timeout)}
        data, headers = await self.client.call(
            "GET",
            f"/emulator/users/{self.user_id}/chat",
            query=query,
            timeout=timeout + self.client.request_timeout / 3,
        )
        self._seen = [ChatMessage.from_view(view) for view in data]
        return self._seen, int(headers["X-Chat-Version"])

    async def _send(self, body: dict) -> int:
        data = await self._post("messages", body)
        self._mark = max(self._mark, data["chat_version"])
        return data["message_id"]

    async def _post(self, action: str, body: dict) -> dict:
        data, _ = await self.client.call("POST", f"/emulator/users/{self.user_id}/{action}", body=body)
        return data

    def _holder_of(self, label: str, chat: list[ChatMessage]) -> int:
        for message in reversed(chat):
            if message.from_bot and any(label in row for row in message.buttons):
                return message.message_id
        on_screen = [text for m in chat if m.from_bot for row in m.buttons for text in row]
        raise ButtonNotFound(f"{self.first_name} sees no button {label!r}; buttons in the chat: {on_screen}")


class VirtualGroup:
    """A group chat (or channel) with the bot in it; its chat reads like a person's."""

    def __init__(self, client: EmulatorClient, chat_id: int, kind: str) -> None:
        self.client, self.chat_id, self.kind = client, chat_id, kind
        self.view = VirtualUser(client, chat_id, f"group {chat_id}")  # reads the group's chat

    async def post(self, member: VirtualUser | None, text: str = "", **content: object) -> int:
        """A member writes in the group (a channel posts with member None); text or other content."""
        body: dict = {"text": text} if text else dict(content)
        if member is not None:
            body["user_id"] = member.user_id
        data, _ = await self.client.call("POST", f"/emulator/groups/{self.chat_id}/messages", body=body)
        return data["message_id"]

    async def chat(self) -> list[ChatMessage]:
        """Returns the group's messages, oldest first."""
        return await self.view.chat()
