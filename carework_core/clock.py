"""The injectable clock: nothing in the product reads the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Returns the current time, timezone-aware in UTC."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; used by tests and rehearsals."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Moves the clock forward, e.g. advance(hours=2), and returns the new time."""
        self._now += timedelta(**delta)
        return self._now

    def set(self, when: datetime) -> None:
        """Jumps to a given time (never backwards)."""
        if when < self._now:
            raise ValueError("a clock does not go backwards")
        self._now = when


def iso(when: datetime) -> str:
    """Formats a time the way the database stores it (UTC, ISO 8601)."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    """Reads a time stored by `iso`."""
    return datetime.fromisoformat(text)


class ShiftedClock:
    """Real time plus a jump that only grows: rehearsals skip days while pacing stays real.

    Given a start, it begins there (in the past or the future) and runs at real pace from it, so a
    rehearsal can live through a definition's dates whatever today's date is.
    """

    def __init__(self, base: Clock | None = None, start: datetime | None = None):
        self._base = base or SystemClock()
        self._offset = start - self._base.now() if start else timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self._offset

    def advance(self, **delta: float) -> datetime:
        """Jumps forward, e.g. advance(days=7), and returns the new time."""
        self._offset += timedelta(**delta)
        return self.now()

    def set(self, when: datetime) -> None:
        """Jumps to a given time if it is still ahead."""
        gap = when - self.now()
        if gap > timedelta(0):
            self._offset += gap
