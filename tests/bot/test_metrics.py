"""/metrics served over HTTP on loopback from a real database, read back with Prometheus' own parser."""

from __future__ import annotations

import sqlite3

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.metrics import Metrics, metrics_handler
from bot.scheduler import reconcile
from carework_core.bootstrap import Services
from carework_core.messaging.outbox import Lane, OutgoingMessage
from tests.conftest import MINI, join

FIXTURES = MINI.parent

PEOPLE = [7_301_000_001, 7_301_000_002, 7_301_000_003]  # Telegram-sized: a match in the body is no accident
ALLOWED_LABELS = {"source", "lane", "status", "group"}


async def scrape(metrics: Metrics, services) -> tuple[str, str]:
    """Serves the handler on 127.0.0.1 and GETs /metrics; returns (content type, body)."""
    app = web.Application()
    app.router.add_get("/metrics", metrics_handler(metrics, services))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        return response.headers["Content-Type"], await response.text()


def samples(body: str) -> dict[tuple[str, tuple], float]:
    """Parses the body with prometheus_client's parser: (sample name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def pending_by_lane(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT lane, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY lane").fetchall()
    return dict(rows)


async def test_metrics_counts_the_outbox_as_the_database_holds_it_and_names_nobody(services, clock, tmp_path):
    groups = ["workforce", "workforce", "lived"]
    codes = [(await join(services, user, group)).code for user, group in zip(PEOPLE, groups, strict=True)]
    await services.rounds.open_round("r1", actor="test")
    assert await reconcile(services) == 3  # three invitations, in the broadcast lane
    clock.advance(seconds=90)
    replies = [OutgoingMessage(user, {"chat_id": user, "text": f"Saved, {user}"}, f"r{user}") for user in PEOPLE[:2]]
    await services.outbox.enqueue(replies)
    (first, *_) = await services.outbox.due(clock.now(), 10)
    await services.outbox.mark_sent(first.id, 5)  # a sent message no longer counts
    clock.advance(seconds=30)
    metrics = Metrics()
    metrics.received("poll", 4)
    metrics.sent(Lane.BROADCAST)

    content_type, body = await scrape(metrics, services)

    assert content_type == CONTENT_TYPE_LATEST
    got = samples(body)
    held = pending_by_lane(tmp_path / "carework.db")
    assert held == {"reply": 2, "broadcast": 2}  # the first chat's invitation went
    for lane in ("reply", "broadcast"):
        assert got[("carework_outbox_depth", (("lane", lane),))] == held[lane]
    assert got[("carework_outbox_oldest_age_seconds", (("lane", "broadcast"),))] == 120.0
    assert got[("carework_outbox_oldest_age_seconds", (("lane", "reply"),))] == 30.0
    assert got[("carework_participants", (("group", "workforce"), ("status", "consented")))] == 2
    assert got[("carework_participants", (("group", "lived"), ("status", "consented")))] == 1
    assert got[("carework_updates_received_total", (("source", "poll"),))] == 4
    assert got[("carework_updates_received_total", (("source", "webhook"),))] == 0
    assert got[("carework_messages_sent_total", (("lane", "broadcast"),))] == 1
    assert got[("carework_database_readable", ())] == 1
    assert await services.plans.next_wake() is None  # mini.yaml plans no dates: no wake, no sample
    assert ("carework_schedule_next_wake_timestamp_seconds", ()) not in got
    assert {name for _, labels in got for name, _ in labels} <= ALLOWED_LABELS
    for secret in [*map(str, PEOPLE), *codes, "Saved"]:
        assert secret not in body


async def test_metrics_gives_the_schedules_next_wake_as_unix_time(tmp_path, clock):
    services = await Services.open(tmp_path / "wide.db", FIXTURES / "wide.yaml", clock)
    try:
        wake = await services.plans.next_wake()
        assert wake is not None  # its round closes at a set time
        got = samples((await scrape(Metrics(), services))[1])
    finally:
        await services.close()
    assert got[("carework_schedule_next_wake_timestamp_seconds", ())] == wake.timestamp()


async def test_metrics_still_serves_the_counters_when_the_database_cannot_be_read(services):
    metrics = Metrics()
    metrics.flood_control()
    await services.close()  # every read now fails

    _, body = await scrape(metrics, services)

    got = samples(body)
    assert got[("carework_database_readable", ())] == 0
    assert got[("carework_telegram_429_total", ())] == 1
    assert not any(name == "carework_outbox_depth" for name, _ in got)
