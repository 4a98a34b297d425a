"""What a failed send means for its message: a 429 pauses every send for retry_after, a chat that blocked the
bot is given up, a request Telegram refuses is dropped, and a passing failure (network error, 5xx, timeout)
is tried again later with capped backoff, for as long as the message matters."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.ops.metrics import Metrics
from bot.transport.api_calls import METHODS
from bot.transport.pace import retry_seconds
from carework_core.clock import Clock
from carework_core.messaging.outbox import Outbox, QueuedMessage

# Logged under the sender's name, as before these lines had their own module: following what became of
# each message means raising one logger to INFO.
log = logging.getLogger("bot.transport.sender")
MAX_BACKOFF_SECONDS = 300  # during a long outage each message is still tried every five minutes


class Failures:
    """Records in the outbox what became of a send that Telegram refused or that did not get through."""

    def __init__(self, outbox: Outbox, clock: Clock, metrics: Metrics, pause: Callable[[float], None]):
        self.outbox, self.clock, self.metrics = outbox, clock, metrics
        self.pause = pause  # holds every send for this many seconds

    async def settle(self, m: QueuedMessage, exc: TelegramError) -> tuple[bool, int | None]:
        """Records a failed send; returns (True, its message id) when an earlier try had got through, else
        (False, 0) when the chat's next message may still go, or (False, None) when they wait behind it."""
        if isinstance(exc, RetryAfter):
            self.metrics.flood_control()
            self.metrics.retried()
            seconds = retry_seconds(exc.retry_after)
            self.pause(seconds)
            await self.outbox.retry_later(m.id, self.clock.now() + timedelta(seconds=seconds), "retry_after")
            log.warning("flood control", extra={"outbox_id": m.id, "retry_after": seconds})
        elif isinstance(exc, Forbidden):
            await self.outbox.mark_undeliverable(m, exc.message)
            log.info("chat unreachable", extra={"outbox_id": m.id})
        elif isinstance(exc, BadRequest):
            if "message is not modified" in exc.message.lower():  # an earlier try got through
                return True, m.params.get("message_id")
            await self.outbox.mark_failed(m.id, exc.message)
            log.error("message refused", extra={"outbox_id": m.id, "method": METHODS[m.kind], "reason": exc.message})
            return False, 0
        else:
            await self._retry(m, type(exc).__name__)
        return False, None

    async def _retry(self, m: QueuedMessage, reason: str) -> None:
        """Tries the message again later, waiting twice as long after each try up to five minutes."""
        delay = min(MAX_BACKOFF_SECONDS, 2 ** min(m.attempts, 16))
        self.metrics.retried()
        await self.outbox.retry_later(m.id, self.clock.now() + timedelta(seconds=delay), reason)
        log.info("send failed, will retry", extra={"outbox_id": m.id, "reason": reason, "delay": delay})
