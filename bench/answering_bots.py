"""The two bots of bench/answering.py, each run in a child process of its own and told what to do
through a pipe: "ready" (answers once it is polling), "open" (ours: opens round r1 and sends the
invitations), "stop"."""

from __future__ import annotations

import asyncio
import cProfile
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.capacity import BENCH_PACE
from bot.runner import RunningBot
from bot.settings import Settings
from bot.transport.http import use_client
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from rehearsal.run import REHEARSAL_TOKEN, log_to

QUESTIONS = 5
LABELS = ["Small", "Medium", "Big"]


def ours_main(pipe, url: str, folder: str, survey: Path, profile: Path | None) -> None:
    """Runs the real bot, with the sender's overall pace lifted as in bench/capacity.py."""
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    asyncio.run(_ours(pipe, url, Path(folder), survey))
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)


async def _ours(pipe, url: str, folder: Path, survey: Path) -> None:
    log_to(folder / "bot.log")
    services = await Services.open(folder / "carework.db", survey, ShiftedClock())
    settings = Settings(
        telegram_token=REHEARSAL_TOKEN, telegram_api_url=url, database=folder / "carework.db", survey=survey
    ).model_copy(update={"messages_per_second": BENCH_PACE})
    bot = RunningBot(settings, services)
    await bot.start()
    try:
        while (command := await asyncio.to_thread(pipe.recv)) != "stop":
            if command == "open":
                await services.rounds.open_round("r1", actor="bench")
                await bot.reconcile_now()
            pipe.send(command)
    finally:
        await bot.stop()
        await services.close()


def baseline_main(pipe, url: str, client: str = "httpx") -> None:
    """Runs the minimal bot: a stock Application polling for itself, no storage, no logic; its
    requests go through the library's own httpx client, or carework's aiohttp one when asked."""
    asyncio.run(_baseline(pipe, url, client))


def question(number: int) -> tuple[str, InlineKeyboardMarkup | None]:
    if number > QUESTIONS:
        return "That is the end of the round. Thank you.", None
    buttons = [[InlineKeyboardButton(label, callback_data=f"{number}:{label}")] for label in LABELS]
    return f"Question {number} of {QUESTIONS}\n\nHow big a problem is it?", InlineKeyboardMarkup(buttons)


async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    start = InlineKeyboardMarkup([[InlineKeyboardButton("Start", callback_data="0:Start")]])
    await update.effective_chat.send_message("Round 1: Wellbeing at work", reply_markup=start)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The same calls as ours for a tap: stop the spinner, show the choice, ask the next question."""
    query = update.callback_query
    number, label = query.data.split(":", 1)
    await query.answer()
    await query.edit_message_text(f"{query.message.text}\n\nYour answer: {label}")
    text, buttons = question(int(number) + 1)
    await update.effective_chat.send_message(text, reply_markup=buttons)


async def _baseline(pipe, url: str, client: str) -> None:
    app = (
        use_client(Application.builder(), client)
        .token(REHEARSAL_TOKEN)
        .base_url(f"{url}/bot")
        .concurrent_updates(True)  # as ours: one person's taps never wait for another's
        .build()
    )
    app.add_handler(CommandHandler("start", hello))
    app.add_handler(CallbackQueryHandler(tapped))
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        while (command := await asyncio.to_thread(pipe.recv)) != "stop":
            pipe.send(command)
        await app.updater.stop()
        await app.stop()
