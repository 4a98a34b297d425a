"""The outbox drain against the emulator's flood control, faults and blocked people."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.ops.metrics import Metrics
from bot.runner import connect
from bot.transport.http import AiohttpRequest
from bot.transport.pace import Bucket, retry_seconds
from bot.transport.sender import Sender
from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.messaging.outbox import Lane, OutgoingMessage
from tests.conftest import MINI
from tests.e2e.conftest import TOKEN


def test_bucket_allows_a_burst_then_paces():
    now = [0.0]
    bucket = Bucket(capacity=2, rate=4.0, monotonic=lambda: now[0])
    for _ in range(2):
        assert bucket.wait_time() == 0
        bucket.take()
    assert bucket.wait_time() == 0.25
    now[0] = 0.25
    assert bucket.wait_time() == 0


async def drain(sender: Sender, services: Services, limit: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while (await services.outbox.counts()).get("pending") and loop.time() < deadline:
        if not await sender.drain_once():
            await asyncio.sleep(0.05)


async def setup(tmp_path, people: int, faults: float = 0.0, request=None, **emulator_options):
    emulator = Emulator(faults=faults, seed=3, **emulator_options)
    await emulator.start()
    services = await Services.open(tmp_path / "c.db", MINI, ShiftedClock())
    client = EmulatorClient(emulator.url)
    await client.__aenter__()
    users = [await client.new_user(f"P{n}") for n in range(people)]
    for user in users:
        await user.send("hello")  # a person must write to the bot before it may write to them
    bot = Bot(TOKEN, base_url=f"{emulator.url}/bot", base_file_url=f"{emulator.url}/file/bot", request=request)
    await connect(bot)
    return emulator, services, client, users, bot


def counter(metrics: Metrics, name: str, **labels: str) -> float:
    """Reads one sample of the sender's metrics registry."""
    return metrics.registry.get_sample_value(name, labels)


async def teardown(emulator, services, client, bot):
    await bot.shutdown()
    await client.__aexit__(None, None, None)
    await services.close()
    await emulator.stop()


