"""Telegram's pace: token buckets, how many new messages may go at once, and a 429's wait."""

from __future__ import annotations

import time
from datetime import timedelta

TELEGRAM_PER_SECOND = 30  # new messages a second overall, bursts included (Telegram's broadcasting guidance)


class Bucket:
    """A token bucket: `capacity` sends at once, refilled at `rate` per second."""

    def __init__(self, capacity: float, rate: float, monotonic=time.monotonic):
        self.capacity, self.rate, self._monotonic = capacity, rate, monotonic
        self.tokens, self._at = capacity, monotonic()

    def wait_time(self) -> float:
        """Returns seconds until one token is available (0 if one is now)."""
        now = self._monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self._at) * self.rate)
        self._at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


def overall_burst(per_second: float) -> float:
    """Returns how many new messages may go at once: what the pace leaves of Telegram's 30 in any second
    (at least one), so that no second holds more. A pace above Telegram's (a bench against an emulator
    without flood control) may start a tenth of a second's worth together."""
    if per_second > TELEGRAM_PER_SECOND:
        return per_second / 10
    return max(1.0, TELEGRAM_PER_SECOND - per_second)


def retry_seconds(retry_after: int | float | timedelta) -> float:
    """Returns a 429's retry_after in seconds, whichever form the library gave it in."""
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
