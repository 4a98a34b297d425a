"""Benchmark: how fast the bot acknowledges updates Telegram pushes to its webhook.

Three processes: the emulator (`carework emulator --no-flood-control`, rehearsal/emulator.py), the
real bot (`carework run` in webhook mode, with CAREWORK_WEBHOOK_URL and CAREWORK_WEBHOOK_SECRET), and
this one, which asks the emulator to have `--people` virtual people (strangers to the consultation:
the bot answers each message, so it works as it would under a crowd) send `--rate` messages a second
for `--seconds` (made inside the emulator: POST /emulator/webhook/load). The emulator POSTs each update to the webhook as it arrives and times it from the POST to the 200 (the
bot's acknowledgement, given once the update is committed to the inbox). Afterwards the bot is
stopped and the inbox read: `lost` counts updates sent that are not in it.

Ends with `webhook: updates=N ack_p50_ms=A ack_p99_ms=B lost=L`. Goal: p99 under 50 ms, lost 0.

Run: PYTHONPATH=. .venv/bin/python bench/webhook.py [--rate 300] [--seconds 60] [--people 300] [--log FILE] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from botapi_emulator import EmulatorClient
from rehearsal.emulator import emulator_process
from rehearsal.run import REHEARSAL_TOKEN

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "tests" / "fixtures" / "mini.yaml"
SECRET = "bench-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bot(api: str, folder: Path, port: int, log_path: Path | None, profile: Path | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREWORK_")} | {
        "CAREWORK_TELEGRAM_TOKEN": REHEARSAL_TOKEN,
        "CAREWORK_TELEGRAM_API_URL": api,
        "CAREWORK_DATABASE": str(folder / "carework.db"),
        "CAREWORK_SURVEY": str(SURVEY),
        "CAREWORK_LISTEN": f"127.0.0.1:{port}",
        "CAREWORK_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/updates",
        "CAREWORK_WEBHOOK_SECRET": SECRET,
    }
    log = (log_path or folder / "bot.log").open("w")
    profiling = ["-m", "cProfile", "-o", str(profile)] if profile else []  # written when the bot stops
    command = [sys.executable, *profiling, "-m", "bot.cli.main", "run"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


async def until_webhook_set(client: EmulatorClient, bot: subprocess.Popen) -> None:
    for _ in range(600):
        data, _ = await client.call("GET", "/emulator/webhook")
        if data["url"]:
            return
        if bot.poll() is not None:
            raise RuntimeError("the bot stopped before it set its webhook (see bot.log)")
        await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not set its webhook within a minute")


async def send_load(client: EmulatorClient, people: int, rate: float, seconds: float) -> int:
    """Has the emulator's crowd send `rate` messages a second for `seconds`; returns how many once all are sent."""
    data, _ = await client.call(
        "POST", "/emulator/webhook/load", body={"people": people, "rate": rate, "seconds": seconds}
    )
    total = data["updates"]
    started = time.perf_counter()
    while (await client.call("GET", "/emulator/webhook"))[0]["load_sent"] < total:
        await asyncio.sleep(0.5)
    late = time.perf_counter() - started - seconds
    if late > 1:
        print(f"note: the emulator took {late:.1f} s longer than {seconds:.0f} s to send them (it fell behind)")
    return total


async def until_delivered(client: EmulatorClient, count: int, timeout: float = 300.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data, _ = await client.call("GET", "/emulator/webhook")
        if data["delivered"] >= count or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.5)


def stored_updates(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT COUNT(DISTINCT update_id) FROM inbox WHERE kind = 'message'").fetchone()[0]
    finally:
        conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def main(
    rate: float, seconds: float, people_count: int, log_path: Path | None = None, profile: Path | None = None
) -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with emulator_process(flood_control=False) as api, EmulatorClient(api) as client:
            bot = start_bot(api, folder, free_port(), log_path, profile)
            try:
                await until_webhook_set(client, bot)
                sent = await send_load(client, people_count, rate, seconds)
                figures = await until_delivered(client, sent)
            finally:
                bot.terminate()
                bot.wait(timeout=30)
        stored = stored_updates(folder / "carework.db")
    acks = figures["ack_ms"]
    print(f"load average after:  {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print(f"sent {sent} updates at {rate:.0f}/s for {seconds:.0f} s from {people_count} people")
    print(f"delivered {figures['delivered']}, deliveries refused or failed {figures['failed']}, stored {stored}")
    print(f"ack ms: p50 {percentile(acks, 0.5):.1f}, p90 {percentile(acks, 0.9):.1f}, ", end="")
    print(f"p99 {percentile(acks, 0.99):.1f}, max {max(acks, default=float('nan')):.1f}")
    p50, p99 = percentile(acks, 0.5), percentile(acks, 0.99)
    print(f"webhook: updates={sent} ack_p50_ms={p50:.1f} ack_p99_ms={p99:.1f} lost={sent - stored}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300.0, help="updates a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--log", type=Path, help="keep the bot's log here")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the bot process here")
    options = parser.parse_args()
    asyncio.run(main(options.rate, options.seconds, options.people, options.log, options.profile))
