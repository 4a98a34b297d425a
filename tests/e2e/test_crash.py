"""Nothing a participant sent is lost when the bot process is killed (SIGKILL) and restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.storage.answers import all_answers
from tests.conftest import ROOT
from tests.e2e.conftest import TOKEN

BURST = ROOT / "tests" / "fixtures" / "burst.yaml"
PEOPLE, EACH = 5, 12

pytestmark = pytest.mark.slow


def start_bot(url: str, db: Path, log: Path, survey: Path = BURST) -> subprocess.Popen:
    env = {
        **os.environ,
        "CAREWORK_TELEGRAM_TOKEN": TOKEN,
        "CAREWORK_TELEGRAM_API_URL": url,
        "CAREWORK_DATABASE": str(db),
        "CAREWORK_SURVEY": str(survey),
        "CAREWORK_RECONCILE_SECONDS": "0.5",
        "CAREWORK_POLL_TIMEOUT": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "run"], cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT
    )


async def join(client: EmulatorClient, services: Services, n: int):
    user = await client.new_user(f"Person {n}")
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await user.send(f"/start {token}")
    await user.wait_for(lambda c: c[-1].buttons == [["I agree", "No thanks"]], timeout=20)
    await user.tap("I agree")
    await user.wait_for(lambda c: "You are taking part" in c[-1].text, timeout=20)
    return user


async def stored_values(services: Services) -> list[str]:
    async with services.env.db.reading() as tx:
        return [a.value for a in await all_answers(tx)]


async def count_answers(services: Services) -> int:
    return len(await stored_values(services))


async def typed_through_two_kills(client, services, bots: list, start) -> None:
    """PEOPLE join and type EACH examples each into round r1 while the bot is SIGKILLed twice (a quarter and
    half way) and started again by `start`; `bots` ends with the one running now, for the caller to stop."""
    people = [await join(client, services, n) for n in range(PEOPLE)]
    await services.rounds.open_round("r1", actor="test")
    for person in people:
        await person.wait_for(lambda c: any(m.text.startswith("Round 1") for m in c), timeout=20)
        await person.tap("Start")
        await person.wait_for(lambda c: c[-1].text.startswith("Question 1 of 1"), timeout=20)
    sent = 0

    async def answer(person, n):
        nonlocal sent
        for i in range(EACH):
            await person.send(f"Person {n} example {i}")
            sent += 1
            await asyncio.sleep(0.03)

    typing = asyncio.gather(*(answer(p, n) for n, p in enumerate(people)))
    for kill_at in (PEOPLE * EACH // 4, PEOPLE * EACH // 2):
        while sent < kill_at:
            await asyncio.sleep(0.005)
        os.kill(bots[-1].pid, signal.SIGKILL)
        bots[-1].wait()
        await asyncio.sleep(0.3)  # people keep typing while the bot is down (a webhook's deliveries are refused)
        bots.append(start())
    await typing


async def test_sigkill_while_people_answer_loses_nothing_and_stores_nothing_twice(tmp_path):
    db, log = tmp_path / "carework.db", tmp_path / "bot.log"
    services = await Services.open(db, BURST, SystemClock())
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        bots = [start_bot(emulator.url, db, log)]
        try:
            await typed_through_two_kills(client, services, bots, lambda: start_bot(emulator.url, db, log))
            for _ in range(300):
                if await count_answers(services) >= PEOPLE * EACH and not (await services.inbox.counts()).get("new"):
                    break
                await asyncio.sleep(0.1)
            expected = sorted(f"Person {n} example {i}" for n in range(PEOPLE) for i in range(EACH))
            assert sorted(await stored_values(services)) == expected  # every message, each exactly once
            assert (await services.inbox.counts()).get("set_aside", 0) == 0
        finally:
            bots[-1].send_signal(signal.SIGTERM)
            bots[-1].wait(timeout=20)
            await services.close()
    text = log.read_text()
    assert "bot started" in text
    assert "example" not in text and TOKEN.split(":")[1] not in text  # no message text, no token
