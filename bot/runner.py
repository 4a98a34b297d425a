"""`carework run`: the bot's life from start to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.app import build_application
from bot.logs import describe_failure
from bot.ops.metrics import Metrics
from bot.scheduler import (
    ReconcileJob,
    announce_closed_rounds,
    draft_closed_summaries,
    reconcile,
    run_schedule,
    send_held_announcements,
)
from bot.screens.deadend_text import commands_menu
from bot.settings import Settings
from bot.text.catalogue import speaking, words
from bot.transport.intake import Intake
from bot.transport.sender import Sender
from carework_core.backups import daily_backup
from carework_core.bootstrap import Services
from carework_core.clock import Clock, SystemClock
from carework_core.errors import CareworkError, SettingsError
from carework_core.run_lock import RunLock

log = logging.getLogger(__name__)
STOP_SECONDS = 3.0
BACKUP_RETRY_SECONDS = 3600  # after a failed daily backup
FORGET_EVERY = timedelta(hours=1)  # how often the reconcile looks for Telegram ids kept with no reason
SENDER_FINISH_SECONDS = 2.0  # within STOP_SECONDS: a pass of sends is normally done in well under a second


class RunningBot:
    """A started bot: its services, application, intake and sender."""

    def __init__(self, settings: Settings, services: Services):
        self.settings, self.services = settings, services
        self.app = build_application(settings, services)
        self.metrics = Metrics()  # counted by intake and sender, served at /metrics (bot/ops/metrics.py)
        self.sender = Sender(
            self.app.bot,
            services.outbox,
            services.clock,
            settings.messages_per_second,
            services.summaries,
            metrics=self.metrics,
        )
        self.app.bot_data.wake_sender = self.sender.wake
        self.app.bot_data.direct = self._direct
        self.app.bot_data.sends_recorded = self._sends_recorded
        self.intake = Intake(self.app, services.inbox, settings.poll_timeout, settings.set_aside_days, self.metrics)
        self._tasks: list[asyncio.Task] = []
        self._job = ReconcileJob(self.reconcile_now)
        self._wake_job = None  # the one-off job at the schedule's next due time
        self._backup_retry_at = 0.0  # after a failed daily backup, when to try again (monotonic)
        self._backed_up: date | None = None  # the day whose copy exists: no look at the disk until the next
        self._reconciling = asyncio.Lock()
        self._forgot_at: datetime | None = None  # when idle Telegram ids were last looked for (the env's clock)
        self.failed = asyncio.Event()  # set when intake or sender ends on its own: nobody is answered

    async def _direct(self, chat_id: int, call: Callable[[], Awaitable[Any]]) -> Any:
        """The sender's direct call, made once the update's work so far is committed (no one waits on Telegram)."""
        await self.services.inbox.let_go()
        return await self.sender.direct(chat_id, call)

    async def _sends_recorded(self) -> None:
        """Waits for the sender's records, once the update's work so far is committed (the sender needs the database)."""
        await self.services.inbox.let_go()
        await self.sender.finish_sends()

    async def start(self) -> None:
        """Connects to the Bot API, schedules the reconcile job and starts intake and sender."""
        await connect(self.app, self.settings.connect_attempts, self.settings.telegram_api_url)
        await self.services.set_state("bot_username", self.app.bot.username)
        # CAREWORK_COORDINATORS decides for those it names: an id taken out of it leaves the team now.
        dropped = await self.services.coordinators.settle(self.app.bot_data.team)
        if dropped:
            log.info("coordinators no longer in CAREWORK_COORDINATORS removed", extra={"count": len(dropped)})
        await self._load_defined_items()
        await show_commands(self.app.bot, self.services.consultation.languages)
        await self.app.start()
        self.app.job_queue.run_repeating(self._job, interval=self.settings.reconcile_seconds, first=0.1)
        self._tasks = [
            asyncio.create_task(self.intake.run(), name="intake"),
            asyncio.create_task(self.sender.run(), name="sender"),
        ]
        for task in self._tasks:
            task.add_done_callback(self._ended)
        log.info("bot started", extra={"username": self.app.bot.username})

    async def _load_defined_items(self) -> None:
        """Stores the item sets the definition writes out; a set whose rating round has opened stays as stored."""
        for done in await self.services.item_lists.load_defined():
            if done.outcome == "kept":
                log.warning(
                    "the definition changes an item set whose rating round has opened; the stored set stays",
                    extra={"item_set": done.item_set, "rounds": ", ".join(done.opened)},
                )
            elif done.outcome == "loaded":
                log.info("item set loaded from the definition", extra={"item_set": done.item_set, "items": done.items})

    async def reconcile_now(self) -> int:
        """Takes what the schedule says is due, then queues owed invitations and closing notices; returns
        how many invitations were queued (rehearsals call this instead of waiting)."""
        async with self._reconciling:
            await run_schedule(self.services)
            await send_held_announcements(self.services)  # once quiet hours end
            count = await reconcile(self.services)
            await announce_closed_rounds(self.services)
            await draft_closed_summaries(self.services)
            self.sender.wake()
            await self._wake_at_next_due()
            await self._back_up_daily()
            await self._forget_idle_ids()
        return count

    async def _forget_idle_ids(self) -> None:
        """Deletes Telegram ids kept with no reason (see README, "Privacy"), at most once an hour."""
        now = self.services.now()
        if self._forgot_at is not None and now - self._forgot_at < FORGET_EVERY:
            return
        self._forgot_at = now
        gone = await self.services.their_data.forget_idle_ids()
        if gone:
            log.info("idle telegram ids forgotten", extra={"rows": gone})

    async def _back_up_daily(self) -> None:
        """Copies the database once a day into CAREWORK_BACKUP_DIR; a failure is logged and tried again in
        an hour, never holding up the schedule."""
        folder = self.settings.backup_dir
        c = self.services.consultation
        day = self.services.now().astimezone(c.zone).date()
        if folder is None or day == self._backed_up or time.monotonic() < self._backup_retry_at:
            return  # the reconcile runs every few seconds: only a new day reaches for the disk
        try:
            made = await asyncio.to_thread(daily_backup, self.settings.database, folder, day, self.settings.backup_keep)
        except Exception as exc:  # a full disk must not stop invitations going out
            self._backup_retry_at = time.monotonic() + BACKUP_RETRY_SECONDS
            log.error("backup failed", extra={"reason": describe_failure(exc)})
            return
        self._backed_up = day
        if made is not None:
            log.info("database backed up", extra={"file": made.name, "bytes": made.stat().st_size})

    async def _wake_at_next_due(self) -> None:
        """Sets a one-off job for the schedule's next due time, so nothing waits for the next reconcile."""
        when = await self.services.plans.next_wake()
        if self._wake_job is not None:
            with contextlib.suppress(JobLookupError):  # it has run already
                self._wake_job.schedule_removal()
            self._wake_job = None
        if when is not None and self.app.job_queue is not None and self.app.running:
            delay = max(0.0, (when - self.services.now()).total_seconds())
            self._wake_job = self.app.job_queue.run_once(self._job, when=delay + 0.01)

    async def stop(self) -> None:
        """Cancels intake and sender and shuts the application down, whatever state they are in."""
        self.sender.finish()  # sends in flight are recorded as sent, or the next start sends them again
        sending = [t for t in self._tasks if t.get_name() == "sender" and not t.done()]
        if sending:
            await asyncio.wait(sending, timeout=SENDER_FINISH_SECONDS)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)  # a failure was logged as it ended
        try:
            if self.app.running:
                await self.app.stop()
        finally:
            await self.app.shutdown()
        if self._tasks:  # a bot that never connected has nothing to report stopping
            log.info("bot stopped")

    def _ended(self, task: asyncio.Task) -> None:
        if task.cancelled() or (self.sender.stopping and task.get_name() == "sender" and not task.exception()):
            return
        error = task.exception()
        log.error(
            "task ended unexpectedly",
            exc_info=error,
            extra={"task": task.get_name(), "reason": type(error).__name__ if error else "returned"},
        )
        self.failed.set()


