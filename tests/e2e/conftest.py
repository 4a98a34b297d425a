"""The real bot (python-telegram-bot over HTTP) against the emulator on loopback, real SQLite."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.runner import RunningBot
from bot.settings import Settings
from bot.transport.pace import Bucket
from botapi_emulator import Emulator, EmulatorClient, VirtualUser
from botapi_emulator.flood import PER_CHAT_CAPACITY, PER_CHAT_RATE, FloodControl, TokenBucket
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.storage.answers import coded_answers
from tests.conftest import MINI

TOKEN = "123456:TEST-token-for-the-local-emulator-only"
# Ids as large as real Telegram ones: SQLite stores them as 6-byte integers, a pattern a test can look for
# in the database file (the emulator's default first ids, 10001 on, take two bytes and match anywhere).
TELEGRAM_SIZED_IDS = 7_301_000_001
# Telegram lets a bot write about once a second to one chat, after a short burst; most tests are not about that
# pace and would spend their time waiting on it, so their stacks run it this many times as fast (see quicken).
QUICKER = 5.0


def held_on_disk(on_disk: bytes, user_id: int) -> bool:
    """Says whether a Telegram id is in a database file's bytes, as SQLite stores an integer or as text."""
    assert 2**31 <= user_id < 2**47, "a Telegram-sized id: a small one would match bytes by chance"
    return user_id.to_bytes(6, "big") in on_disk or str(user_id).encode() in on_disk


@dataclass
class Stack:
    emulator: Emulator
    client: EmulatorClient
    services: Services
    bot: RunningBot
    folder: Path
    expected_refusals: int = 0  # a test that forges updates expects Telegram to refuse its answers
    coordinator: VirtualUser | None = None  # named in CAREWORK_COORDINATORS
    floods_before_restart: int | None = None  # Telegram's 429s counted when the bot was first restarted
    pace: float = 1.0  # times Telegram's pace in one chat, on both sides (see quicken)

    async def person(self, name: str) -> VirtualUser:
        return await self.client.new_user(name)

    async def link(self, group: str = "workforce", uses: int = 1) -> str:
        (token,) = await self.services.onboarding.create_invites(group, 1, uses, actor="test")
        return token

    async def joined(self, name: str, group: str = "workforce") -> VirtualUser:
        """Returns a person who has opened their link and agreed to everything."""
        user = await self.person(name)
        await user.send(f"/start {await self.link(group)}")
        await user.wait_for_reply()
        await user.tap("I agree")
        await user.wait_for(lambda chat: _has_button(chat, "Yes"))
        await user.tap("Yes")
        await user.wait_for(lambda chat: "You are taking part" in chat[-1].text)
        return user

    async def open_round(self, round_id: str) -> None:
        await self.services.rounds.open_round(round_id, actor="test")
        await self.bot.reconcile_now()

    async def restart(self, survey: Path | None = None, *, reopen: bool = False, **settings) -> None:
        """Stops the bot and starts a new one on the same emulator and database, as after a crash, with these
        settings changed; the services are opened again too with `reopen` or another survey."""
        if self.floods_before_restart is None:
            self.floods_before_restart = self._floods()
        await self.bot.stop()
        if survey is not None:
            settings["survey"] = survey
        if reopen or survey is not None:
            clock = self.services.env.clock
            await self.services.close()
            self.services = await Services.open(self.folder / "carework.db", survey or self.bot.settings.survey, clock)
        self.bot = RunningBot(self.bot.settings.model_copy(update=settings), self.services)
        quicken(self.bot, self.pace)
        await self.bot.start()

    def refusals(self) -> int:
        """Counts the requests the emulator refused; after a restart, not Telegram's flood control: the new bot
        cannot know how fast the one before it wrote to each chat, so it may meet a 429 and wait it out."""
        after = 0 if self.floods_before_restart is None else self._floods() - self.floods_before_restart
        return self.emulator.stats()["refusals"] - after

    def _floods(self) -> int:
        return self.emulator.stats()["refusals_by_code"].get("429", 0)

    async def answers(self) -> list[tuple]:
        """Returns (code, question, value) of every stored answer, oldest first."""
        async with self.services.env.db.reading() as tx:
            return [(a.code, a.answer.question_id, a.answer.value) async for a in coded_answers(tx)]


async def caught_up(*people: VirtualUser) -> None:
    """Has each person send /help and waits for its answer. The bot handles a person's updates in order and
    sends a chat's messages in the order queued, so whatever it had queued for them earlier has arrived."""
    for person in people:
        sent = await person.send("/help")
        await person.wait_for(lambda chat, sent=sent: any(_helps(m, sent) for m in chat))


