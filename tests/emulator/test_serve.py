"""The blocking entry point: prints its URL, serves, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


async def test_serve_prints_its_url_and_stops_on_sigterm(tmp_path):
    trace = tmp_path / "trace.jsonl"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"from botapi_emulator import serve; serve('127.0.0.1', 0, __import__('pathlib').Path({str(trace)!r}), 0.0, 1)",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        url = line.split()[-1]
        assert line.startswith("Telegram Bot API emulator listening on http://127.0.0.1:")
        async with aiohttp.ClientSession() as session, session.get(f"{url}/emulator/stats") as response:
            assert (await response.json())["requests"] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    assert trace.exists()


async def test_the_cli_can_lift_flood_control():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "emulator", "--port", "0", "--no-flood-control",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        url = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().split()[-1]
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{url}/emulator/users", json={"first_name": "Ann"}) as response:
                ann = (await response.json())["user_id"]
            await session.post(f"{url}/emulator/users/{ann}/messages", json={"text": "/start"})
            send = f"{url}/bot123456:TEST-token-not-real/sendMessage"
            statuses = []
            for number in range(20):  # four times the burst one chat is allowed
                async with session.post(send, json={"chat_id": ann, "text": f"m{number}"}) as response:
                    statuses.append(response.status)
        assert statuses == [200] * 20
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
