"""Benchmark: how long answering people wait for a reply while a broadcast goes out, in one run.

Both sides send an invitation to PARTICIPANTS people through the emulator's flood control (30 new
messages a second overall, about one a second per chat) while ANSWERING other people keep answering,
a few seconds apart, alternately typing an example and tapping "Add another example":
  carework  the real bot: everyone is stored through the core, consented; opening round r2 lets the
            bot's reconcile queue the invitations; answers come in through intake and their replies
            go out through the outbox's reply lane, ahead of the broadcast
  baseline  a plain python-telegram-bot Application with AIORateLimiter (its defaults, plus
            concurrent updates so one waiting reply does not hold up the other handlers): the
            broadcast hands every send to the limiter at once, and handlers reply directly

A reply's wait: from the person's update reaching the emulator to the bot's reply arriving there.
Run: PYTHONPATH=. .venv/bin/python bench/broadcast.py [--participants 3000] [--answering 50]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, MessageHandler, filters

from bot.runner import RunningBot
from bot.settings import Settings
from botapi_emulator import Emulator, EmulatorClient, VirtualUser
from botapi_emulator.client import ButtonNotFound
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock

TOKEN = "123456:BENCH-local-emulator-only"
SURVEY = Path(__file__).resolve().with_name("broadcast.yaml")
PACE = Settings.model_fields["messages_per_second"].default  # carework's configured pace
AIORL_PACE = 30.0  # AIORateLimiter's default overall rate
THINK_SECONDS = (4.0, 10.0)  # a person reads the reply, thinks, types
INVITATION = "Round 2: The next round is open. It takes about five minutes. Tap Start when you are ready."


@dataclass
class Figures:
    waits: list[float] = field(default_factory=list)  # seconds, one per answering action
    seconds: float = 0.0  # from the first invitation delivered to the last
    sends: int = 0  # new messages delivered in that time, replies included
    invitations: int = 0  # delivered
    refusals_429: int = 0
    failed: int = 0  # invitations the sender gave up on

    def per_second(self, count: int) -> float:
        return count / self.seconds if self.seconds else 0.0


def started_people(emulator: Emulator, prefix: str, count: int) -> list[int]:
    """Creates people who wrote to the bot long ago, so it may write to them; returns their ids."""
    ids = []
    for n in range(count):
        chat = emulator.world.add_person(f"{prefix}{n}")
        chat.person.started = True
        ids.append(chat.chat_id)
    return ids


async def watch_broadcast(emulator: Emulator, invited: list[int], figures: Figures, given_up=lambda: False) -> None:
    """Samples the emulator until every invited person has a message (or the sender gave up): the
    broadcast's time, from the first invitation delivered to the last, and the sends in it."""
    waiting = {chat_id: emulator.world.chats[chat_id] for chat_id in invited}
    first = last = (time.perf_counter(), emulator.world.messages_sent)
    while waiting and not given_up():
        await asyncio.sleep(0.05)
        arrived = [chat_id for chat_id, chat in waiting.items() if chat.messages]
        if arrived:
            if len(waiting) == len(invited):
                first = (time.perf_counter(), emulator.world.messages_sent)
            last = (time.perf_counter(), emulator.world.messages_sent)
        for chat_id in arrived:
            del waiting[chat_id]
    figures.seconds, figures.sends = last[0] - first[0], last[1] - first[1]
    figures.invitations = len(invited) - len(waiting)


async def keep_answering(user: VirtualUser, rng: random.Random, stop: asyncio.Event, waits: list[float]) -> None:
    """Alternates typing an example and tapping "Add another example", a few seconds apart, until stopped."""
    action = 0
    while True:
        try:
            await asyncio.wait_for(stop.wait(), rng.uniform(*THINK_SECONDS))
            return
        except TimeoutError:
            pass
        started = time.perf_counter()
        if action % 2 == 0:
            await user.send(f"Example {action // 2} from {user.first_name}")
        else:
            try:
                await user.tap("Add another example")
            except ButtonNotFound:  # the question holds no more examples
                return
        await user.wait_for_reply(timeout=600, settle=0)
        waits.append(time.perf_counter() - started)
        action += 1


async def answering_while(broadcast, users: list[VirtualUser], seed: int, figures: Figures) -> None:
    """Runs the answering people for as long as the broadcast coroutine takes."""
    rng, stop = random.Random(seed), asyncio.Event()
    answering = [
        asyncio.create_task(keep_answering(u, random.Random(rng.random()), stop, figures.waits)) for u in users
    ]
    try:
        await broadcast
    finally:
        stop.set()
        await asyncio.gather(*answering)


async def register(services: Services, group: str, ids: list[int]) -> None:
    """Stores people as consented participants of a group, through the core."""
    (token,) = await services.onboarding.create_invites(group, 1, len(ids), actor="bench")
    for user_id in ids:
        await services.onboarding.start(user_id, user_id, "en", token)
        await services.onboarding.consent(user_id, 0, True)


