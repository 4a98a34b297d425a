"""A `carework run` process keeps answering people through failed writes, and SIGTERM always ends it."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from bot.transport.sender import Sender
from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.messaging.messages import InboxStatus
from carework_core.storage.db import Database
from carework_core.storage.inbox import count_updates
from tests.e2e.conftest import TOKEN
from tests.e2e.test_crash import BURST, start_bot

pytestmark = pytest.mark.slow
HELLO = "To take part you need an invite link"


async def new_database(folder: Path) -> Path:
    db = folder / "carework.db"
    services = await Services.open(db, BURST, SystemClock())
    await services.close()
    return db


async def logged(log: Path, words: str, timeout: float = 40.0) -> None:
    """Waits until the log (the bot's, or the emulator's trace) has a line with these words."""
    deadline = time.monotonic() + timeout
    while words not in log.read_text():
        assert time.monotonic() < deadline, f"the log never said {words!r}:\n{log.read_text()}"
        await asyncio.sleep(0.2)


async def set_aside_and_confirmed(url: str, db_path: Path, timeout: float = 20.0) -> None:
    """Waits until the bot has set an update aside and Telegram holds nothing for it."""
    deadline = time.monotonic() + timeout
    db = await Database.open(db_path, create=False)
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                async with session.post(f"{url}/bot{TOKEN}/getWebhookInfo") as response:
                    pending = (await response.json())["result"]["pending_update_count"]
                async with db.reading() as tx:
                    aside = (await count_updates(tx)).get(InboxStatus.SET_ASIDE, 0)
                if aside and not pending:
                    return
                assert time.monotonic() < deadline, f"set aside: {aside}, still pending at Telegram: {pending}"
                await asyncio.sleep(0.2)
    finally:
        await db.close()


def stop_with_sigterm(bot: subprocess.Popen) -> float:
    """Sends SIGTERM and returns how many seconds the process took to end."""
    started = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    try:
        bot.wait(timeout=15)
    except subprocess.TimeoutExpired:
        bot.kill()
        bot.wait()
    return time.monotonic() - started


async def test_a_database_locked_by_another_process_delays_replies_but_never_stops_them(tmp_path):
    db, log, trace = await new_database(tmp_path), tmp_path / "bot.log", tmp_path / "trace.jsonl"
    async with Emulator(trace_path=trace).running() as emulator, EmulatorClient(emulator.url) as client:
        bot = start_bot(emulator.url, db, log)
        try:
            ann = await client.new_user("Ann")
            await ann.send("/start")
            assert (await ann.wait_for_reply(timeout=20)).text.startswith(HELLO)
            locker = sqlite3.connect(db, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
            bea = await client.new_user("Bea")
            await bea.send("/start")
            await logged(log, "intake failed")
            locker.execute("ROLLBACK")
            locker.close()
            assert (await bea.wait_for_reply(timeout=40)).text.startswith(HELLO)
            cy = await client.new_user("Cy")
            await cy.send("/start")
            assert (await cy.wait_for_reply(timeout=20)).text.startswith(HELLO)
            locker = sqlite3.connect(db, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")
            dee = await client.new_user("Dee")
            await dee.send("/start")
            await logged(trace, f'"id": {dee.user_id}')  # the bot fetched it; now it waits for the lock
            await asyncio.sleep(0.5)  # nothing outside shows that wait: give it time to begin
        finally:
            seconds = stop_with_sigterm(bot)
        assert seconds < 5
        locker.execute("ROLLBACK")
        locker.close()
        bot = start_bot(emulator.url, db, log)
        try:
            assert (await dee.wait_for_reply(timeout=20)).text.startswith(HELLO)  # nothing was lost
        finally:
            seconds = stop_with_sigterm(bot)
    assert seconds < 5
    text = log.read_text()
    assert "reason=OperationalError" in text and "bot stopped" in text
    assert "/start" not in text and TOKEN.split(":")[1] not in text


async def test_an_update_id_too_big_to_store_is_set_aside_and_everyone_else_answered(tmp_path):
    db, log = await new_database(tmp_path), tmp_path / "bot.log"
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        ann = await client.new_user("Ann")
        huge = {
            "update_id": 2**63,
            "message": {
                "message_id": 1,
                "date": 1767600000,
                "text": "/start",
                "chat": {"id": ann.user_id, "type": "private"},
                "from": {"id": ann.user_id, "is_bot": False, "first_name": "Ann"},
            },
        }
        await client.raw_update(huge)
        bot = start_bot(emulator.url, db, log)
        try:
            await set_aside_and_confirmed(emulator.url, db)
            await client.restart_update_ids(1000)  # ids back in range, so people can be heard
            await ann.send("/start")
            assert (await ann.wait_for_reply(timeout=20)).text.startswith(HELLO)
        finally:
            seconds = stop_with_sigterm(bot)
        assert seconds < 5
        bot = start_bot(emulator.url, db, log)  # a restart neither replays nor trips over it
        try:
            await ann.send("/start")
            assert (await ann.wait_for_reply(timeout=20)).text.startswith(HELLO)
        finally:
            seconds = stop_with_sigterm(bot)
    assert seconds < 5
    assert "update set aside" in log.read_text()


async def test_the_runner_notices_and_logs_when_a_long_running_task_dies(make_stack, caplog, monkeypatch):
    async def ends_at_once(self, *args, **kwargs) -> None:
        return None  # the sender's loop catches its own failures, so only a bug could end it like this

    monkeypatch.setattr(Sender, "run", ends_at_once)
    stack = await make_stack()
    await asyncio.wait_for(stack.bot.failed.wait(), timeout=10)
    [record] = [r for r in caplog.records if r.getMessage() == "task ended unexpectedly"]
    assert (record.task, record.reason) == ("sender", "returned")
