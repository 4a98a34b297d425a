"""The reconcile job: who is invited, and who is invited again after an invitation failed for good."""

from bot.scheduler import reconcile
from carework_core.bootstrap import Services
from carework_core.rounds.service import MAX_REFUSED_INVITATIONS
from carework_core.storage.outbox import invitation_statuses
from tests.conftest import MINI, join


async def invitations(services) -> list[tuple]:
    async with services.env.db.reading() as tx:
        return await invitation_statuses(tx)


async def test_a_refused_invitation_is_sent_again_a_few_times_under_new_keys(services, clock):
    person = await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    assert await reconcile(services) == 1
    assert await reconcile(services) == 0  # queued once
    for _ in range(MAX_REFUSED_INVITATIONS):
        (queued,) = await services.outbox.due(clock.now(), 10)
        await services.outbox.mark_failed(queued.id, "Bad Request: chat not found")
        await reconcile(services)
    keys = [f"invite:r1:{person.id}", f"invite:r1:{person.id}:1", f"invite:r1:{person.id}:2"]
    assert await invitations(services) == [(key, "failed") for key in keys]
    assert await services.outbox.due(clock.now(), 10) == []  # the same refusal would only come back


async def test_an_invitation_that_expired_with_its_round_is_sent_when_the_round_reopens(services, clock):
    person = await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    await services.rounds.close_round("r1", actor="t")
    (queued,) = await services.outbox.due(clock.now(), 10)
    assert not queued.wanted
    await services.outbox.expire(queued.id)
    assert await reconcile(services) == 0  # the round is closed
    await services.rounds.reopen_round("r1", actor="t")
    assert await reconcile(services) == 1
    (again,) = await services.outbox.due(clock.now(), 10)
    assert again.wanted and again.participant_id == person.id
    assert await invitations(services) == [
        (f"invite:r1:{person.id}", "failed"),
        (f"invite:r1:{person.id}:1", "pending"),
    ]


async def test_an_invitation_still_being_retried_or_delivered_is_not_doubled(services, clock):
    await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    (queued,) = await services.outbox.due(clock.now(), 10)
    await services.outbox.retry_later(queued.id, clock.now(), "NetworkError")
    assert await reconcile(services) == 0
    await services.outbox.mark_sent(queued.id, 5)
    assert await reconcile(services) == 0


async def test_someone_unreachable_is_invited_again_once_heard_from(services, clock):
    person = await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    (queued,) = await services.outbox.due(clock.now(), 10)
    await services.outbox.mark_undeliverable(queued, "Forbidden: bot was blocked by the user")
    assert await reconcile(services) == 0
    assert await services.onboarding.heard_from(7)
    assert not await services.onboarding.heard_from(7)  # already reachable
    assert not await services.onboarding.heard_from(8)  # not a participant
    assert await reconcile(services) == 1
    assert await invitations(services) == [
        (f"invite:r1:{person.id}", "undeliverable"),
        (f"invite:r1:{person.id}:1", "pending"),
    ]


async def checks(services) -> list[tuple]:
    async with services.env.db.reading() as tx:
        return [
            tuple(r) for r in await tx.fetchall("SELECT round_id, participant_id FROM invitation_checks ORDER BY 1, 2")
        ]


async def test_once_everyone_is_invited_a_reconcile_looks_at_nobody_until_a_change(services, clock):
    people = [await join(services, chat) for chat in (7, 8, 9)]
    await services.rounds.open_round("r1", actor="t")
    assert await checks(services) == [("r1", p.id) for p in people]  # opening the round: everyone's turn
    assert await reconcile(services) == 3
    assert await reconcile(services) == 0
    assert await checks(services) == []  # nothing left to look at, however many people there are
    first = (await services.outbox.due(clock.now(), 10))[0]
    await services.outbox.mark_failed(first.id, "Bad Request: chat not found")
    assert await checks(services) == [("r1", first.participant_id)]  # the failure is the only change
    assert await reconcile(services) == 1
    late = await join(services, 10)  # joining while the round is open
    assert await checks(services) == [("r1", first.participant_id), ("r1", late.id)]
    assert await reconcile(services) == 1
    await reconcile(services)
    assert await checks(services) == []


async def test_a_pass_that_stops_at_its_limit_leaves_the_rest_for_the_next(services):
    people = [await join(services, chat) for chat in (7, 8, 9)]
    await services.rounds.open_round("r1", actor="t")
    first = await services.rounds.pending_invitations(limit=2)
    assert [i.participant.id for i in first] == [p.id for p in people[:2]]
    assert [i.participant.id for i in await services.rounds.pending_invitations(limit=2)] == [p.id for p in people[:2]]
    assert await reconcile(services) == 3  # not yet queued, so still owed: nobody was dropped
    assert await services.rounds.pending_invitations(limit=2) == []


async def test_a_reconcile_looks_only_at_checks_and_a_new_process_looks_at_everyone_once(services, tmp_path, clock):
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    person = await join(services, 7)
    async with services.env.db.transaction() as tx:  # as if the definition had just given r1 their group
        await tx.execute("DELETE FROM invitation_checks")
    assert await reconcile(services) == 0  # nobody changed: nobody is looked at
    restarted = await Services.open(tmp_path / "carework.db", MINI, clock)
    try:
        assert [inv.participant.id for inv in await restarted.rounds.pending_invitations()] == [person.id]
    finally:
        await restarted.close()


async def test_a_reconcile_that_meets_a_locked_database_is_logged_rests_and_carries_on(services, clock, caplog):
    import sqlite3

    from bot.scheduler import ReconcileJob

    await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    services.env.db.lock_wait = 0.1  # give up in 0.1 s, not 10 s
    now = [0.0]
    job = ReconcileJob(lambda: reconcile(services), monotonic=lambda: now[0])
    other = sqlite3.connect(services.env.db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        await job()
        await job()  # resting: not tried again at once
    finally:
        other.execute("COMMIT")
        other.close()
    failures = [r for r in caplog.records if r.getMessage() == "reconcile failed"]
    assert len(failures) == 1 and "database is locked" in failures[0].reason
    await job()
    assert await invitations(services) == []  # still resting
    now[0] += 3
    await job()
    assert await invitations(services) == [("invite:r1:1", "pending")] and job.failures == 0