async def carework(folder: Path, participants: int, answering: int) -> Figures:
    figures = Figures()
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        services = await Services.open(folder / "bench.db", SURVEY, SystemClock())
        talkers, invited = started_people(emulator, "A", answering), started_people(emulator, "I", participants)
        await register(services, "answering", talkers)
        await register(services, "invited", invited)
        settings = Settings(
            telegram_token=TOKEN, telegram_api_url=emulator.url, database=folder / "bench.db", survey=SURVEY
        )
        bot = RunningBot(settings, services)
        await bot.start()
        try:
            users = [client.user(user_id, f"A{n}") for n, user_id in enumerate(talkers)]
            await services.rounds.open_round("r1", actor="bench")
            await bot.reconcile_now()
            await asyncio.gather(*(begin_round(u) for u in users))
            await services.rounds.open_round("r2", actor="bench")
            await bot.reconcile_now()  # the rest follow from the recurring reconcile, 500 at a time
            await answering_while(watch_broadcast(emulator, invited, figures), users, 1, figures)
        finally:
            await bot.stop()
            await services.close()
        figures.refusals_429 = emulator.stats()["refusals_by_code"].get("429", 0)
    return figures


async def begin_round(user: VirtualUser) -> None:
    await user.wait_for(lambda chat: any("Start" in row for m in chat for row in m.buttons), timeout=60)
    await user.tap("Start")
    await user.wait_for_reply(timeout=60)


def plain_application(url: str) -> Application:
    """Returns a bot that replies as carework does, straight from its handlers, under AIORateLimiter."""
    more = InlineKeyboardMarkup([[InlineKeyboardButton("Add another example", callback_data="more")]])

    async def saved(update: Update, context) -> None:
        await update.message.reply_text("Saved. Thank you.", reply_markup=more)

    async def prompt(update: Update, context) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Saved. Thank you.\n\nType your next example in one message.")

    builder = Application.builder().token(TOKEN).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot")
    app = builder.rate_limiter(AIORateLimiter()).concurrent_updates(True).build()
    app.add_handler(MessageHandler(filters.TEXT, saved))
    app.add_handler(CallbackQueryHandler(prompt))
    return app


async def baseline(participants: int, answering: int) -> Figures:
    figures = Figures()
    logging.getLogger("telegram").setLevel(logging.CRITICAL)  # each 429 given up on is counted, not logged
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        talkers, invited = started_people(emulator, "A", answering), started_people(emulator, "I", participants)
        users = [client.user(user_id, f"A{n}") for n, user_id in enumerate(talkers)]
        app = plain_application(emulator.url)
        async with app:
            await app.updater.start_polling(poll_interval=0, timeout=10)
            await app.start()
            sends = [app.bot.send_message(chat_id, INVITATION) for chat_id in invited]
            broadcast = asyncio.gather(*sends, return_exceptions=True)  # the limiter paces them
            watch = watch_broadcast(emulator, invited, figures, broadcast.done)
            await answering_while(watch, users, 1, figures)
            failed = [r for r in await broadcast if isinstance(r, Exception)]
            await app.updater.stop()
            await app.stop()
        figures.refusals_429 = emulator.stats()["refusals_by_code"].get("429", 0)
    figures.failed = len(failed)
    return figures


def percentile(values: list[float], share: float) -> float:
    """Returns the nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def report(name: str, figures: Figures, pace: float) -> None:
    waits = figures.waits
    print(f"{name}:")
    print(
        f"  broadcast: {figures.invitations} invitations delivered in {figures.seconds:.1f} s, {figures.failed} given up"
    )
    print(f"  new messages a second: {figures.per_second(figures.sends):.1f} (pace {pace:g})")
    print(f"  invitations a second: {figures.per_second(figures.invitations):.1f}")
    print(f"  429 refusals: {figures.refusals_429}")
    print(
        f"  replies: {len(waits)}, p50 {percentile(waits, 0.5):.0f} ms, p90 {percentile(waits, 0.9):.0f} ms,"
        f" p99 {percentile(waits, 0.99):.0f} ms, max {1000 * max(waits, default=0):.0f} ms"
    )


async def main(participants: int, answering: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ours = await carework(Path(folder), participants, answering)
    report("carework (outbox lanes)", ours, PACE)
    theirs = await baseline(participants, answering)
    report("baseline (AIORateLimiter)", theirs, AIORL_PACE)
    print(
        f"broadcast: pace_ratio={ours.per_second(ours.sends) / PACE:.2f} refusals_429={ours.refusals_429}"
        f" reply_p50_ms={percentile(ours.waits, 0.5):.0f} reply_p99_ms={percentile(ours.waits, 0.99):.0f}"
        f" aiorl_reply_p50_ms={percentile(theirs.waits, 0.5):.0f}"
        f" aiorl_reply_p99_ms={percentile(theirs.waits, 0.99):.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=3000, help="people invited (default 3000)")
    parser.add_argument("--answering", type=int, default=50, help="people answering meanwhile (default 50)")
    args = parser.parse_args()
    asyncio.run(main(args.participants, args.answering))
