"""The schedule at work on a real SQLite file: actions taken once, reminders for those not finished,
and coordinators' changes that refuse what cannot be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from carework_core.errors import PlanError
from carework_core.messaging.outbox import OutgoingMessage
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.plans import parse_local_time
from carework_core.rounds.schedule import CloseRound, OpenRound, SendReminder
from carework_core.storage.answers import finish_participation
from carework_core.storage.audit import audit_entries
from carework_core.storage.schedule import logged_actions
from tests.conftest import join

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the ManualClock's start


async def test_an_open_taken_twice_opens_once(services):
    action = OpenRound("r1", NOW)
    assert await services.plans.take(action) is True
    assert await services.plans.take(action) is False
    assert (await services.rounds.statuses())["r1"] == RoundStatus.OPEN
    async with services.env.db.reading() as tx:
        assert [e[:3] for e in await audit_entries(tx)] == [("schedule", "open_round", "r1")]
        assert [(a.key, a.outcome) for a in await logged_actions(tx)] == [("open:r1", "done")]


async def test_a_reminder_goes_to_the_invited_who_have_not_finished_once(services):
    ann, bob, cy = [await join(services, n) for n in (1, 2, 3)]
    await services.rounds.open_round("r1", actor="cli")
    for invitation in await services.rounds.pending_invitations():
        if invitation.participant.id != cy.id:  # Cy joined but was never invited
            msg = OutgoingMessage(invitation.participant.chat_id, {}, invitation.dedupe_key, round_id="r1")
            await services.rounds.send_invitations([(invitation, msg)])
    async with services.env.db.transaction() as tx:
        await finish_participation(tx, ann.id, "r1", "2026-01-05T09:30:00.000+00:00")
    await services.plans.remind_now("r1", actor="cli")
    (action,) = await services.plans.due()
    assert isinstance(action, SendReminder)
    targets = await services.plans.reminder_targets(action)
    assert [t.participant.id for t in targets] == [bob.id]
    assert targets[0].questions_left == 4
    messages = [OutgoingMessage(t.participant.chat_id, {}, t.dedupe_key, t.participant.id, "r1") for t in targets]
    assert await services.plans.send_reminder(action, messages) == 1
    assert await services.plans.send_reminder(action, messages) == 0
    assert await services.plans.due() == []


async def test_extending_a_closed_round_opens_it_until_the_new_time(services, clock):
    await services.rounds.open_round("r1", actor="cli")
    await services.rounds.close_round("r1", actor="cli")
    until = NOW + timedelta(days=3)
    extended = await services.plans.extend("r1", until, actor="coordinator:1")
    assert extended.plan.closes == until
    assert (await services.rounds.statuses())["r1"] == RoundStatus.OPEN
    clock.advance(days=3)
    assert await services.plans.due() == [CloseRound("r1", until)]
    async with services.env.db.reading() as tx:
        actions = [(actor, action) for actor, action, _, _ in await audit_entries(tx)]
    assert ("coordinator:1", "plan_closes") in actions and ("coordinator:1", "reopen_round") in actions


async def test_changes_that_cannot_be_are_refused_with_the_reason(services):
    with pytest.raises(PlanError, match="that time has passed"):
        await services.plans.extend("r1", NOW - timedelta(hours=1), actor="cli")
    with pytest.raises(PlanError, match="r1 is not open, so there is nobody to remind"):
        await services.plans.remind_now("r1", actor="cli")
    with pytest.raises(PlanError, match=r"round r1 has no reminder 1 \(its reminders: none\)"):
        await services.plans.cancel_reminder("r1", 1, actor="cli")
    await services.rounds.open_round("r1", actor="cli")
    await services.plans.remind_now("r1", actor="cli")
    await services.plans.cancel_reminder("r1", 1, actor="cli")
    with pytest.raises(PlanError, match="has no reminder 1"):
        await services.plans.move_reminder("r1", 1, NOW + timedelta(hours=1), actor="cli")


async def test_a_reminder_that_went_out_cannot_be_moved(services, clock):
    await services.rounds.open_round("r1", actor="cli")
    await services.plans.remind_now("r1", actor="cli")
    (action,) = await services.plans.due()
    await services.plans.send_reminder(action, [])
    with pytest.raises(PlanError, match="reminder 1 of round r1 has already gone out"):
        await services.plans.move_reminder("r1", 1, NOW + timedelta(hours=1), actor="cli")


def test_coordinators_write_times_in_the_consultations_zone():
    london = ZoneInfo("Europe/London")
    assert parse_local_time("2026-07-01 21:00", london) == datetime(2026, 7, 1, 20, 0, tzinfo=UTC)
    assert parse_local_time("2026-01-25", london) == datetime(2026, 1, 25, 23, 59, tzinfo=UTC)
    assert parse_local_time("+3d", london, NOW) == NOW + timedelta(days=3)
    with pytest.raises(PlanError, match="write 2026-01-25 21:00, 2026-01-25, or"):
        parse_local_time("next friday", london, NOW)


def test_a_coordinators_time_the_clocks_skip_or_repeat_is_refused_by_name():
    london = ZoneInfo("Europe/London")
    with pytest.raises(PlanError, match="2026-03-29 01:30 does not exist in Europe/London"):
        parse_local_time("2026-03-29 01:30", london, NOW)
    with pytest.raises(PlanError, match="2026-10-25 01:30 happens twice in Europe/London"):
        parse_local_time("2026-10-25 01:30", london, NOW)


async def test_a_round_whose_planned_close_has_passed_opens_only_with_a_new_closing_time(services, clock):
    await services.rounds.open_round("r1", actor="cli")
    await services.plans.extend("r1", NOW + timedelta(hours=1), actor="cli")
    await services.rounds.close_round("r1", actor="cli")
    clock.advance(hours=2)
    with pytest.raises(PlanError, match="round r1 was planned to close at 2026-01-05 10:00, which has passed"):
        await services.rounds.reopen_round("r1", actor="cli")
    await services.plans.extend("r1", NOW + timedelta(days=1), actor="cli")
    assert (await services.rounds.statuses())["r1"] == RoundStatus.OPEN
