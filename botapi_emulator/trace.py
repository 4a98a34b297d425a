"""The trace file: every bot request and control call as one JSON line, tokens redacted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

REDACTED = "<redacted>"
# Shorter secrets would redact ordinary words; real ones are 35 characters.
MIN_REDACTED_SECRET = 8


class Tracer:
    """Appends JSON lines to trace_path, or does nothing without one."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file: TextIO | None = None
        self._secrets: set[str] = set()

    def open(self) -> None:
        """Opens the trace file for appending."""
        if self.path is not None and self._file is None:
            self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        """Flushes and closes the trace file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def remember_token(self, token: str) -> None:
        """Notes a token so it never reaches the file."""
        self._secrets.add(token)
        secret = token.partition(":")[2]
        if len(secret) >= MIN_REDACTED_SECRET:
            self._secrets.add(secret)

    def bot_call(
        self, method: str, params: dict, status: int | None, response: object, fault: str | None = None
    ) -> None:
        """Records one bot request and the reply it got (status None: connection dropped)."""
        entry = {"method": method, "params": params, "status": status, "response": response}
        if fault is not None:
            entry["fault"] = fault
        self._write(entry)

    def control(self, path: str, body: object) -> None:
        """Records one control-API call."""
        self._write({"control": path, "body": body})

    def _write(self, entry: dict) -> None:
        if self._file is None:
            return
        line = json.dumps(
            {"t": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}, ensure_ascii=False, default=str
        )
        for secret in sorted(self._secrets, key=len, reverse=True):
            line = line.replace(secret, REDACTED)
        # A line-buffered local append is quick; flushing each line keeps the trace useful after a crash.
        self._file.write(line + "\n")
        self._file.flush()