async def toasts(user: VirtualUser, count: int, timeout: float = 15.0) -> list[str]:
    """Waits until the person has been shown `count` toasts (answers to taps with words); returns them."""
    deadline = time.monotonic() + timeout
    while len(shown := [t["text"] for t in await user.toasts() if t.get("text")]) < count:
        assert time.monotonic() < deadline, f"{user.first_name} was shown only {shown}"
        await asyncio.sleep(0.05)
    return shown


def _helps(message, after: int) -> bool:
    return message.from_bot and message.message_id > after and "/help:" in message.text


def _has_button(chat, label: str) -> bool:
    return any(m.from_bot and any(label in row for row in m.buttons) for m in chat)


def quicken(subject: Emulator | RunningBot, times: float) -> None:
    """Runs Telegram's pace in one chat `times` as fast: the emulator refuses a chat's sends past its burst
    at `times` a second, and the bot's sender paces each chat to that rate. Every other limit and check stays."""
    if times == 1.0:
        return
    if isinstance(subject, Emulator):
        if subject.world.flood is not None:
            subject.world.flood = _QuickerFlood(subject.world.flood._clock, times)
        return
    chats: dict[int, Bucket] = {}

    def chat(chat_id: int) -> Bucket:  # as Sender._chat, with the rate scaled
        if chat_id not in chats:
            chats[chat_id] = Bucket(capacity=4, rate=times)
        return chats[chat_id]

    subject.sender._chat = chat


class _QuickerFlood(FloodControl):
    def __init__(self, clock, times: float) -> None:
        super().__init__(clock)
        self._times = times

    def admit(self, chat_id: int, new_message: bool = True) -> int:
        if chat_id not in self._chats:
            self._chats[chat_id] = TokenBucket(PER_CHAT_CAPACITY, PER_CHAT_RATE * self._times, self._clock())
        return super().admit(chat_id, new_message)


async def start_stack(
    folder: Path,
    survey: Path = MINI,
    reconcile_seconds: float = 0.5,
    pace: float = 1.0,
    more_settings: dict | None = None,
) -> Stack:
    """Starts the emulator, the services on a database in folder, and the bot against them; `pace` runs
    Telegram's pace in one chat that many times as fast (see quicken); `more_settings` are the bot's others."""
    emulator = Emulator(trace_path=folder / "trace.jsonl", seed=7, first_user_id=TELEGRAM_SIZED_IDS)
    await emulator.start()
    quicken(emulator, pace)
    services = await Services.open(folder / "carework.db", survey, ShiftedClock())
    client = EmulatorClient(emulator.url)
    await client.__aenter__()
    coordinator = await client.new_user("Cora")
    settings = Settings(
        telegram_token=TOKEN,
        telegram_api_url=emulator.url,
        database=folder / "carework.db",
        survey=survey,
        reconcile_seconds=reconcile_seconds,  # tests run the schedule often; the product every 5 s
        poll_timeout=2,
        coordinators=[coordinator.user_id],
        **(more_settings or {}),
    )
    bot = RunningBot(settings, services)
    quicken(bot, pace)
    await bot.start()
    return Stack(emulator, client, services, bot, folder, coordinator=coordinator, pace=pace)


async def stop_stack(stack: Stack) -> None:
    await stack.client.__aexit__(None, None, None)
    await stack.bot.stop()
    await stack.services.close()
    await stack.emulator.stop()


@pytest.fixture
async def make_stack(tmp_path):
    """Starts stacks: make_stack(survey, folder=..., pace=..., reconcile_seconds=...), on mini.yaml in tmp_path
    at QUICKER pace by default. Each is stopped at teardown, and the test fails if the emulator refused more
    requests than it expected."""
    started: list[Stack] = []

    async def make(survey: Path = MINI, folder: Path | None = None, pace: float = QUICKER, **options) -> Stack:
        where = folder or tmp_path
        where.mkdir(parents=True, exist_ok=True)
        built = await start_stack(where, survey, pace=pace, **options)
        started.append(built)
        return built

    yield make
    for built in reversed(started):
        await stop_stack(built)
    for built in started:
        assert built.refusals() == built.expected_refusals, (
            f"the emulator refused {built.refusals()} requests: {built.emulator.stats()['refusal_descriptions']}"
        )


@pytest.fixture
async def stack(make_stack) -> Stack:
    return await make_stack()


@pytest.fixture
async def telegram_paced(make_stack) -> Stack:
    """The stack at Telegram's own pace in one chat, for tests of that pace and of what it holds back."""
    return await make_stack(pace=1.0)
