"""Benchmark: what durable intake costs, against python-telegram-bot's stock polling, in one run.

Both drain the same backlog of text updates from the emulator through one trivial handler:
  baseline  Application with the stock Updater (confirms a batch before handlers run)
  durable   carework's Intake: each batch committed to SQLite first, processed from the table

Run: .venv/bin/python bench/intake.py [--updates 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.transport.intake import Intake
from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock

TOKEN = "123456:BENCH-local-emulator-only"
SURVEY = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mini.yaml"


async def backlog(emulator: Emulator, count: int) -> None:
    async with EmulatorClient(emulator.url) as client:
        people = [await client.new_user(f"B{n}") for n in range(20)]
        await asyncio.gather(*(people[n % 20].send(f"answer {n}") for n in range(count)))


def application(url: str, seen: list, updater: bool) -> Application:
    builder = Application.builder().token(TOKEN).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot")
    if not updater:
        builder = builder.updater(None)
    app = builder.build()

    async def count(update: Update, context) -> None:
        seen.append(update.update_id)

    app.add_handler(MessageHandler(filters.TEXT, count))
    return app


async def until(seen: list, count: int) -> None:
    while len(seen) < count:
        await asyncio.sleep(0.005)


async def baseline(count: int) -> float:
    async with Emulator().running() as emulator:
        await backlog(emulator, count)
        seen: list = []
        app = application(emulator.url, seen, updater=True)
        async with app:
            started = time.perf_counter()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await app.start()
            await until(seen, count)
            took = time.perf_counter() - started
            await app.updater.stop()
            await app.stop()
    return took


async def durable(count: int, folder: Path) -> float:
    async with Emulator().running() as emulator:
        await backlog(emulator, count)
        seen: list = []
        app = application(emulator.url, seen, updater=False)
        services = await Services.open(folder / "bench.db", SURVEY, SystemClock())
        async with app:
            intake = Intake(app, services.inbox, poll_timeout=1)
            started = time.perf_counter()
            task = asyncio.create_task(intake.run())
            await until(seen, count)
            took = time.perf_counter() - started
            task.cancel()
        await services.close()
    return took


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = await baseline(count)
        ours = await durable(count, Path(folder))
    print(f"updates drained:            {count}")
    print(f"baseline (stock Updater):   {base:6.2f} s  {count / base:8.0f} updates/s  (loses a batch on SIGKILL)")
    print(f"durable intake (SQLite):    {ours:6.2f} s  {count / ours:8.0f} updates/s  (loses nothing)")
    print(f"durable / baseline time:    {ours / base:6.2f}x")
    print(f"intake: updates={count} baseline_s={base:.2f} durable_s={ours:.2f} ratio={ours / base:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    asyncio.run(main(parser.parse_args().updates))
