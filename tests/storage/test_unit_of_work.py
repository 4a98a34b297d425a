"""One update, one unit of work: the services' transactions inside it share one BEGIN and one COMMIT."""

from __future__ import annotations

import asyncio

import pytest

from carework_core.messaging.inbox import StoredUpdate
from carework_core.messaging.outbox import OutgoingMessage
from carework_core.storage.state import write_state
from tests.conftest import join


def watched(services) -> list[str]:
    statements: list[str] = []
    services.watch_statements(lambda sql: statements.append(sql.split()[0].upper()))
    return statements


async def stored_update(services) -> StoredUpdate:
    await services.inbox.store([StoredUpdate(41, "{}")])
    (update,) = await services.inbox.unfinished()
    return update


def reply(chat: int, key: str) -> OutgoingMessage:
    return OutgoingMessage(chat, {"chat_id": chat, "text": key}, key)


async def test_an_updates_reads_writes_replies_and_mark_commit_together(services):
    await join(services, 7)
    update = await stored_update(services)
    statements = watched(services)
    async with services.inbox.processing(update):
        assert (await services.onboarding.participant(7)).code  # the guard's read
        assert await services.onboarding.participant(7) is not None  # the action's, read once: no write between
        await services.set_state("seen", "1")  # a service's transaction of its own, joining the unit
        await services.outbox.enqueue([reply(7, "a"), reply(7, "b")])
    services.watch_statements(None)
    assert statements.count("BEGIN") == 1 and statements.count("COMMIT") == 1
    assert statements.count("SELECT") == 1
    assert await services.inbox.counts() == {"done": 1}
    assert await services.outbox.counts() == {"pending": 2}
    assert await services.get_state("seen") == "1"


async def test_an_update_that_fails_leaves_nothing_and_stays_unfinished(services):
    update = await stored_update(services)
    with pytest.raises(RuntimeError):
        async with services.inbox.processing(update):
            await services.set_state("seen", "1")
            await services.outbox.enqueue([reply(7, "a")])
            raise RuntimeError("the handling failed")
    assert await services.get_state("seen") is None
    assert await services.outbox.counts() == {}
    assert [u.receipt for u in await services.inbox.unfinished()] == [update.receipt]


async def test_a_failing_part_undoes_itself_alone(services):
    update = await stored_update(services)

    async def failing_write(key: str) -> None:
        with pytest.raises(RuntimeError):
            async with services.env.db.transaction() as tx:  # a service's transaction, joining the unit
                await write_state(tx, key, "1")
                raise RuntimeError("the service failed")

    async with services.inbox.processing(update):
        await failing_write("lost_first")  # nothing written before it: the transaction starts afresh
        await services.set_state("kept", "1")
        await failing_write("lost_after")  # after a write: a savepoint keeps that write
        await services.outbox.enqueue([reply(7, "oops")])
    assert [await services.get_state(k) for k in ("lost_first", "kept", "lost_after")] == [None, "1", None]
    assert await services.outbox.counts() == {"pending": 1}
    assert await services.inbox.counts() == {"done": 1}


async def test_another_task_waits_for_the_unit_instead_of_joining_it(services):
    update = await stored_update(services)
    seen: list[str | None] = []

    async def elsewhere() -> None:
        seen.append(await services.get_state("seen"))

    async with services.inbox.processing(update):
        await services.set_state("seen", "1")
        other = asyncio.create_task(elsewhere())  # copies the unit's context, but not its transaction
        await asyncio.sleep(0.05)
        assert seen == []  # it waits for the connection the unit holds
    await other
    assert seen == ["1"]  # and reads what the unit committed


async def test_letting_go_commits_the_work_so_far_and_frees_the_database(services):
    update = await stored_update(services)
    seen: list[str | None] = []

    async def elsewhere() -> None:
        seen.append(await services.get_state("seen"))

    async with services.inbox.processing(update):
        await services.set_state("seen", "1")
        await services.outbox.enqueue([reply(7, "a")])
        await services.inbox.let_go()  # as before the handler waits on Telegram
        await asyncio.create_task(elsewhere())
        assert seen == ["1"]
        assert await services.outbox.counts() == {"pending": 1}
        assert await services.inbox.counts() == {"new": 1}  # marked done only when the update ends
    assert await services.inbox.counts() == {"done": 1}


async def test_a_tapped_update_knows_when_it_arrived_without_a_read(services):
    update = await stored_update(services)
    assert update.received_at
    assert await services.inbox.received_at(update.receipt) == update.received_at  # stored: read by receipt
    async with services.inbox.processing(update):
        statements = watched(services)
        assert await services.inbox.received_at(update.receipt) == update.received_at
        services.watch_statements(None)
    assert statements == []