async def test_a_burst_to_many_chats_is_paced_under_the_limits(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 40)
    try:
        await services.outbox.enqueue(
            [
                OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": f"message {i}"}, f"{u.user_id}:{i}")
                for u in users
                for i in range(3)
            ]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        await drain(sender, services)
        assert await services.outbox.counts() == {"sent": 120}
        assert emulator.stats()["refusals"] == 0
        chat = await users[0].chat()
        assert [m.text for m in chat if m.from_bot] == ["message 0", "message 1", "message 2"]  # in order
    finally:
        await teardown(emulator, services, client, bot)


@pytest.mark.parametrize("http", ["aiohttp", "httpx"])
async def test_faults_are_retried_until_everything_is_delivered(tmp_path, http):
    request = AiohttpRequest() if http == "aiohttp" else None
    emulator, services, client, users, bot = await setup(tmp_path, 10, faults=0.3, request=request)
    try:
        await services.outbox.enqueue(
            [
                OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": f"m{i}"}, f"{u.user_id}:{i}")
                for u in users
                for i in range(4)
            ]
        )
        metrics = Metrics()
        sender = Sender(bot, services.outbox, services.env.clock, metrics=metrics)
        await drain(sender, services, limit=90)
        assert await services.outbox.counts() == {"sent": 40}
        assert emulator.stats()["faults_injected"] > 0
        with sqlite3.connect(tmp_path / "c.db") as conn:
            (attempts,) = conn.execute("SELECT SUM(attempts) FROM outbox").fetchone()
        assert attempts > 0 and counter(metrics, "carework_send_retries_total") == attempts  # each put off once
        assert counter(metrics, "carework_messages_sent_total", lane="reply") == 40
        for user in users:  # each message arrived, in order (a dropped reply may have doubled one)
            texts = [m.text for m in await user.chat() if m.from_bot]
            assert sorted(set(texts)) == ["m0", "m1", "m2", "m3"]
            assert [t for i, t in enumerate(texts) if i == 0 or texts[i - 1] != t] == ["m0", "m1", "m2", "m3"]
    finally:
        await teardown(emulator, services, client, bot)


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 2)
    try:
        await users[0].block()
        await services.outbox.enqueue(
            [
                OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": "hi"}, f"{u.user_id}:{i}")
                for u in users
                for i in range(2)
            ]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        await drain(sender, services)
        assert await services.outbox.counts() == {"sent": 2, "undeliverable": 2}
    finally:
        await teardown(emulator, services, client, bot)


async def test_a_reply_queued_mid_batch_goes_before_the_rest_of_the_batch(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 41)
    invited, ann = users[:40], users[40]
    try:
        await services.outbox.enqueue(
            [
                OutgoingMessage(
                    u.user_id, {"chat_id": u.user_id, "text": "Round 2 is open"}, f"n{u.user_id}", lane=Lane.BROADCAST
                )
                for u in invited
            ]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        batch = asyncio.create_task(sender.drain_once(batch=40))
        await invited[0].wait_for(lambda c: c[-1].from_bot)  # the broadcast is going out
        await services.outbox.enqueue([OutgoingMessage(ann.user_id, {"chat_id": ann.user_id, "text": "Saved."}, "r")])
        sender.wake()
        assert await batch < 40  # the batch ended when the reply was queued
        assert await sender.drain_once(batch=1) == 1
        assert (await ann.chat())[-1].text == "Saved."
        await drain(sender, services)
        assert await services.outbox.counts() == {"sent": 41}
    finally:
        await teardown(emulator, services, client, bot)


async def test_deliveries_that_end_together_are_recorded_together(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 40, flood_control=False)
    writes: list[int] = []
    record = services.outbox.mark_all_sent

    async def counted(sent):
        writes.append(len(sent))
        await record(sent)

    services.outbox.mark_all_sent = counted
    try:
        await services.outbox.enqueue(
            [OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": "hi"}, f"{u.user_id}") for u in users]
        )
        sender = Sender(bot, services.outbox, services.env.clock, per_second=1000)
        assert await sender.drain_once(batch=40) == 40
        assert await services.outbox.counts() == {"sent": 40}
        assert sum(writes) == 40 and len(writes) < 40  # fewer transactions than messages
        assert [m.text for m in await users[0].chat() if m.from_bot] == ["hi"]
    finally:
        await teardown(emulator, services, client, bot)


async def test_a_chats_messages_are_fetched_by_one_query_and_recorded_by_one_write(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 1)
    ann = users[0]
    try:
        await services.outbox.enqueue(
            [OutgoingMessage(ann.user_id, {"chat_id": ann.user_id, "text": t}, t) for t in ("shown", "next", "last")]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        statements: list[str] = []
        services.watch_statements(statements.append)
        assert await sender.drain_once() == 3
        services.watch_statements(None)
        # SQLite reports a trigger's program (outbox rows have triggers) with its statement's text again.
        statements = [s for n, s in enumerate(statements) if not n or s != statements[n - 1]]
        assert [s.split()[0] for s in statements] == [
            "BEGIN",
            "WITH",
            "COMMIT",
            "BEGIN",
            "UPDATE",
            "UPDATE",
            "UPDATE",
            "COMMIT",
        ]
        assert await services.outbox.counts() == {"sent": 3}
        assert [m.text for m in await ann.chat() if m.from_bot] == ["shown", "next", "last"]
    finally:
        await teardown(emulator, services, client, bot)


async def test_a_run_that_waits_for_its_chats_turn_records_what_went_first(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 1)
    ann, writes = users[0], []
    record = services.outbox.mark_all_sent

    async def counted(sent):
        writes.append(len(sent))
        await record(sent)

    services.outbox.mark_all_sent = counted
    try:
        await services.outbox.enqueue(
            [OutgoingMessage(ann.user_id, {"chat_id": ann.user_id, "text": t}, t) for t in ("a", "b", "c")]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        sender._chat(ann.user_id).tokens = 1  # the chat spent its burst allowance: one message a second now
        assert await sender.drain_once() == 3
        assert writes == [1, 1, 1]  # each recorded before the run waited: a kill then would resend none
        assert [m.text for m in await ann.chat() if m.from_bot] == ["a", "b", "c"]
    finally:
        await teardown(emulator, services, client, bot)


def test_retry_after_is_read_in_either_form():
    assert retry_seconds(3) == 3.0
    assert retry_seconds(timedelta(seconds=3)) == 3.0


@pytest.mark.parametrize("ptb_timedelta", ["1", "false"])
async def test_flood_control_pauses_the_sender_whichever_form_retry_after_takes(tmp_path, monkeypatch, ptb_timedelta):
    monkeypatch.setenv("PTB_TIMEDELTA", ptb_timedelta)
    emulator_time = [0.0]  # the emulator's flood buckets refill only when this moves
    emulator, services, client, users, bot = await setup(tmp_path, 1, clock=lambda: emulator_time[0])
    try:
        chat = users[0].user_id
        for n in range(5):  # someone else spent this chat's burst
            await bot.send_message(chat, f"earlier {n}")
        await services.outbox.enqueue([OutgoingMessage(chat, {"chat_id": chat, "text": "queued"}, "q")])
        metrics = Metrics()
        sender = Sender(bot, services.outbox, services.env.clock, metrics=metrics)
        await sender.drain_once()
        assert emulator.stats()["refusals_by_code"] == {"429": 1}
        assert counter(metrics, "carework_telegram_429_total") == 1
        assert counter(metrics, "carework_send_retries_total") == 1
        assert await services.outbox.counts() == {"pending": 1}
        emulator_time[0] += 2
        services.env.clock.advance(seconds=2)
        await drain(sender, services)
        assert await services.outbox.counts() == {"sent": 1}
        assert [m.text for m in await users[0].chat() if m.from_bot][-1] == "queued"
    finally:
        await teardown(emulator, services, client, bot)


async def test_the_sender_rides_out_a_database_locked_by_another_process(tmp_path, caplog):
    emulator, services, client, users, bot = await setup(tmp_path, 1)
    chat = users[0].user_id
    services.env.db.lock_wait = 0.1  # give up in 0.1 s, not 10 s
    await services.outbox.enqueue([OutgoingMessage(chat, {"chat_id": chat, "text": "private words"}, "k")])
    other = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    sender = Sender(bot, services.outbox, services.env.clock)
    running = asyncio.create_task(sender.run(idle_seconds=0.1))
    try:
        await users[0].wait_for(lambda c: any(m.from_bot for m in c))  # sent, but not yet recorded
        await wait_until(lambda: any(r.getMessage() == "sender pass failed" for r in caplog.records))
        assert not running.done()
        other.execute("COMMIT")
        await wait_until_sent(services, 1)
        assert not running.done()
        failure = next(r for r in caplog.records if r.getMessage() == "sender pass failed")
        assert "database is locked" in failure.reason and "private words" not in caplog.text
    finally:
        other.close()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await teardown(emulator, services, client, bot)


async def wait_until(predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "waited too long"
        await asyncio.sleep(0.05)


async def wait_until_sent(services: Services, count: int, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (await services.outbox.counts()).get("sent") != count:
        assert loop.time() < deadline, f"outbox is {await services.outbox.counts()}"
        await asyncio.sleep(0.05)


async def test_a_direct_call_outside_the_outbox_rides_out_a_passing_server_error(tmp_path):
    emulator, services, client, users, bot = await setup(tmp_path, 1)
    try:
        metrics = Metrics()
        sender = Sender(bot, services.outbox, services.env.clock, metrics=metrics)
        chat, calls = users[0].user_id, []

        async def send_once_failing():
            calls.append(1)
            if len(calls) == 1:
                raise NetworkError("Internal Server Error")  # what a Bot API 500 becomes
            return await bot.send_message(chat, "What we hold about you")

        await sender.direct(chat, send_once_failing)
        assert [m.text for m in await users[0].chat() if m.from_bot] == ["What we hold about you"]
        assert counter(metrics, "carework_send_retries_total") == 1
        assert counter(metrics, "carework_messages_sent_total", lane="reply") == 1
    finally:
        await teardown(emulator, services, client, bot)


async def test_runs_of_many_chats_never_spend_an_overall_token_they_do_not_have(tmp_path):
    # Each chat's run waits for its next turn while the fetch loop waits for the first message of
    # another: both want the overall token, and one must not take it while the other slept for it.
    emulator, services, client, users, bot = await setup(tmp_path, 12)
    try:
        await services.outbox.enqueue(
            [
                OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": f"message {i}"}, f"{u.user_id}:{i}")
                for u in users
                for i in range(2)
            ]
        )
        sender = Sender(bot, services.outbox, services.env.clock)
        sender.overall, overdrawn = Bucket(capacity=2, rate=20.0), []
        take = sender.overall.take

        def counted_take() -> None:
            if sender.overall.tokens < 1 - 1e-9:
                overdrawn.append(round(sender.overall.tokens, 3))
            take()

        sender.overall.take = counted_take
        await drain(sender, services)
        assert await services.outbox.counts() == {"sent": 24}
        assert overdrawn == []
    finally:
        await teardown(emulator, services, client, bot)


async def test_no_second_holds_more_new_messages_than_telegram_allows():
    # 100 people ask for /mydata at once after a quiet moment: the documents go as direct calls, and any
    # one second may hold at most 30 new messages (Telegram's limit), burst included.
    sender, started = Sender(bot=None, outbox=None, clock=None), []

    async def call() -> dict:
        started.append(time.monotonic())
        return {}

    await asyncio.gather(*(sender.direct(1000 + n, call) for n in range(100)))
    assert max(sum(1 for t in started if s <= t < s + 1.0) for s in started) <= 30


class CountingRequest(AiohttpRequest):
    """The real HTTP client, counting the Bot API calls under way at once."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.under_way = self.most = 0

    async def do_request(self, *args, **kwargs):
        self.under_way += 1
        self.most = max(self.most, self.under_way)
        try:
            return await super().do_request(*args, **kwargs)
        finally:
            self.under_way -= 1


async def test_sends_under_way_stay_within_what_the_http_client_can_carry(tmp_path):
    # A broadcast to many chats at a lifted pace started a send per chat at once: beyond the client's pool
    # of connections they waited for one until they timed out (at 10,000 people: 68,837 retries, and taps
    # on copies delivered twice), and every handler's own call queued behind them.
    request = CountingRequest(connection_pool_size=16)
    emulator, services, client, users, bot = await setup(tmp_path, 60, flood_control=False, request=request)
    try:
        await services.outbox.enqueue(
            [OutgoingMessage(u.user_id, {"chat_id": u.user_id, "text": "hi"}, f"{u.user_id}") for u in users]
        )
        sender = Sender(bot, services.outbox, services.env.clock, per_second=1000, at_once=4)
        running = asyncio.create_task(sender.run(idle_seconds=0.05))  # as the bot runs it: pass after pass
        while (await services.outbox.counts()).get("pending"):
            await asyncio.sleep(0.05)
        sender.finish()
        await running
        assert await services.outbox.counts() == {"sent": 60}
        assert 1 < request.most <= 4
    finally:
        await teardown(emulator, services, client, bot)