async def show_commands(bot, languages: Sequence[str]) -> None:
    """Lists the participants' commands in Telegram's menu, in each language of the definition (and in its
    first for anyone else); a refusal is logged, never fatal."""
    menus = [(None, speaking(None, languages))] + [(lang, words(lang)) for lang in languages]
    for language, w in menus:
        try:
            menu = [BotCommand(c["command"], c["description"]) for c in commands_menu(w)]
            await bot.set_my_commands(menu, language_code=language)
        except TelegramError as exc:
            log.warning("commands menu not set", extra={"reason": type(exc).__name__, "language": language})


async def connect(client, attempts: int = 6, api_url: str = "the Bot API URL") -> None:
    """Initializes a Bot or Application (getMe), riding out a few passing Bot API failures.

    The library's own errors name the token, so they become SettingsErrors that never do.
    """
    for attempt in range(attempts):
        try:
            await client.initialize()
            return
        except InvalidToken:
            await _close_requests(client)
            raise SettingsError(
                f"the Bot API at {api_url} refused CAREWORK_TELEGRAM_TOKEN (Unauthorized); "
                "check the token BotFather gave you"
            ) from None
        except (NetworkError, RetryAfter) as exc:
            if attempt == attempts - 1:
                await _close_requests(client)
                raise SettingsError(
                    f"cannot reach the Bot API at {api_url} after {attempts} attempts "
                    f"({type(exc).__name__}); check CAREWORK_TELEGRAM_API_URL and the network"
                ) from None
            log.warning("Bot API not ready", extra={"reason": type(exc).__name__, "attempt": attempt + 1})
            await asyncio.sleep(min(10.0, 0.5 * 2**attempt))


