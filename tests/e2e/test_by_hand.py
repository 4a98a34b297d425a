"""The README's way to try the bot without Telegram: `carework emulator`, `carework run`, and the
coordinator's commands in another terminal, each a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

from botapi_emulator import EmulatorClient
from tests.conftest import MINI, ROOT
from tests.e2e.conftest import TOKEN

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run(*args: str, env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def wait_until_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"{url}/emulator/stats") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the emulator did not start")


async def test_bot_started_by_hand_sends_invitations_after_a_cli_round_open(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")} | {
        "CAREWORK_TELEGRAM_TOKEN": TOKEN,
        "CAREWORK_TELEGRAM_API_URL": url,
        "CAREWORK_DATABASE": str(tmp_path / "carework.db"),
        "CAREWORK_SURVEY": str(MINI),
        "CAREWORK_LISTEN": "127.0.0.1:0",
    }
    emulator = command("emulator", "--port", str(port), "--trace", str(tmp_path / "trace.jsonl"), env=env)
    bot = None
    try:
        await wait_until_up(url)
        bot = command("run", env=env)
        link = ""
        for _ in range(100):  # the bot records its username when it starts
            done = subprocess.run(
                [sys.executable, "-m", "bot.cli.main", "invite", "--group", "workforce"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode == 0:
                link = done.stdout.strip()
                break
            time.sleep(0.1)
        assert link.startswith("https://t.me/carework_test_bot?start=")
        async with EmulatorClient(url) as client:
            ann = await client.new_user("Ann")
            await ann.send(f"/start {link.split('=', 1)[1]}")
            await ann.wait_for(lambda c: c and c[-1].buttons == [["I agree", "No thanks"]])
            await ann.tap("I agree")
            await ann.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
            await ann.tap("Yes")
            await ann.wait_for(lambda c: "You are taking part" in c[-1].text)
            opened = time.monotonic()
            assert run("round", "open", "r1", env=env).strip() == "round r1 is now open"
            await ann.wait_for(lambda c: c[-1].text.startswith("Round 1: Wellbeing"), timeout=15)
            assert time.monotonic() - opened < 10  # the running bot notices within 10 seconds
            await ann.tap("Start")
            assert (await ann.wait_for_reply()).text.startswith("Question 1 of 4")
            stats = await client.stats()
            assert stats["refusals"] == 0
    finally:
        for process in (bot, emulator):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
    assert bot.returncode == 0  # a clean stop on SIGTERM
    log = bot.stdout.read()
    assert "bot started" in log and "bot stopped" in log and "Traceback" not in log
