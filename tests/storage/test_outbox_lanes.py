"""The outbox's two lanes: replies before broadcasts, rounds taking turns, each chat in its own order."""

from datetime import timedelta

from carework_core.clock import iso
from carework_core.messaging.outbox import Lane, OutboxStatus, OutgoingMessage
from carework_core.storage import outbox as queue
from carework_core.storage.db import Database
from tests.storage.test_inbox_outbox import database_at_version_1


def reply(chat: int, key: str) -> OutgoingMessage:
    return OutgoingMessage(chat, {"chat_id": chat, "text": key}, key)


def invitation(chat: int, round_id: str) -> OutgoingMessage:
    key = f"invite:{round_id}:{chat}"
    return OutgoingMessage(chat, {"chat_id": chat, "text": key}, key, round_id=round_id, lane=Lane.BROADCAST)


def closing_notice(chat: int) -> OutgoingMessage:
    key = f"closed:r0:{chat}"
    return OutgoingMessage(chat, {"chat_id": chat, "text": key}, key, lane=Lane.BROADCAST)


async def test_replies_go_first_then_rounds_take_turns(services, clock):
    await services.rounds.open_round("r1", actor="t")  # r2 stays closed: that decides `wanted`, not the order
    await services.outbox.enqueue(
        [invitation(chat, "r1") for chat in (1, 2, 3, 4)]
        + [invitation(chat, "r2") for chat in (11, 12)]
        + [closing_notice(21), reply(30, "thanks"), reply(1, "after the invitation"), reply(30, "next question")]
    )
    due = await services.outbox.due(clock.now(), 20)
    assert [m.params["text"] for m in due] == [
        "thanks",  # replies first; chat 30's second reply waits for its first
        "closed:r0:21",  # then one from each stream in turn: notices without a round ...
        "invite:r1:1",  # ... round 1 (chat 1's reply waits behind its own invitation) ...
        "invite:r2:11",  # ... and round 2
        "invite:r1:2",
        "invite:r2:12",
        "invite:r1:3",
        "invite:r1:4",
    ]
    assert [m.lane for m in due[:2]] == [Lane.REPLY, Lane.BROADCAST]
    assert [m.params["text"] for m in await services.outbox.due(clock.now(), 3)] == [
        "thanks",
        "closed:r0:21",
        "invite:r1:1",
    ]


async def test_a_reply_queued_after_a_broadcast_goes_first_once_its_chat_is_free(services, clock):
    await services.rounds.open_round("r1", actor="t")
    await services.outbox.enqueue([invitation(chat, "r1") for chat in range(1, 301)])
    await services.outbox.enqueue([reply(500, "Saved. Thank you.")])
    (first,) = await services.outbox.due(clock.now(), 1)
    assert first.chat_id == 500
    await services.outbox.mark_sent(first.id, 1)
    assert [m.chat_id for m in await services.outbox.due(clock.now(), 2)] == [1, 2]


async def test_a_chats_due_messages_come_together_from_one_query(services, clock):
    await services.rounds.open_round("r1", actor="t")
    await services.outbox.enqueue(
        [reply(30, "one"), invitation(31, "r1"), reply(32, "x1"), reply(30, "two"), reply(32, "x2")]
        + [reply(30, "three"), reply(32, "x3"), reply(31, "after the invitation")]
    )
    (x2,) = [m for m in await services.outbox.due(clock.now(), 10, run=3) if m.params["text"] == "x2"]
    await services.outbox.retry_later(x2.id, clock.now() + timedelta(minutes=1), "NetworkError")
    statements: list[str] = []
    services.watch_statements(statements.append)
    due = await services.outbox.due(clock.now(), 10, run=2)
    services.watch_statements(None)
    assert [m.params["text"] for m in due] == [
        "one",  # replies first, each chat's next ones right behind it, at most two a chat
        "two",
        "x1",  # x3 waits behind x2, which is not due yet
        "invite:r1:31",
        "after the invitation",
    ]
    assert len(statements) == 3  # BEGIN, the one query, COMMIT
    assert [m.chat_id for m in await services.outbox.due(clock.now(), 10, skip=[30, 31], run=2)] == [32]


async def test_finding_due_messages_seeks_through_indexes_not_the_whole_queue(services, clock):
    await services.rounds.open_round("r1", actor="t")
    await services.outbox.enqueue([invitation(chat, "r1") for chat in range(10_000)] + [reply(20_000, "hi")])
    values = (OutboxStatus.PENDING, iso(clock.now()), 10, "r1")
    queries = [(queue.REPLY_HEADS, values[:3]), (queue.BROADCAST_HEADS, values), (queue.STREAMS, values[:1])]
    queries.append((queue.DUE, (*values[:3], None, 4)))  # the sender's one query: heads, then each chat's run
    async with services.env.db.reading() as tx:
        steps = [row[3] for sql, given in queries for row in await tx.fetchall(f"EXPLAIN QUERY PLAN {sql}", given)]
    assert not [step for step in steps if step.startswith("SCAN o") or step.startswith("SCAN outbox")], steps
    assert "SEARCH o USING INDEX outbox_lanes (status=? AND lane=? AND <expr>=?)" in steps


async def test_invitations_and_notices_queued_before_the_upgrade_are_broadcasts(tmp_path):
    path = tmp_path / "old.db"
    await database_at_version_1(
        path,
        "(1, 'sendMessage', '{}', 'invite:r1:4', 'x', 'x')",
        "(2, 'sendMessage', '{}', 'closed:r1:5', 'x', 'x')",
        "(3, 'sendMessage', '{}', 'u5:0', 'x', 'x')",
    )
    db = await Database.open(path)
    try:
        async with db.reading() as tx:
            due = await queue.due_messages(tx, "y", 10)
        assert [(m.chat_id, m.lane) for m in due] == [(3, Lane.REPLY), (2, Lane.BROADCAST), (1, Lane.BROADCAST)]
    finally:
        await db.close()
