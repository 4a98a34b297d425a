"""Durable update intake, in place of python-telegram-bot's Updater.

The stock Updater confirms a batch to Telegram on its next getUpdates, before handlers have run,
so a killed process loses that batch. Here each batch is committed to the inbox table first; only
then does the next getUpdates (with a higher offset) confirm it. Stored updates are handed, in the
order they arrived, to the application's update processor (bot/transport/update_order.py), which runs
different people's at once and each person's in order; each is processed as one unit of work that
also marks it done (Inbox.processing: the guard's reads, the core action, its replies and the mark
commit together, or none of them), and unfinished ones are replayed, in order, on start. Handlers
are idempotent (answers are keyed by their source message, replies by update id), so a replay
changes nothing twice.
Handlers see the inbox receipt as update_id: Telegram's own ids restart, the receipt never does.
A failed write never stops the loop: it is logged and retried, and the batch is not confirmed
until it is stored; a failed update is replayed, with what its person sent after it, once
everything in progress has ended. When idle, the WAL is emptied so raw updates do not linger on disk.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TelegramError

from bot.context import CareworkApp
from bot.logs import backoff, describe_failure
from bot.ops.metrics import Metrics
from bot.transport.pace import retry_seconds
from carework_core.messaging.inbox import Inbox, StoredUpdate, storable

log = logging.getLogger(__name__)
IDLE_TIDY_SECONDS = 3600.0  # an idle bot still forgets old set-aside content about hourly
MAX_HANDED_OVER = 2000  # updates in the processor's hands at once; a backlog waits in the inbox


class Intake:
    def __init__(
        self,
        application: CareworkApp,
        inbox: Inbox,
        poll_timeout: int = 20,
        set_aside_days: float = 3,
        metrics: Metrics | None = None,
    ):
        self.application, self.inbox, self.poll_timeout = application, inbox, poll_timeout
        self.metrics = metrics if metrics is not None else Metrics()  # None: counted where nobody looks
        self.set_aside_days = set_aside_days
        self._offset: int | None = None
        self._unconfirmed = False  # stored updates Telegram has not yet been sent an offset past
        self._started = False
        self._untidy = True
        self._tidied_at = time.monotonic()
        self._handed_up_to = 0  # the newest receipt handed to the processor
        self._in_hand = 0  # handed over and not yet ended
        self._running: set[asyncio.Task] = set()
        self._failures = 0
        self._replay = False  # an update failed: replay everything unfinished once nothing runs

    async def run(self) -> None:
        """Replays unfinished updates, then polls, stores and hands over until cancelled.

        Any failure (a write lock held by another process for longer than the database waits, a
        full disk) is logged and retried with backoff: a stopped intake answers nobody.
        """
        failures = 0
        try:
            while True:
                try:
                    await self._cycle()
                    failures = 0
                except RetryAfter as exc:
                    self.metrics.flood_control()
                    await asyncio.sleep(retry_seconds(exc.retry_after))
                except (Conflict, NetworkError, TelegramError) as exc:
                    failures += 1
                    log.warning("getUpdates failed", extra={"reason": type(exc).__name__, "failures": failures})
                    await asyncio.sleep(backoff(failures, cap=30.0, first=1.0))
                except Exception as exc:
                    failures += 1
                    log.error("intake failed", extra={"reason": describe_failure(exc), "failures": failures})
                    await asyncio.sleep(backoff(failures, cap=30.0, first=1.0))
        finally:
            for task in self._running:  # cut short: they stay unfinished and are replayed on start
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _cycle(self) -> None:
        """One turn: fetch (confirming what was stored), store, hand over, tidy when idle."""
        if not self._started:
            await self.process_stored()
            self._offset = await self.inbox.next_offset()
            self._unconfirmed = self._started = True
        await self._room()
        batch = await self._fetch(self._offset)
        confirmed = self._offset if self._unconfirmed else None  # that fetch told Telegram we hold them
        stored = [u for u in (_stored(raw) for raw in batch) if u is not None]
        waiting = None
        if stored:
            # One transaction stores them, records the confirmation and lists what waits to be handed over.
            asked = self._asked()
            waiting = (await self.inbox.take_in(stored, confirmed, asked, self._handed_up_to), asked)
            _log_set_aside(stored)
            self.metrics.received("poll", len(stored))
            self._offset = max(u.update_id for u in stored) + 1
        elif confirmed is not None:
            await self.inbox.confirmed(confirmed)
        self._unconfirmed = bool(stored)
        if await self.process_stored(waiting) or stored:
            self._untidy = True
        idle = not batch and not self._in_hand
        if idle and (self._untidy or time.monotonic() - self._tidied_at > IDLE_TIDY_SECONDS):
            await self._tidy()

    async def _tidy(self) -> None:
        """When idle: forgets old set-aside content and empties the WAL of raw updates."""
        await self.inbox.forget_set_aside(self.set_aside_days)
        await self.inbox.checkpoint()
        self._untidy, self._tidied_at = False, time.monotonic()

    async def process_stored(self, first: tuple[list[StoredUpdate], int] | None = None) -> int:
        """Hands every stored, unfinished update not yet handed over to the processor, in order; returns how many.

        `first`, when given, is the first batch already read (by `take_in`) and how many were asked for."""
        count = 0
        while True:
            if first is None or self._replay:  # after a failure, everything unfinished is read afresh
                await self._room()
                asked = self._asked()
                batch = await self.inbox.unfinished(asked, after=self._handed_up_to)
            else:
                batch, asked = first
            first = None
            for stored in batch:
                await self._hand_over(stored)
                self._handed_up_to = stored.receipt
                count += 1
            if len(batch) < asked:  # that was the last of them: no need to ask again
                return count

    def _asked(self) -> int:
        """How many unfinished updates to read at a time: at most what the processor has room for."""
        return min(100, MAX_HANDED_OVER - self._in_hand)

    async def _room(self) -> None:
        """Waits while the processor holds its fill; after a failure, waits for all to end and starts over."""
        while self._in_hand >= MAX_HANDED_OVER and not self._replay:
            await asyncio.sleep(0.01)
        if self._replay:
            while self._running:
                await asyncio.wait(set(self._running))
            await asyncio.sleep(backoff(self._failures, cap=30.0, first=1.0))
            self._handed_up_to = self._in_hand = 0  # unstarted ones were dropped: hand everything over again
            self._replay = False

    async def _fetch(self, offset: int | None) -> list:
        params = {"timeout": self.poll_timeout, "allowed_updates": ["message", "edited_message", "callback_query"]}
        if offset is not None:
            params["offset"] = offset
        result = await self.application.bot.do_api_request(
            "getUpdates", api_kwargs=params, read_timeout=self.poll_timeout + 10
        )
        return result if isinstance(result, list) else []

    async def _hand_over(self, stored: StoredUpdate) -> None:
        """Gives one stored update to the update processor; one the library cannot read is set aside."""
        try:
            data = json.loads(stored.payload)
            data["update_id"] = stored.receipt  # replies are keyed by it; Telegram's ids restart
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # the library could not read it: set aside, never block the rest
            await self.inbox.set_aside(stored.receipt, f"{type(exc).__name__}")
            log.warning("update set aside", extra={"update_id": stored.update_id, "reason": type(exc).__name__})
            return
        self._in_hand += 1
        processor = self.application.update_processor
        task = asyncio.create_task(processor.process_update(update, self._process(stored, update)))
        self._running.add(task)
        task.add_done_callback(self._ended)

    async def _process(self, stored: StoredUpdate, update: Update) -> None:
        """Processes one update and marks it done; after a failure, leaves it for the replay."""
        try:
            if self._replay:
                return  # something before it may have failed: it is replayed in order
            started = time.perf_counter()
            async with self.inbox.processing(stored):  # one unit of work, marked done in it
                await self.application.process_update(update)
            self._failures = 0
            log.debug(
                "update processed",
                extra={"receipt": stored.receipt, "ms": round((time.perf_counter() - started) * 1000, 1)},
            )
        finally:
            self._in_hand -= 1

    def _ended(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        if task.cancelled() or task.exception() is None:
            return
        self._failures += 1
        self._replay = True
        log.error("update failed", extra={"reason": describe_failure(task.exception()), "failures": self._failures})


def _log_set_aside(stored: list[StoredUpdate]) -> None:
    for u in stored:
        if not storable(u.update_id):
            log.warning("update set aside", extra={"update_id": u.update_id, "reason": "update id too large"})


def _stored(raw: object) -> StoredUpdate | None:
    """Keeps an update as the exact JSON Telegram sent; one without an id cannot be confirmed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        log.warning("update without an id ignored")
        return None
    kind = next((key for key in raw if key != "update_id"), "")
    return StoredUpdate(raw["update_id"], json.dumps(raw), str(kind)[:40])
