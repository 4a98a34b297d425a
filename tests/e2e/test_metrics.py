"""The bot's counters move as a person answers through the emulator, and agree with what the database holds."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.metrics import metrics_handler
from tests.e2e.conftest import caught_up
from tests.e2e.test_round import start_round


async def scraped(stack) -> dict[tuple[str, tuple], float]:
    """GETs /metrics from the running bot's counters on 127.0.0.1 and parses it with Prometheus' parser."""
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler(stack.bot.metrics, stack.services))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        body = await (await client.get("/metrics")).text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def held(stack) -> dict[str, int]:
    """Counts, in the database file, the updates stored and the messages sent in each lane."""
    with sqlite3.connect(stack.folder / "carework.db") as conn:
        (updates,) = conn.execute("SELECT COUNT(*) FROM inbox").fetchone()
        sent = dict(conn.execute("SELECT lane, COUNT(*) FROM outbox WHERE status = 'sent' GROUP BY lane").fetchall())
    return {"updates": updates, "reply": sent.get("reply", 0), "broadcast": sent.get("broadcast", 0)}


def counted(got: dict[tuple[str, tuple], float]) -> dict[str, int]:
    return {
        "updates": int(got[("carework_updates_received_total", (("source", "poll"),))]),
        "reply": int(got[("carework_messages_sent_total", (("lane", "reply"),))]),
        "broadcast": int(got[("carework_messages_sent_total", (("lane", "broadcast"),))]),
    }


async def agreeing(stack, timeout: float = 10.0) -> dict[str, int]:
    """Waits until the scraped counters equal the database's records (a send is recorded just after it is
    counted); returns them."""
    deadline = time.monotonic() + timeout
    while (got := counted(await scraped(stack))) != (stored := held(stack)):
        assert time.monotonic() < deadline, f"counters {got} never matched the database {stored}"
        await asyncio.sleep(0.05)
    return got


async def test_counters_move_when_a_person_answers(stack):
    before = await agreeing(stack)
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await ann.send("Buddy scheme for new starters")
    await ann.wait_for(lambda c: c[-1].text == "Saved. Thank you.")
    await caught_up(ann)

    after = await agreeing(stack)

    # /start, two consent taps, Start, the example and /help: six updates at least, each answered.
    assert after["updates"] - before["updates"] >= 6
    assert after["reply"] - before["reply"] >= 6
    assert after["broadcast"] - before["broadcast"] == 1  # the round's invitation
    final = await scraped(stack)
    assert final[("carework_outbox_depth", (("lane", "reply"),))] == 0
    assert final[("carework_participants", (("group", "workforce"), ("status", "consented")))] == 1
