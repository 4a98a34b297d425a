"""Drafting, editing and approving a round's summary; when the schedule sends an approved one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from carework_core.bootstrap import Services
from carework_core.definitions.model import QuietHours
from carework_core.errors import SummaryError
from carework_core.messaging.messages import OutgoingMessage
from carework_core.results.summary import ALL_GROUPS, CellStats, RoundStats, SummaryKind, SummaryStatus
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.schedule import RoundPlan, ScheduleState, SendSummary, due_actions, next_wake
from carework_core.storage import summaries as stored_summaries
from carework_core.storage.audit import audit_entries
from tests.conftest import MINI, join

ANN = "We started a buddy scheme so that new starters always have someone to ask."
BOB = "Managers walk the rounds with staff once a week and listen to what they say."


async def closed_r1(services, *, also: bool = False):
    """Ann (agreed to be quoted) and Bob (did not) give an example each in r1, which then closes."""
    await join(services, 1, "workforce", quote=True)
    await join(services, 2, "lived", quote=False)
    await services.rounds.open_round("r1", actor="test")
    for user, text in ((1, ANN), (2, BOB)):
        await services.answering.begin(user, "r1")
        await services.answering.receive_text(user, text, f"m{user}")
    if also:
        await join(services, 3, "lived", quote=True)
        await services.answering.begin(3, "r1")
        await services.answering.receive_text(3, BOB + " It helps.", "m3")
    await services.rounds.close_round("r1", actor="test")


async def test_a_closed_round_is_drafted_once_with_only_quotable_words(services):
    await closed_r1(services)
    (drafted,) = await services.summaries.draft_closed()
    assert await services.summaries.draft_closed() == []  # one draft per round
    assert drafted.kind == SummaryKind.EXAMPLES and drafted.status == SummaryStatus.DRAFT
    assert [e.text for e in drafted.excerpts] == [ANN]  # Bob did not agree to be quoted
    # The core keeps data; the shell's catalogue says the default opening and next step in each language.
    assert drafted.opening == "" and not drafted.own_opening
    assert drafted.next_opens is None  # mini.yaml plans no date for r2: the shell says it will tell them
    assert await services.summaries.show("r1") == drafted


async def test_showing_a_closed_rounds_summary_drafts_it_only_when_it_has_none(services):
    await closed_r1(services)
    shown = await services.summaries.show_or_draft("r1", "coordinator:1")
    await services.summaries.drop_excerpt("r1", 1, "coordinator:1")
    again = await services.summaries.show_or_draft("r1", "cli")  # shown as it stands, not drafted afresh
    assert shown.status == SummaryStatus.DRAFT and again.excerpts[0].dropped and not shown.excerpts[0].dropped
    async with services.env.db.reading() as tx:
        drafts = [actor for actor, action, subject, _ in await audit_entries(tx) if action == "draft_summary"]
    assert drafts == ["coordinator:1"]
    with pytest.raises(SummaryError, match="round r2 has not opened"):
        await services.summaries.show_or_draft("r2", "cli")


async def test_a_round_still_open_or_never_opened_has_nothing_to_draft(services):
    with pytest.raises(SummaryError, match="round r1 has not opened"):
        await services.summaries.draft("r1", "cli")
    await services.rounds.open_round("r1", actor="test")
    with pytest.raises(SummaryError, match="round r1 is still open; its summary is drafted when it closes"):
        await services.summaries.draft("r1", "cli")
    assert await services.summaries.draft_closed() == []
    with pytest.raises(SummaryError, match="round r1 has no summary yet"):
        await services.summaries.approve("r1", "cli")


async def test_remaking_a_draft_keeps_the_new_opening_and_the_dropped_excerpt(services):
    await closed_r1(services, also=True)
    await services.summaries.draft("r1", "cli")
    await services.summaries.set_opening("r1", "  Here is what you told us.  ", "coordinator:1")
    await services.summaries.drop_excerpt("r1", 1, "coordinator:1")
    remade = await services.summaries.draft("r1", "cli")
    assert remade.opening == "Here is what you told us."
    assert [(e.number, e.dropped) for e in remade.excerpts] == [(1, True), (2, False)]
    with pytest.raises(SummaryError, match="has no excerpt 7 \\(its excerpts: 1, 2\\)"):
        await services.summaries.drop_excerpt("r1", 7, "cli")


async def test_once_approved_a_summary_no_longer_changes_and_every_step_is_audited(services):
    await closed_r1(services)
    await services.summaries.draft_closed()
    approved = await services.summaries.approve("r1", "coordinator:1")
    assert approved.summary.status == SummaryStatus.APPROVED and not approved.send_now
    for change in (
        services.summaries.set_opening("r1", "New words", "cli"),
        services.summaries.drop_excerpt("r1", 1, "cli"),
        services.summaries.draft("r1", "cli"),
        services.summaries.approve("r1", "cli"),
    ):
        with pytest.raises(SummaryError, match="approved"):
            await change
    assert (await services.summaries.approve("r1", "cli", now=True)).send_now  # an approved one may go now
    async with services.env.db.reading() as tx:
        actions = [(actor, action) for actor, action, subject, _ in await audit_entries(tx) if subject == "r1"]
    assert actions[2:] == [
        ("schedule", "draft_summary"),
        ("coordinator:1", "approve_summary"),
        ("cli", "approve_summary"),
    ]


async def test_the_schedule_sends_an_approved_summary_at_its_time_and_only_then(services, clock):
    await closed_r1(services)
    await services.summaries.draft_closed()
    assert [a for a in await services.plans.due() if isinstance(a, SendSummary)] == []  # a draft never goes
    await services.summaries.approve("r1", "cli")  # mini.yaml's r1 has no summary time: it goes at once
    (due,) = [a for a in await services.plans.due() if isinstance(a, SendSummary)]
    assert await services.summaries.send(due, [], 2) == 0
    assert (await services.summaries.stored("r1")).recipients == 2
    assert [a for a in await services.plans.due() if isinstance(a, SendSummary)] == []  # recorded: sent once
    assert (await services.summaries.show("r1")).status == SummaryStatus.SENT


def _state(approved: dict[str, bool], summary_at: datetime | None, done=frozenset(), quiet=None) -> ScheduleState:
    plan = RoundPlan("r1", None, None, summary=summary_at)
    return ScheduleState((plan,), {"r1": RoundStatus.CLOSED}, done, ZoneInfo("Europe/London"), quiet, approved)


def test_an_approved_summary_waits_for_its_time_then_for_the_end_of_quiet_hours():
    at = datetime(2026, 1, 12, 12, tzinfo=UTC)
    before, after = at - timedelta(minutes=1), at + timedelta(minutes=1)
    assert due_actions(after, _state({}, at)) == []  # not approved: never due
    assert due_actions(before, _state({"r1": False}, at)) == []
    assert next_wake(before, _state({"r1": False}, at)) == at
    assert due_actions(after, _state({"r1": False}, at)) == [SendSummary("r1", at)]
    assert due_actions(before, _state({"r1": True}, at)) == [SendSummary("r1", before)]  # Send now
    assert due_actions(after, _state({"r1": False}, at, frozenset({"summary:r1"}))) == []
    quiet = QuietHours(start=time(11), end=time(13))
    night = _state({"r1": False}, at, quiet=quiet)
    assert due_actions(after, night) == []
    assert next_wake(after, night) == datetime(2026, 1, 12, 13, tzinfo=UTC)


async def test_a_round_that_closes_again_after_more_answers_is_drafted_again_keeping_edits(services, clock):
    await closed_r1(services)
    await services.summaries.draft_closed()
    await services.summaries.set_opening("r1", "Here is what you told us.", "coordinator:1")
    await services.rounds.reopen_round("r1", actor="test")
    await join(services, 3, "lived", quote=True)
    await services.answering.begin(3, "r1")
    await services.answering.receive_text(3, BOB + " It helps.", "m3")
    clock.advance(hours=1)
    await services.rounds.close_round("r1", actor="test")
    (remade,) = await services.summaries.draft_closed()
    assert remade.opening == "Here is what you told us." and len(remade.excerpts) == 2
    assert await services.summaries.draft_closed() == []


async def test_the_team_is_told_when_an_approved_summary_goes(tmp_path, clock):
    survey = tmp_path / "mini.yaml"
    text = MINI.read_text().replace(
        "timezone: Europe/London\n", "timezone: Europe/London\nquiet_hours: {from: '21:00', to: '08:00'}\n"
    )
    survey.write_text(
        text.replace("    minutes: 5\n", "    minutes: 5\n    schedule:\n      summary: 2026-01-20 12:00\n", 1)
    )
    services = await Services.open(tmp_path / "q.db", survey, clock)
    try:
        assert await services.summaries.goes_at("r1") == datetime(2026, 1, 20, 12, tzinfo=UTC)
        assert await services.summaries.goes_at("r1", now=True) is None  # at once
        clock.set(datetime(2026, 1, 5, 22, tzinfo=UTC))  # in quiet hours: in the morning
        assert await services.summaries.goes_at("r1", now=True) == datetime(2026, 1, 6, 8, tzinfo=UTC)
    finally:
        await services.close()


async def test_an_approved_summary_withholds_words_whose_writer_stopped_agreeing_to_quotes(services):
    await closed_r1(services, also=True)  # Ann and Carol (user 3) agreed to be quoted
    await services.summaries.draft_closed()
    approved = (await services.summaries.approve("r1", "cli")).summary
    assert [e.goes_out for e in approved.excerpts] == [True, True]
    await services.consents.change(3, 2, False)  # Carol turns quoting off after the approval

    shown = await services.summaries.show("r1")
    assert [(e.text, e.withheld) for e in shown.excerpts] == [(ANN, False), (BOB + " It helps.", True)]
    (due,) = [a for a in await services.plans.due() if isinstance(a, SendSummary)]
    assert await services.summaries.send(due, [], 3, approved) == 0  # rendered before the change: not sent
    assert (await services.summaries.stored("r1")).summary.status == SummaryStatus.APPROVED
    await services.summaries.send(due, [], 3, shown)
    sent = (await services.summaries.stored("r1")).summary
    assert sent.status == SummaryStatus.SENT and [e.goes_out for e in sent.excerpts] == [True, False]
    await services.consents.change(3, 2, True)  # agreeing again later does not put words in a sent summary
    assert [e.goes_out for e in (await services.summaries.show("r1")).excerpts] == [True, False]


async def test_a_draft_from_before_excerpts_named_their_answer_is_checked_by_its_words(services):
    await closed_r1(services, also=True)
    await services.summaries.draft_closed()
    async with services.env.db.transaction() as tx:  # as an older version stored it: no answer ids
        found = await stored_summaries.read_summary(tx, "r1")
        old = tuple(replace(e, answer_id=None) for e in found.summary.excerpts)
        await stored_summaries.save_summary(tx, replace(found, summary=replace(found.summary, excerpts=old)))
    await services.consents.change(1, 2, False)
    shown = await services.summaries.show("r1")
    assert [(e.answer_id, e.withheld) for e in shown.excerpts] == [(None, True), (None, False)]


async def test_turning_quotes_off_takes_the_words_out_of_summary_messages_still_waiting_to_go(services, clock):
    await closed_r1(services, also=True)
    await services.summaries.draft_closed()
    await services.summaries.approve("r1", "cli")
    (due,) = [a for a in await services.plans.due() if isinstance(a, SendSummary)]
    waiting = OutgoingMessage(2, {"chat_id": 2, "text": f"“{BOB} It helps.”\n— someone who took part"}, "s:2")
    await services.summaries.send(due, [waiting], 3, await services.summaries.show("r1"))
    await services.consents.change(3, 2, False)  # Carol, quoted, turns quoting off while it waits
    (still,) = await services.outbox.due(clock.now(), 10)
    assert still.params["text"] == "“…”\n— someone who took part"


async def test_a_summary_stored_with_a_group_shown_on_two_ratings_is_read_with_it_hidden(services):
    await closed_r1(services)
    await services.summaries.draft_closed()
    key = ("rate", "i1", "evidence")
    two = CellStats(*key, "workforce", n=2, not_sure=3, median=2.0, q1=1.5, q3=2.5, top2_share=0.5)
    everyone = CellStats(*key, ALL_GROUPS, n=2, not_sure=3, median=2.0, q1=1.5, q3=2.5, top2_share=0.5)
    async with services.env.db.transaction() as tx:  # as an older version stored it
        found = await stored_summaries.read_summary(tx, "r1")
        old = replace(found.summary, stats=RoundStats("r1", (everyone, two)))
        await stored_summaries.save_summary(tx, replace(found, summary=old))
    stats = (await services.summaries.show("r1")).stats
    assert stats.cell(key, "workforce").suppressed and stats.cell(key) == everyone
