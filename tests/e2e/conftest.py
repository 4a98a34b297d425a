"""The real bot (python-telegram-bot over HTTP) against the emulator on loopback, real SQLite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.runner import RunningBot
from bot.settings import Settings
from botapi_emulator import Emulator, EmulatorClient, VirtualUser
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.storage.answers import coded_answers
from tests.conftest import MINI

TOKEN = "123456:TEST-token-for-the-local-emulator-only"
# Ids as large as real Telegram ones: SQLite stores them as 6-byte integers, a pattern a test can look for
# in the database file (the emulator's default first ids, 10001 on, take two bytes and match anywhere).
TELEGRAM_SIZED_IDS = 7_301_000_001


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

    async def answers(self) -> list[tuple]:
        """Returns (code, question, value) of every stored answer, oldest first."""
        async with self.services.env.db.reading() as tx:
            return [(a.code, a.answer.question_id, a.answer.value) async for a in coded_answers(tx)]


def _has_button(chat, label: str) -> bool:
    return any(m.from_bot and any(label in row for row in m.buttons) for m in chat)


async def start_stack(folder: Path, survey: Path = MINI, reconcile_seconds: float = 0.5):
    emulator = Emulator(trace_path=folder / "trace.jsonl", seed=7, first_user_id=TELEGRAM_SIZED_IDS)
    await emulator.start()
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
    )
    bot = RunningBot(settings, services)
    await bot.start()
    return Stack(emulator, client, services, bot, folder, coordinator=coordinator)


async def stop_stack(stack: Stack) -> None:
    await stack.client.__aexit__(None, None, None)
    await stack.bot.stop()
    await stack.services.close()
    await stack.emulator.stop()


@pytest.fixture
async def stack(tmp_path):
    built = await start_stack(tmp_path)
    yield built
    await stop_stack(built)
    refusals = built.emulator.stats()["refusals"]
    assert refusals == built.expected_refusals, (
        f"the emulator refused {refusals} requests: {built.emulator.stats()['refusal_descriptions']}"
    )
