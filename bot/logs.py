"""Logging that carries event names, update ids and pseudonymous codes, never message text; and how
the long-running loops (intake, sender, reconcile) name a failure and rest after one.

Lines are plain text (`time LEVEL logger: event key=value ...`) or, with CAREWORK_LOG_FORMAT=json, one
JSON object a line for a log collector: time, level, logger, message (the event) and the event's own
fields. Either way a traceback keeps its frames but not its message, and anything shaped like a bot
token is blanked, in case a library's line quotes a Bot API URL.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import traceback
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# A bot token is <bot id>:<35 characters>; the shortest seen in tests is shorter, so 20 will do.
TOKEN_SHAPE = re.compile(r"(?<![0-9])[0-9]{3,}:[A-Za-z0-9_-]{20,}")
FORMATS = ("text", "json")


def without_tokens(line: str) -> str:
    """Blanks anything shaped like a bot token."""
    return TOKEN_SHAPE.sub("[token]", line)


def _frames(ei) -> str:
    """A traceback's frames and the failure's kind, without its message, which may quote what someone typed."""
    _, error, tb = ei
    frames = "".join(traceback.format_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{describe_failure(error) if error else ''}"


class KeyValueFormatter(logging.Formatter):
    """Appends a record's `extra` fields as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        return without_tokens(line + "".join(f" {k}={v}" for k, v in extras.items()))

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        """Keeps a traceback's frames but not its message, which may quote what someone typed."""
        return _frames(ei)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message and the event's fields; a failure as its
    kind and frames."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD and k not in entry}
        if record.exc_info:
            entry["error"] = describe_failure(record.exc_info[1]) if record.exc_info[1] else "unknown"
            entry["traceback"] = _frames(record.exc_info)
        return without_tokens(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Sets up one handler, plain or JSON lines; silences libraries that would log request URLs (the token
    is in them)."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def describe_failure(error: BaseException) -> str:
    """Names a failure for the log: SQLite's words are kept, other messages may quote what people wrote."""
    if isinstance(error, sqlite3.Error):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


def backoff(failures: int, cap: float, first: float = 0.5) -> float:
    """Returns how long a loop rests after `failures` failures in a row: doubling from `first`, at most `cap`."""
    return min(cap, first * 2 ** min(failures - 1, 30))