async def _close_requests(client) -> None:
    """Closes the connections a failed start opened: python-telegram-bot's shutdown skips a bot that never started."""
    bot = getattr(client, "bot", client)  # an Application or a Bot
    await bot.request.shutdown()


async def run_bot(settings: Settings, clock: Clock | None = None) -> None:
    """Runs the bot until SIGINT or SIGTERM; exits with status 1 if intake or sender dies."""
    services = await Services.open(
        settings.database, settings.survey, clock or SystemClock(), invite_key=settings.invite_secret()
    )
    try:
        lock = RunLock.take(settings.database, "stop it before starting another")  # `carework restore` waits for it
        await services.rounds.refuse_changed_definition()  # before anyone is asked anything
    except CareworkError:
        await services.close()
        raise
    bot = RunningBot(settings, services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if await _first(bot.start(), stop.wait()):  # SIGTERM while still connecting stops at once
            await _first(stop.wait(), bot.failed.wait())
    finally:
        try:
            await asyncio.wait_for(bot.stop(), STOP_SECONDS)
        except TimeoutError:
            log.error("bot did not stop in time", extra={"seconds": STOP_SECONDS})
        finally:
            await services.close()
            lock.release()
    if bot.failed.is_set():
        raise SystemExit(1)  # a bot that answers nobody should not look alive: let the supervisor restart it


async def _first(work: Awaitable[object], *others: Awaitable[object]) -> bool:
    """Waits until `work` or one of `others` ends, cancelling the rest; returns whether `work` ended
    first (its exception, if any, is raised)."""
    tasks = [asyncio.ensure_future(work), *(asyncio.ensure_future(o) for o in others)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks[1:] if tasks[0].done() else tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if tasks[0].done() and not tasks[0].cancelled():
        tasks[0].result()
        return True
    return False
