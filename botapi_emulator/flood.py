"""Flood control as token buckets: 30 new messages a second overall; per chat, short bursts then
about one message or edit a second. Edits count per chat but not toward the overall limit, which
Telegram states for messages sent (its broadcasting guidance)."""

from __future__ import annotations

import math
from collections.abc import Callable

# Float clocks lose a hair on each subtraction; a sender paced exactly at the rate must still pass.
EPSILON = 1e-9
OVERALL_CAPACITY, OVERALL_RATE = 30, 30.0
PER_CHAT_CAPACITY, PER_CHAT_RATE = 5, 1.0


class TokenBucket:
    """Holds up to capacity tokens and refills at rate tokens per second of the clock."""

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Returns the seconds until a token is available (0 when one is)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Spends one token; call only after wait() returned 0."""
        self.tokens -= 1


class FloodControl:
    """Admits a send when both the overall and the chat's bucket have a token."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._overall = TokenBucket(OVERALL_CAPACITY, OVERALL_RATE, clock())
        self._chats: dict[int, TokenBucket] = {}

    def admit(self, chat_id: int, new_message: bool = True) -> int:
        """Spends the tokens a send (or an edit) needs and returns 0, or returns retry_after and spends none."""
        now = self._clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = TokenBucket(PER_CHAT_CAPACITY, PER_CHAT_RATE, now)
        wait = max(self._overall.wait(now) if new_message else 0.0, chat.wait(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        if new_message:
            self._overall.take()
        chat.take()
        return 0
