"""Webhook mode: Telegram POSTs each update to CAREWORK_WEBHOOK_URL, and the listener takes it here.

An update is committed to the inbox before the 200 goes back, so a process killed before it answers
gets the update again from Telegram, which sends it until it is answered with 2xx; a copy of an update
already stored is recognised by its id while unconfirmed (Inbox.store) and not processed twice. From
the inbox on, an update takes the same road as a polled one (Intake.process_stored, update_order).
The header check is constant-time, so the secret cannot be guessed a character at a time; a request
without it stores nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from urllib.parse import urlsplit

from aiohttp import web
from telegram.error import TelegramError

from bot.context import CareworkApp
from bot.logs import describe_failure
from bot.ops.metrics import Metrics
from bot.settings import Settings
from bot.transport.intake import ALLOWED_UPDATES, IDLE_TIDY_SECONDS, Intake, _log_set_aside, _stored
from bot.transport.listener import MAX_BODY_BYTES
from carework_core.errors import SettingsError
from carework_core.messaging.inbox import Inbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WATCH_SECONDS = 30.0  # how often getWebhookInfo is asked whether Telegram holds updates back
QUIET_SECONDS = 5.0  # no delivery for this long: the bot is idle, and tidies
CONFIRM_AFTER_HOURS = 24.0  # Telegram gives up sending an update within a day; ids restart after a week
MAX_CONNECTIONS = 40  # Telegram's default: deliveries at once


def intake_for(settings: Settings, application: CareworkApp, inbox: Inbox, metrics: Metrics | None = None) -> Intake:
    """Returns the webhook intake when CAREWORK_WEBHOOK_URL is set, else the polling one."""
    if settings.webhook_url and settings.webhook_secret:
        secret = settings.webhook_secret.get_secret_value()
        return WebhookIntake(application, inbox, settings.webhook_url, secret, settings.set_aside_days, metrics)
    return Intake(application, inbox, settings.poll_timeout, settings.set_aside_days, metrics)


class WebhookIntake(Intake):
    """Stores each delivered update before answering, then hands stored updates over as polling does."""

    def __init__(
        self,
        application: CareworkApp,
        inbox: Inbox,
        url: str,
        secret: str,
        set_aside_days: float = 3,
        metrics: Metrics | None = None,
    ):
        super().__init__(application, inbox, poll_timeout=0, set_aside_days=set_aside_days, metrics=metrics)
        self.url, self._secret = url, secret.encode()
        self._path = urlsplit(url).path
        self._arrived = asyncio.Event()
        self._watched_at = 0.0
        self._last_error: int | None = None

    def routes(self) -> list[web.RouteDef]:
        """The webhook's path, on the listener."""
        return [web.post(self._path, self.receive)]

    async def announce(self) -> None:
        """Tells Telegram where to send updates, with the secret and the kinds of update the bot takes."""
        await self.inbox.taking_by_webhook(True)  # before Telegram sends any: see Inbox.after_webhook
        try:
            await self.application.bot.set_webhook(
                self.url,
                secret_token=self._secret.decode(),
                allowed_updates=ALLOWED_UPDATES,
                max_connections=MAX_CONNECTIONS,
            )
        except TelegramError as exc:  # the library's words name the URL at most, never the token
            raise SettingsError(f"Telegram refused CAREWORK_WEBHOOK_URL {self.url}: {exc.message}") from None

    async def receive(self, request: web.Request) -> web.Response:
        """Takes one delivered update: 401 without the secret, 413 if too large, 200 once it is stored."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook request without the secret refused")
            return web.Response(status=401, text="unauthorized\n")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.Response(status=413, text="too large\n")
        try:
            raw = json.loads(await request.read())  # aiohttp answers 413 to a longer chunked body
        except ValueError:
            return web.Response(status=400, text="not JSON\n")
        stored = _stored(raw)
        if stored is not None:
            try:
                added = await self.inbox.store([stored])  # committed: from here on a crash loses nothing
            except Exception as exc:
                log.error("webhook update not stored", extra={"reason": describe_failure(exc)})
                return web.Response(status=500, text="not stored\n")  # Telegram sends it again
            _log_set_aside([stored])
            self.metrics.received("webhook", added)  # a copy of one stored already is not counted again
            self._arrived.set()
        self.contact_at = time.monotonic()
        return web.Response(text="ok\n")

    async def _cycle(self) -> None:
        """One turn: wait for deliveries, hand over what is stored, ask Telegram now and then, tidy when idle."""
        if not self._started:
            await self.process_stored()  # what an earlier run stored and did not finish
            self._started = True
        await self._room()
        quiet = False
        try:
            await asyncio.wait_for(self._arrived.wait(), QUIET_SECONDS)
        except TimeoutError:
            quiet = True
        self._arrived.clear()
        if await self.process_stored():
            self._untidy = True
        if time.monotonic() - self._watched_at >= WATCH_SECONDS:
            await self._watch()
        # Only when nothing arrived for a while: the checkpoint holds the database, and a delivery would wait for it.
        if quiet and not self._in_hand and (self._untidy or time.monotonic() - self._tidied_at > IDLE_TIDY_SECONDS):
            await self.inbox.confirm_delivered(CONFIRM_AFTER_HOURS)
            await self._tidy()

    async def _watch(self) -> None:
        """Asks getWebhookInfo: nothing held back counts as contact; a new delivery error is logged."""
        self._watched_at = time.monotonic()
        try:
            info = await self.application.bot.get_webhook_info()
        except TelegramError as exc:
            log.warning("getWebhookInfo failed", extra={"reason": type(exc).__name__})
            return
        if info.pending_update_count == 0:
            self.contact_at = time.monotonic()
        if info.url != self.url:
            log.error("the webhook was changed elsewhere: updates go to another address")
        error_at = int(info.last_error_date.timestamp()) if info.last_error_date else None
        if error_at is not None and error_at != self._last_error:
            self._last_error = error_at
            log.warning(
                "Telegram could not deliver to the webhook",
                extra={"reason": info.last_error_message, "pending": info.pending_update_count},
            )
