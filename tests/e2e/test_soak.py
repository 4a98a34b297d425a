"""The bot keeps its promises when it is killed (SIGKILL) again and again while a round runs itself.

A `carework run` process is killed at random moments while its schedule opens a round, invites
everyone, reminds those who have not finished and people answer; each time it is started again.
`make soak` runs it with 1,000 people, then again with a tenth of Bot API requests failing; the
normal suite runs a small version.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest
import yaml

from botapi_emulator import ChatMessage, Emulator, EmulatorClient, VirtualUser
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from tests.e2e.conftest import TOKEN
from tests.e2e.test_crash import BURST, start_bot, stored_values

pytestmark = pytest.mark.slow
SOAK = pytest.mark.skipif(not os.environ.get("CAREWORK_SOAK"), reason="runs with `make soak`")
PER_CLIENT = 400  # participants sharing one control-API connection pool (500 connections)
# A replayed last answer (the bot was killed before its reply was queued) is thanked the second way.
ENDS = ("That is the end of round 1", "Thank you. You have answered every question in round 1")
JOINED = "Thank you. You are taking part"


@dataclass
class Person:
    """A virtual participant who keeps the answers the bot acknowledged (replied to)."""

    user: VirtualUser
    n: int
    token: str
    rng: Random
    think: tuple[float, float]
    timeout: float
    acknowledged: list[str] = field(default_factory=list)

    async def take_part(self) -> None:
        """Joins with an invite link, waits for the invitation, taps Start and answers both questions."""
        await self.user.send(f"/start {self.token}")
        await self.user.wait_for(lambda c: any("I agree" in row for m in c for row in m.buttons), self.timeout)
        await self.user.tap("I agree")
        # The invitation shows the tap was taken even if its "thank you" was lost to a kill (counted).
        await self.user.wait_for(lambda c: shows(c, JOINED) or invitation(c) is not None, timeout=self.timeout)
        chat = await self.user.wait_for(lambda c: invitation(c) is not None, timeout=self.timeout)
        await self._pause()
        await self.user.tap("Start", message_id=invitation(chat).message_id)
        await self.user.wait_for(lambda c: shows(c, "Question 1 of 2"), timeout=self.timeout)
        for number, next_one in ((1, ("Question 2 of 2",)), (2, ENDS)):
            await self._pause()
            text = f"Person {self.n} answer {number}"
            await self.user.send(text)
            await self.user.wait_for(lambda c, want=next_one: any(shows(c, w) for w in want), timeout=self.timeout)
            self.acknowledged.append(text)

    async def _pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think))


def invitation(chat: list[ChatMessage]) -> ChatMessage | None:
    return next((m for m in chat if m.from_bot and m.text.startswith("Round 1:") and m.buttons), None)


def shows(chat: list[ChatMessage], start: str) -> bool:
    return any(m.from_bot and m.text.startswith(start) for m in chat)


def soak_definition(folder: Path, opens: datetime, remind_after: float) -> Path:
    """Writes a one-round definition whose schedule opens and reminds a few seconds from now."""
    definition = yaml.safe_load(BURST.read_text(encoding="utf-8"))
    definition["timezone"] = "UTC"
    rnd = definition["rounds"][0]
    rnd["schedule"] = {
        "opens": opens.isoformat(timespec="seconds"),
        "reminders": [(opens + timedelta(seconds=remind_after)).isoformat(timespec="seconds")],
        "closes": (opens + timedelta(hours=1)).isoformat(timespec="seconds"),
    }
    rnd["questions"] = [
        {"id": "works", "type": "text", "text": "What works well where you work?"},
        {"id": "change", "type": "text", "text": "What would you change?"},
    ]
    path = folder / "soak.yaml"
    path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Figures:
    people: int
    kills: int = 0
    acknowledged: int = 0
    stored: int = 0
    reminded: int = 0
    unthanked: int = 0  # people whose consent tap was taken but never answered
    most_of_one_message: int = 0
    seconds: float = 0.0

    def line(self, faults: float) -> str:
        return (
            f"soak: faults={faults} people={self.people} kills={self.kills} acknowledged={self.acknowledged} "
            f"stored={self.stored} reminded={self.reminded} unthanked_joins={self.unthanked} "
            f"max_same_message={self.most_of_one_message} "
            f"seconds={self.seconds:.0f}"
        )


async def soak(folder: Path, people: int, min_kills: int, faults: float, seed: int, **pace) -> Figures:
    """Runs the round with people answering while the bot is killed and restarted; returns the figures."""
    rng, figures, started = Random(seed), Figures(people), time.monotonic()
    db, log = folder / "carework.db", folder / "bot.log"
    async with AsyncExitStack() as stack:
        emulator = await stack.enter_async_context(Emulator(faults=faults, seed=seed).running())
        clients = [await stack.enter_async_context(EmulatorClient(emulator.url)) for _ in range(0, people, PER_CLIENT)]
        users = [await clients[n // PER_CLIENT].new_user(f"Person {n}") for n in range(people)]
        opens = datetime.now(UTC) + timedelta(seconds=pace.get("opens_in", 3) + people / 200)
        survey = soak_definition(folder, opens, pace.get("remind_after", 2))
        services = await Services.open(db, survey, SystemClock())
        stack.push_async_callback(services.close)
        tokens = await services.onboarding.create_invites("workforce", people, 1, actor="test")
        think = pace.get("think", (0.5, 3.0))
        crowd = [
            Person(u, n, t, Random(rng.random()), think, pace.get("patience", 120))
            for n, (u, t) in enumerate(zip(users, tokens, strict=True))
        ]
        everyone = asyncio.gather(*(p.take_part() for p in crowd))
        bot = BotProcess(emulator.url, db, survey, log)
        every = pace.get("kill_every", (1.0, 4.0))
        figures.kills = await keep_killing(bot, services, everyone, min_kills, rng, every)
        chats = [await u.chat() for u in users]
        stored = Counter(await stored_values(services))
    acknowledged = [text for p in crowd for text in p.acknowledged]
    assert all(stored[text] == 1 for text in acknowledged), "an acknowledged answer is missing or stored twice"
    assert sum(stored.values()) == len(acknowledged) == 2 * people
    assert all(invitation(chat) is not None for chat in chats), "someone never got the invitation"
    figures.acknowledged, figures.stored = len(acknowledged), sum(stored.values())
    figures.reminded = sum(shows(chat, "A reminder:") for chat in chats)
    figures.unthanked = sum(not shows(chat, JOINED) for chat in chats)
    figures.most_of_one_message = max(max(Counter(m.text for m in c if m.from_bot).values()) for c in chats)
    assert figures.most_of_one_message <= 1 + figures.kills
    text = log.read_text()
    assert "answer 1" not in text and TOKEN.split(":")[1] not in text  # no message text, no token
    figures.seconds = time.monotonic() - started
    return figures


@dataclass(frozen=True)
class BotProcess:
    """How to start `carework run` against the emulator, again and again."""

    url: str
    db: Path
    survey: Path
    log: Path

    def start(self) -> subprocess.Popen:
        return start_bot(self.url, self.db, self.log, self.survey)

    async def started(self, bot: subprocess.Popen, starts: int, timeout: float = 90) -> None:
        """Waits until the log says the bot started for the starts-th time, so that on a loaded machine,
        where starting takes longer than the pause between kills, it is not killed before it ever runs."""
        deadline = time.monotonic() + timeout
        while self.log.read_text(errors="replace").count("bot started") < starts:
            assert bot.poll() is None, f"the bot exited with {bot.returncode}: see {self.log}"
            assert time.monotonic() < deadline, f"the bot did not start within {timeout} s"
            await asyncio.sleep(0.1)


async def keep_killing(
    process: BotProcess,
    services: Services,
    everyone: asyncio.Future,
    min_kills: int,
    rng: Random,
    every: tuple[float, float] = (1.0, 4.0),
) -> int:
    """Runs the bot and SIGKILLs it at random moments until everyone is done and enough kills happened;
    then lets it send what it still owes and stops it. Returns the number of kills."""
    kills, bot = 0, process.start()
    try:
        while not everyone.done() or kills < min_kills:
            await process.started(bot, kills + 1)
            await asyncio.wait([everyone], timeout=rng.uniform(*every))
            if everyone.done() and kills >= min_kills:
                break
            os.kill(bot.pid, signal.SIGKILL)
            bot.wait()
            kills += 1
            await asyncio.sleep(rng.uniform(0.0, 0.5))  # people keep tapping and typing while it is down
            bot = process.start()
        await everyone  # raises if someone timed out waiting for the bot
        await sent_everything(services)
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=20)
    return kills


async def sent_everything(services: Services, timeout: float = 120) -> None:
    """Waits until the outbox holds nothing more to send."""
    deadline = time.monotonic() + timeout
    while (await services.outbox.counts()).get("pending", 0):
        assert time.monotonic() < deadline, f"still to send after {timeout} s: {await services.outbox.counts()}"
        await asyncio.sleep(0.2)


async def test_killed_ten_times_while_a_round_runs_itself_nothing_acknowledged_is_lost(tmp_path):
    # The round opens 6 s after the bot is launched, so a slow start on a loaded machine still finds
    # people joining; the reminder comes 6 s later, while most are still answering.
    figures = await soak(tmp_path, people=40, min_kills=10, faults=0.0, seed=8, opens_in=6, remind_after=6)
    print(figures.line(0.0))
    assert figures.kills >= 10 and figures.reminded > 0


@SOAK
@pytest.mark.parametrize("faults", [0.0, 0.1])
async def test_soak_a_thousand_people_through_kills(tmp_path, faults):
    # Replies wait behind the whole queue (about 9,000 messages at 29 a second), so people are patient.
    figures = await soak(
        tmp_path, people=1000, min_kills=10, faults=faults, seed=2026, remind_after=15, patience=900, kill_every=(3, 12)
    )
    print(figures.line(faults))
    assert figures.kills >= 10 and figures.reminded > 0
