"""Durable update intake, in place of python-telegram-bot's Updater.

The stock Updater confirms a batch to Telegram on its next getUpdates, before handlers have run,
so a killed process loses that batch. Here each batch is committed to the inbox table first; only
then does the next getUpdates (with a higher offset) confirm it. Stored updates are processed in
order and marked done; unfinished ones are replayed on start. Handlers are idempotent (answers
are keyed by their source message, replies by update id), so a replay changes nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TelegramError

from bot.context import CareworkApp
from bot.sender import retry_seconds
from carework_core.inbox import Inbox, StoredUpdate

log = logging.getLogger(__name__)


class Intake:
    def __init__(self, application: CareworkApp, inbox: Inbox, poll_timeout: int = 20):
        self.application, self.inbox, self.poll_timeout = application, inbox, poll_timeout

    async def run(self) -> None:
        """Replays unfinished updates, then polls, stores and processes until cancelled."""
        await self.process_stored()
        offset = await self.inbox.next_offset()
        failures = 0
        while True:
            try:
                batch = await self._fetch(offset)
                failures = 0
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc.retry_after))
                continue
            except (Conflict, NetworkError, TelegramError) as exc:
                failures += 1
                log.warning("getUpdates failed", extra={"reason": type(exc).__name__, "failures": failures})
                await asyncio.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            stored = [u for u in (_stored(raw) for raw in batch) if u is not None]
            await self.inbox.store(stored)
            if stored:
                offset = max(u.update_id for u in stored) + 1
            await self.process_stored()

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
            update = Update.de_json(json.loads(stored.payload), self.application.bot)
        except Exception as exc:  # the library could not read it: set aside, never block the rest
            await self.inbox.set_aside(stored.update_id, f"{type(exc).__name__}")
            log.warning("update set aside", extra={"update_id": stored.update_id, "reason": type(exc).__name__})
            return
        await self.application.process_update(update)
        await self.inbox.finish(stored.update_id)
        log.debug("update processed", extra={"update_id": stored.update_id, "ms": round((time.perf_counter() - started) * 1000, 1)})


def _stored(raw: object) -> StoredUpdate | None:
    """Keeps an update as the exact JSON Telegram sent; one without an id cannot be confirmed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        log.warning("update without an id ignored")
        return None
    return StoredUpdate(raw["update_id"], json.dumps(raw, ensure_ascii=False))
