"""/pause and /resume in the core: who is left out of reminders, announcements and summaries, and who is not."""

import pytest
from openpyxl import load_workbook

from carework_core.errors import NotRegistered
from carework_core.messaging.messages import OutgoingMessage
from carework_core.research.export import export_workbook
from carework_core.rounds.schedule import SendReminder
from carework_core.storage.audit import audit_entries
from tests.conftest import join


async def invite_everyone(services, round_id: str = "r1") -> list[int]:
    """Opens the round and queues every pending invitation; returns who was invited (participant ids)."""
    await services.rounds.open_round(round_id, actor="cli")
    pending = await services.rounds.pending_invitations()
    for inv in pending:
        msg = OutgoingMessage(inv.participant.chat_id, {}, inv.dedupe_key, inv.participant.id, round_id=round_id)
        await services.rounds.send_invitations([(inv, msg)])
    return [inv.participant.id for inv in pending]


async def test_pausing_twice_and_resuming_twice_say_whether_anything_changed_and_are_audited_by_code(services):
    ann = await join(services, 1)
    assert await services.onboarding.pause(1) is True
    assert await services.onboarding.pause(1) is False
    assert await services.onboarding.resume(1) is True
    assert await services.onboarding.resume(1) is False
    async with services.env.db.reading() as tx:
        mine = [e[:3] for e in await audit_entries(tx) if e[1] in ("pause", "resume")]
    assert mine == [(ann.code, "pause", ann.code), (ann.code, "resume", ann.code)]


async def test_only_a_registered_participant_can_pause(services):
    with pytest.raises(NotRegistered):
        await services.onboarding.pause(99)
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(5, 5, "en", token)  # still answering the consent questions
    with pytest.raises(NotRegistered):
        await services.onboarding.resume(5)


async def test_a_paused_person_is_invited_but_not_reminded_counted_or_announced_to(services):
    ann, bob = await join(services, 1), await join(services, 2)
    await services.onboarding.pause(1)
    assert sorted(await invite_everyone(services)) == [ann.id, bob.id]  # invitations still come
    assert await services.rounds.pending_invitations() == []  # and only once
    await services.plans.remind_now("r1", actor="cli")
    (action,) = await services.plans.due()
    assert isinstance(action, SendReminder)
    assert [t.participant.id for t in await services.plans.reminder_targets(action)] == [bob.id]
    assert await services.plans.reminder_recipients("r1") == 1
    assert await services.coordinators.reach("workforce") == 1
    await services.onboarding.resume(1)
    assert [t.participant.id for t in await services.plans.reminder_targets(action)] == [ann.id, bob.id]
    assert await services.coordinators.reach("all") == 2


async def test_a_sent_announcement_skips_a_paused_person(services):
    await join(services, 1)
    bob = await join(services, 2)
    await services.onboarding.pause(1)
    draft = await services.coordinators.draft("Round 2 opens on Monday", "workforce")
    sent = await services.coordinators.send_announcement(draft, {"text": "Round 2 opens on Monday"}, "cli")
    assert sent is not None and sent.recipients == 1
    queued = await services.outbox.due(services.env.clock.now(), 100)
    assert [(m.participant_id, m.params["text"]) for m in queued] == [(bob.id, "Round 2 opens on Monday")]


async def test_summaries_skip_paused_people(services):
    ann, bob = await join(services, 1), await join(services, 2, "lived")
    await services.onboarding.pause(2)
    assert [p.id for p in await services.summaries.recipients("r1")] == [ann.id]
    await services.onboarding.resume(2)
    assert [p.id for p in await services.summaries.recipients("r1")] == [ann.id, bob.id]


async def test_the_status_report_counts_paused_people_per_group(services):
    await join(services, 1)
    await join(services, 2)
    await join(services, 3, "lived")
    await services.onboarding.pause(2)
    await invite_everyone(services)
    (report,) = await services.progress.report()
    assert {g.counts.group_id: (g.counts.invited, g.counts.paused) for g in report.groups} == {
        "workforce": (2, 1),
        "lived": (1, 0),
    }


async def test_the_workbook_says_who_is_paused(services, tmp_path):
    await join(services, 1)
    await join(services, 2)
    await services.onboarding.pause(2)
    out = tmp_path / "book.xlsx"
    await export_workbook(services.env, out)
    rows = list(load_workbook(out)["Participants"].iter_rows(values_only=True))
    assert [(r[0], r[5]) for r in rows[1:]] == [("P-0001", "active"), ("P-0002", "paused")]
