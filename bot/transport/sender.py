"""The outbox drain: sends queued messages in order per chat, paced under Telegram's limits.

Telegram allows about 30 new messages a second overall and about one message or edit a second
per chat, with short bursts. Two token buckets keep us under both; a 429 pauses everything for retry_after; a chat
that blocked the bot is marked unreachable. Passing failures (network errors, 5xx, timeouts) are
retried with capped backoff for as long as the message matters (see carework_core.messaging.outbox); only
Telegram's refusals are final. What each failure means is in failures.py; the Bot API call a message becomes,
with charts and documents uploaded once, in api_calls.py; the group commit of what went in deliveries.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.logs import backoff, describe_failure
from bot.ops.metrics import Metrics
from bot.transport.api_calls import ApiCalls, Charts
from bot.transport.deliveries import Deliveries
from bot.transport.failures import Failures
from bot.transport.http import POOL_SIZE
from bot.transport.pace import Bucket, overall_burst, retry_seconds
from carework_core.clock import Clock
from carework_core.messaging.outbox import Lane, MessageKind, Outbox, QueuedMessage

log = logging.getLogger(__name__)
T = TypeVar("T")
# Sends under way at once at most: half the HTTP client's connections, so that a handler's own call (a tap's
# answer, /mydata) always finds one, and no send waits for a connection until it times out.
AT_ONCE = POOL_SIZE // 2
SHORT_WAIT = 0.1  # seconds a run waits for the overall pace (one token at 29 a second) before recording what went
RUN = 4  # a chat's messages fetched and sent together at most: its burst allowance (see Sender._chat)
NEW_MESSAGES = (MessageKind.SEND, MessageKind.CHART, MessageKind.DOCUMENT)  # what Telegram's overall limit counts


class Sender:
    """Sends due messages as the pace allows, without waiting for each to be answered.

    One query a wake takes what is due: each chat's oldest pending message and the next few behind
    it, sent in order by one task per chat and recorded together in one transaction. A reply must
    not wait behind a broadcast: anything queued (a handler wakes the sender) ends the current batch
    at the next chat, and the next fetch puts replies first. Chats being sent to are not fetched
    again; their messages wait, since their head is still pending.
    """

    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        clock: Clock,
        per_second: float = 29.0,
        charts: Charts | None = None,
        at_once: int = AT_ONCE,
        metrics: Metrics | None = None,
    ):
        self.bot, self.outbox, self.clock, self.charts = bot, outbox, clock, charts
        self.calls = ApiCalls(bot, charts)
        self.deliveries = Deliveries(outbox)
        self.metrics = metrics if metrics is not None else Metrics()  # None: counted where nobody looks
        self.failures = Failures(outbox, clock, self.metrics, pause=self._pause)
        self.at_once = at_once  # chats sent to at the same time at most
        self.overall = Bucket(capacity=overall_burst(per_second), rate=per_second)
        self.chats: dict[int, Bucket] = {}
        self._wake = asyncio.Event()
        self._pacing = asyncio.Lock()  # one run at a time takes an overall token
        self._paused_until = 0.0
        self._in_flight: dict[int, asyncio.Task] = {}  # chat -> the task sending its run
        self._more = False  # the last fetch may have left messages due: fetch again as soon as one ends
        self._failure: Exception | None = None  # a send whose outcome could not be recorded
        self.sent = 0
        self.stopping = False

    def finish(self) -> None:
        """Asks the drain to stop once the sends under way are recorded, so a restart repeats none."""
        self.stopping = True
        self._wake.set()

    def wake(self) -> None:
        """Tells the drain that something was queued."""
        self._wake.set()

    async def run(self, idle_seconds: float = 1.0) -> None:
        """Drains the outbox until cancelled; a failed pass is logged and tried again after a rest."""
        failures = 0
        try:
            while not self.stopping:
                try:
                    tried = await self.send_due()
                    failures = 0
                except Exception as exc:  # e.g. another process holding the database: every message waits on us
                    failures += 1
                    rest = backoff(failures, cap=60.0, first=1.0)
                    log.error(
                        "sender pass failed",
                        extra={"reason": describe_failure(exc), "failures": failures, "rest_seconds": rest},
                    )
                    await asyncio.sleep(rest)
                    continue
                if not tried:  # the wake flag was cleared before the fetch: nothing queued since is missed
                    await self._idle(idle_seconds)
                elif not self._more:  # that fetch took all that was due: nothing to do until woken
                    await self._idle(idle_seconds, sends_under_way=False)
        finally:
            await self.finish_sends()  # let a send under way record how it went

    async def _idle(self, seconds: float, sends_under_way: bool = True) -> None:
        """Waits until something is queued, a send under way ends (its chat's next message may go), or seconds pass."""
        woken = asyncio.ensure_future(self._wake.wait())
        ends = list(self._in_flight.values()) if sends_under_way else []
        try:
            await asyncio.wait([woken, *ends], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()

    async def drain_once(self, batch: int = 10) -> int:
        """Sends the next due messages (a few per chat) and waits for their answers; returns how many were tried."""
        tried = await self.send_due(batch)
        await self.finish_sends()
        self._raise_failure()
        return tried

    async def finish_sends(self) -> None:
        """Waits for every send under way to be answered and recorded."""
        await asyncio.gather(*self._in_flight.values())

    async def send_due(self, batch: int = 10) -> int:
        """Starts sending due messages at the pace allowed, replies first; returns how many were started.

        Stops early when something new is queued, so that a reply goes before the rest of the batch.
        """
        self._raise_failure()
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        self._wake.clear()
        if len(self._in_flight) >= self.at_once:  # nothing may start until a send under way ends (which wakes us)
            self._more = True
            return 0
        runs = await self._due(batch)
        ready = [run for run in runs if self._chat(run[0].chat_id).wait_time() == 0]
        self._more = self._more or len(ready) < len(runs) or any(len(run) == RUN for run in runs)
        if not ready:
            if runs:  # every due chat is still cooling down
                await asyncio.sleep(min(self._chat(run[0].chat_id).wait_time() for run in runs))
            return 0
        started = 0
        for run in ready:
            if len(self._in_flight) >= self.at_once or (
                started and (self._wake.is_set() or self._paused_until > time.monotonic())
            ):
                self._more = True
                break
            await self._take_turn(run[0])
            self._in_flight[run[0].chat_id] = asyncio.create_task(self._send_run(run))
            started += len(run)
        return started

    async def _take_turn(self, message: QueuedMessage) -> None:
        """Takes the chat's token, and for a new message the overall one, waiting for the latter if need be."""
        if message.kind in NEW_MESSAGES:  # the overall limit is on new messages
            # Runs of several chats wait for the overall token at once: one at a time, and each looks
            # again after its wait, or they would all wake together and spend more than the bucket holds.
            async with self._pacing:
                while (wait := self.overall.wait_time()) > 0:
                    await asyncio.sleep(wait)
                self.overall.take()
        self._chat(message.chat_id).take()

    async def _due(self, batch: int) -> list[list[QueuedMessage]]:
        """Returns the due messages, each chat's run together; chats being sent to are asked for, so the
        batch is full, but not read again. Those that no longer matter are expired on the way."""
        due = await self.outbox.due(self.clock.now(), batch + len(self._in_flight), self._in_flight.keys(), RUN)
        runs: dict[int, list[QueuedMessage]] = {}
        for message in due:
            if not message.wanted:
                await self.outbox.expire(message.id)
                log.info("message expired", extra={"outbox_id": message.id, "attempts": message.attempts})
                continue
            runs.setdefault(message.chat_id, []).append(message)
        self._more = len({m.chat_id for m in due}) >= batch  # the batch was full: more chats may be waiting
        return list(runs.values())[:batch]

    async def _send_run(self, run: list[QueuedMessage]) -> None:
        """Sends one chat's messages in order, each at its turn, and records those delivered together."""
        delivered: list[tuple[int, int | None]] = []
        try:
            for index, message in enumerate(run):
                if index and not await self._next_turn(message, delivered):
                    break
                went, message_id = await self._send(message, delivered)
                if went:
                    delivered.append((message.id, message_id))
                elif message_id is None:  # kept for later or given up with its chat: the rest wait behind it
                    break
            await self.deliveries.record(delivered)
        except Exception as exc:  # the next pass raises it, so the run loop logs it and rests
            self._failure = exc
        finally:  # only once its outcome is in the outbox (or its failure noted) may its chat be fetched again
            self._in_flight.pop(run[0].chat_id, None)

    async def _next_turn(self, message: QueuedMessage, delivered: list[tuple[int, int | None]]) -> bool:
        """Waits for the turn of a run's next message and takes it; False when the sender is stopping."""
        while not self.stopping and (wait := self._turn(message.chat_id, message.kind)) > 0:
            if wait > SHORT_WAIT:  # what went is recorded before a real wait: a kill then must not send it again
                await self.deliveries.record(delivered)
                delivered.clear()
            await asyncio.sleep(wait)
        if self.stopping:
            return False
        await self._take_turn(message)
        return True

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    async def direct(self, chat_id: int, call: Callable[[], Awaitable[T]], tries: int = 3) -> T:
        """Makes a Bot API call outside the outbox (words the database must not keep, such as /mydata) at
        the pace of queued sends, so it takes its turn in the chat instead of meeting flood control; a 429
        all the same is waited out, and a passing network or server error tried again, up to `tries` times."""
        for tried in range(1, tries + 1):
            while (wait := self._turn(chat_id)) > 0:
                await asyncio.sleep(wait)
            self._chat(chat_id).take()
            self.overall.take()
            try:
                result = await call()
                self.metrics.sent(Lane.REPLY)  # words for the person asking, sent outside the outbox
                return result
            except RetryAfter as exc:
                self.metrics.flood_control()
                if tried == tries:
                    raise
                self.metrics.retried()
                seconds = retry_seconds(exc.retry_after)
                self._pause(seconds)
                log.warning("flood control", extra={"retry_after": seconds})
            except BadRequest:
                raise  # the same request would be refused again
            except NetworkError as exc:  # as the outbox would; a second copy of /mydata is better than none
                if tried == tries:
                    raise
                self.metrics.retried()
                log.warning("direct call failed, trying again", extra={"reason": type(exc).__name__})
                await asyncio.sleep(backoff(tried, cap=2.0))
        raise AssertionError("unreachable: the last try returns or raises")

    def _pause(self, seconds: float) -> None:
        """Holds every send for a 429's retry_after; a longer pause already asked for stands."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _turn(self, chat_id: int, kind: MessageKind = MessageKind.SEND) -> float:
        """Returns the seconds until a message may go to this chat: after a pause, with a token in its chat's
        bucket and, for a new message, in the overall one."""
        pause = self._paused_until - time.monotonic()
        overall = self.overall.wait_time() if kind in NEW_MESSAGES else 0.0
        return max(pause, self._chat(chat_id).wait_time(), overall)

    def _chat(self, chat_id: int) -> Bucket:
        if chat_id not in self.chats:
            self.chats[chat_id] = Bucket(capacity=4, rate=1.0)  # Telegram allows a burst of about 5
        return self.chats[chat_id]

    async def _send(self, m: QueuedMessage, delivered: list[tuple[int, int | None]]) -> tuple[bool, int | None]:
        """Sends one message; returns (True, Telegram's message id) when it went, else (False, 0) when the
        chat's next may still go, or (False, None) when they wait. A failure's record follows `delivered`'s."""
        try:
            result = await self.calls.call(m)
        except TelegramError as exc:
            await self.deliveries.record(delivered)  # recorded before the failure: never marked given up
            delivered.clear()
            return await self.failures.settle(m, exc)
        self.sent += 1
        self.metrics.sent(m.lane)
        return True, result.get("message_id") if isinstance(result, dict) else None
