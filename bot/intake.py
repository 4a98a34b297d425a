"""Durable update intake, in place of python-telegram-bot's Updater.

The stock Updater confirms a batch to Telegram on its next getUpdates, before handlers have run,
so a killed process loses that batch. Here each batch is committed to the inbox table first; only
then does the next getUpdates (with a higher offset) confirm it. Stored updates are processed in
order and marked done; unfinished ones are replayed on start. Handlers are idempotent (answers
are keyed by their source message, replies by update id), so a replay changes nothing twice.
Handlers see the inbox receipt as update_id: Telegram's own ids restart, the receipt never does.
A failed write never stops the loop: it is logged and retried, and the batch is not confirmed
until it is stored. When idle, the WAL is emptied so raw updates do not linger on disk.
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
from bot.sender import retry_seconds
from carework_core.inbox import Inbox, StoredUpdate, storable

log = logging.getLogger(__name__)
IDLE_TIDY_SECONDS = 3600.0  # an idle bot still forgets old set-aside content about hourly


class Intake:
    def __init__(self, application: CareworkApp, inbox: Inbox, poll_timeout: int = 20, set_aside_days: float = 3):
        self.application, self.inbox, self.poll_timeout = application, inbox, poll_timeout
        self.set_aside_days = set_aside_days
        self._offset: int | None = None
        self._unconfirmed = False  # stored updates Telegram has not yet been sent an offset past
        self._started = False
        self._untidy = True
        self._tidied_at = time.monotonic()

    async def run(self) -> None:
        """Replays unfinished updates, then polls, stores and processes until cancelled.

        Any failure (a write lock held by another process for longer than the database waits, a
        full disk) is logged and retried with backoff: a stopped intake answers nobody.
        """
        failures = 0
        while True:
            try:
                await self._cycle()
                failures = 0
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc.retry_after))
            except (Conflict, NetworkError, TelegramError) as exc:
                failures += 1
                log.warning("getUpdates failed", extra={"reason": type(exc).__name__, "failures": failures})
                await asyncio.sleep(backoff(failures, cap=30.0, first=1.0))
            except Exception as exc:
                failures += 1
                log.error("intake failed", extra={"reason": describe_failure(exc), "failures": failures})
                await asyncio.sleep(backoff(failures, cap=30.0, first=1.0))

    async def _cycle(self) -> None:
        """One turn: fetch (confirming what was stored), store, process, tidy when idle."""
        if not self._started:
            await self.process_stored()
            self._offset = await self.inbox.next_offset()
            self._unconfirmed = self._started = True
        batch = await self._fetch(self._offset)
        if self._unconfirmed and self._offset is not None:
            await self.inbox.confirmed(self._offset)
        self._unconfirmed = False
        stored = [u for u in (_stored(raw) for raw in batch) if u is not None]
        if stored:
            await self.inbox.store(stored)
            _log_set_aside(stored)
            self._offset, self._unconfirmed = max(u.update_id for u in stored) + 1, True
        if await self.process_stored() or stored:
            self._untidy = True
        if not batch and (self._untidy or time.monotonic() - self._tidied_at > IDLE_TIDY_SECONDS):
            await self._tidy()

    async def _tidy(self) -> None:
        """When idle: forgets old set-aside content and empties the WAL of raw updates."""
        await self.inbox.forget_set_aside(self.set_aside_days)
        await self.inbox.checkpoint()
        self._untidy, self._tidied_at = False, time.monotonic()

    async def process_stored(self) -> int:
        """Processes every stored, unfinished update in order; returns how many."""
        count = 0
        while batch := await self.inbox.unfinished(100):
            for stored in batch:
                await self._process(stored)
                count += 1
        return count

    async def _fetch(self, offset: int | None) -> list:
        params = {"timeout": self.poll_timeout, "allowed_updates": ["message", "edited_message", "callback_query"]}
        if offset is not None:
            params["offset"] = offset
        result = await self.application.bot.do_api_request(
            "getUpdates", api_kwargs=params, read_timeout=self.poll_timeout + 10
        )
        return result if isinstance(result, list) else []

    async def _process(self, stored: StoredUpdate) -> None:
        started = time.perf_counter()
        try:
            data = json.loads(stored.payload)
            data["update_id"] = stored.receipt  # replies are keyed by it; Telegram's ids restart
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # the library could not read it: set aside, never block the rest
            await self.inbox.set_aside(stored.receipt, f"{type(exc).__name__}")
            log.warning("update set aside", extra={"update_id": stored.update_id, "reason": type(exc).__name__})
            return
        await self.application.process_update(update)
        await self.inbox.finish(stored.receipt)
        log.debug(
            "update processed",
            extra={"receipt": stored.receipt, "ms": round((time.perf_counter() - started) * 1000, 1)},
        )


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
