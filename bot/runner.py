"""`carework run`: the bot's life from start to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import NetworkError, RetryAfter

from bot.app import build_application
from bot.intake import Intake
from bot.scheduler import ReconcileJob, reconcile
from bot.sender import Sender
from bot.settings import Settings
from carework_core.clock import Clock, SystemClock
from carework_core.services import Services

log = logging.getLogger(__name__)


class RunningBot:
    """A started bot: its services, application, intake and sender."""

    def __init__(self, settings: Settings, services: Services):
        self.settings, self.services = settings, services
        self.app = build_application(settings, services)
        self.sender = Sender(self.app.bot, services.outbox, services.env.clock, settings.messages_per_second)
        self.app.bot_data.wake_sender = self.sender.wake
        self.intake = Intake(self.app, services.inbox, settings.poll_timeout)
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        """Connects to the Bot API, schedules the reconcile job and starts intake and sender."""
        await connect(self.app)
        await self.services.set_state("bot_username", self.app.bot.username)
        await self.app.start()
        self.app.job_queue.run_repeating(ReconcileJob(self.reconcile_now), interval=self.settings.reconcile_seconds, first=0.1)
        self._tasks = [asyncio.create_task(self.intake.run()), asyncio.create_task(self.sender.run())]
        log.info("bot started", extra={"username": self.app.bot.username})

    async def reconcile_now(self) -> int:
        """Runs the reconcile job at once (rehearsals call this instead of waiting)."""
        count = await reconcile(self.services)
        self.sender.wake()
        return count

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        log.info("bot stopped")


async def connect(client, attempts: int = 6) -> None:
    """Initializes a Bot or Application (getMe), riding out a few passing Bot API failures."""
    for attempt in range(attempts):
        try:
            await client.initialize()
            return
        except (NetworkError, RetryAfter) as exc:
            if attempt == attempts - 1:
                raise
            log.warning("Bot API not ready", extra={"reason": type(exc).__name__, "attempt": attempt + 1})
            await asyncio.sleep(min(10.0, 0.5 * 2 ** attempt))


async def run_bot(settings: Settings, clock: Clock | None = None) -> None:
    """Runs the bot until SIGINT or SIGTERM."""
    services = await Services.open(settings.database, settings.survey, clock or SystemClock())
    bot = RunningBot(settings, services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await bot.start()
        await stop.wait()
    finally:
        await bot.stop()
        await services.close()
