"""What /healthz names when something is wrong, checked with stand-ins for the database and the loops."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.transport.health import Health


async def written() -> None:
    return None


async def never_written() -> None:
    await asyncio.sleep(3600)


async def full_disk() -> None:
    raise sqlite3.OperationalError("database or disk is full")


async def test_a_healthy_bot_has_no_problems():
    running = asyncio.get_running_loop().create_future()
    health = Health(written, time.monotonic, lambda: {"intake": running}, updates_within=60, schedule_within=120)
    try:
        assert await health.problems() == []
    finally:
        running.cancel()


async def test_each_problem_is_named_in_a_line_of_its_own(monkeypatch):
    monkeypatch.setattr("bot.transport.health.PROBE_SECONDS", 0.05)
    ended = asyncio.get_running_loop().create_future()
    ended.set_result(None)
    long_ago = time.monotonic() - 500
    health = Health(never_written, lambda: long_ago, lambda: {"sender": ended}, updates_within=60, schedule_within=120)
    health.scheduled_at = long_ago
    problems = await health.problems()
    assert [line.split(":")[0] for line in problems] == ["database", "updates", "schedule", "sender"]
    assert problems[1] == "updates: none fetched or delivered for 500 s" and problems[3] == "sender: stopped"


async def test_a_failing_write_is_named_by_its_kind_and_a_bot_not_started_says_so():
    health = Health(full_disk, time.monotonic, dict, updates_within=60, schedule_within=120)
    assert await health.problems() == ["database: takes no write (OperationalError)", "bot: still starting"]
