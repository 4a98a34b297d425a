"""Logging that carries event names, update ids and pseudonymous codes, never message text; and how
the long-running loops (intake, sender, reconcile) name a failure and rest after one."""

from __future__ import annotations

import logging
import sqlite3
import traceback

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """Appends a record's `extra` fields as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        return line + "".join(f" {k}={v}" for k, v in extras.items())

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        """Keeps a traceback's frames but not its message, which may quote what someone typed."""
        _, error, tb = ei
        frames = "".join(traceback.format_tb(tb))
        return f"Traceback (most recent call last):\n{frames}{describe_failure(error) if error else ''}"


def configure_logging(level: str = "INFO") -> None:
    """Sets up one handler; silences libraries that would log request URLs (the token is in them)."""
    handler = logging.StreamHandler()
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
