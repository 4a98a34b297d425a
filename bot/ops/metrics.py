"""/metrics in Prometheus' text format: counters the bot moves as things happen, gauges read at scrape time.

Counts only. No Telegram id, participant id, code or message text is ever a label or a value; the
labels are the update's source, the outbox lane, the participant's status and the group id of the
definition (a category, the same for everyone in it).

The counters live in a registry of the bot's own (never prometheus_client's global one, so two bots
in one test process do not share figures). The gauges come from the database on each scrape: the
outbox is counted in a worker thread on a connection of its own, the rest are small indexed reads.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector

from bot.logs import describe_failure
from carework_core.bootstrap import Services
from carework_core.messaging.messages import Lane

log = logging.getLogger(__name__)
SOURCES = ("poll", "webhook")  # where an update came from: getUpdates, or Telegram's POST to our listener


class Metrics:
    """The bot's counters, in a registry of its own; the intake and the sender move them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # memory, CPU and open files: what a small VM runs out of
        r = self.registry
        updates = Counter(
            "carework_updates_received", "Updates stored in the inbox, by source.", ["source"], registry=r
        )
        sent = Counter("carework_messages_sent", "Messages Telegram accepted, by outbox lane.", ["lane"], registry=r)
        self._updates = {source: updates.labels(source) for source in SOURCES}  # each shown from 0, before any
        self._sent = {lane: sent.labels(lane.value) for lane in Lane}
        self._flood = Counter("carework_telegram_429", "Telegram's 429 answers (flood control).", registry=r)
        self._retries = Counter("carework_send_retries", "Sends put off to be tried again.", registry=r)

    def received(self, source: str, count: int = 1) -> None:
        """Counts updates stored, from "poll" or "webhook"."""
        self._updates[source].inc(count)

    def sent(self, lane: Lane = Lane.REPLY) -> None:
        """Counts a message Telegram accepted."""
        self._sent[lane].inc()

    def flood_control(self) -> None:
        """Counts a 429 from Telegram."""
        self._flood.inc()

    def retried(self) -> None:
        """Counts a send put off to be tried again (after a 429 or a passing failure)."""
        self._retries.inc()


class _Scrape:
    """One scrape's families: the registry's counters, then the gauges read for it."""

    def __init__(self, registry: CollectorRegistry, gauges: list[Metric]):
        self.registry, self.gauges = registry, gauges

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from self.gauges


async def read_gauges(services: Services) -> list[Metric]:
    """Reads the outbox, the schedule and the participants' standing into gauge families."""
    now = services.now()
    depth = GaugeMetricFamily("carework_outbox_depth", "Messages waiting to be sent, by lane.", labels=["lane"])
    oldest = GaugeMetricFamily(
        "carework_outbox_oldest_age_seconds", "Seconds since the oldest waiting message was queued.", labels=["lane"]
    )
    for lane, (count, queued_at) in (await services.outbox.lane_depths()).items():
        depth.add_metric([lane.value], count)
        oldest.add_metric([lane.value], max(0.0, (now - queued_at).total_seconds()) if queued_at else 0.0)
    wake = GaugeMetricFamily(
        "carework_schedule_next_wake_timestamp_seconds", "When the schedule next has something to do (unix time)."
    )
    if (when := await services.plans.next_wake()) is not None:  # nothing planned: no sample
        wake.add_metric([], when.timestamp())
    people = GaugeMetricFamily(
        "carework_participants", "People by status and stakeholder group.", labels=["status", "group"]
    )
    for (status, group), count in sorted((await services.onboarding.status_counts()).items()):
        people.add_metric([status, group], count)
    return [depth, oldest, wake, people]


def metrics_handler(metrics: Metrics, services: Services) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Returns the aiohttp handler of GET /metrics: the counters, and gauges read from the database now."""

    async def handle(request: web.Request) -> web.Response:
        readable = GaugeMetricFamily("carework_database_readable", "1 when this scrape could read the database.")
        try:
            gauges = await read_gauges(services)
            readable.add_metric([], 1)
        except Exception as exc:  # the counters are still worth serving: say the gauges are missing
            log.warning("metrics could not read the database", extra={"reason": describe_failure(exc)})
            gauges = []
            readable.add_metric([], 0)
        body = generate_latest(_Scrape(metrics.registry, [*gauges, readable]))
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return handle
