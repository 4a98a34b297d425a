"""The coordinators' progress report: numbers per group, warnings below target, and balance alerts."""

from __future__ import annotations

from carework_core.messaging.messages import OutgoingMessage
from carework_core.rounds.progress import warnings_for
from carework_core.storage.progress import GroupCounts
from tests.conftest import join


def counts(group: str, invited: int, finished: int) -> GroupCounts:
    return GroupCounts(group, invited, finished, finished, 0)


def test_a_group_below_the_target_is_warned_about():
    found = warnings_for([counts("workforce", 10, 6), counts("lived", 10, 4)], target=0.5)
    assert [(w.group_id, w.kind) for w in found] == [("lived", "below_target")]
    assert str(found[0]) == "lived: 40% finished, below the target of 50%"


def test_no_target_means_no_target_warning():
    assert warnings_for([counts("workforce", 10, 6), counts("lived", 10, 5)], target=None) == []


def test_a_group_far_below_the_others_gets_a_balance_alert():
    groups = [counts("a", 10, 8), counts("b", 10, 6), counts("c", 10, 7), counts("d", 10, 3)]
    found = warnings_for(groups, target=None)
    # d's 30% is under half the median (70%) of the others' shares; b's 60% is not.
    assert [(w.group_id, w.kind, w.benchmark) for w in found] == [("d", "balance", 0.7)]
    assert "far below the other groups (median 70%)" in str(found[0])


def test_a_small_group_is_not_held_to_the_balance():
    groups = [counts("a", 10, 8), counts("b", 4, 0)]
    assert warnings_for(groups, target=None) == []


def test_a_group_nobody_was_invited_from_is_not_warned_about():
    assert warnings_for([counts("a", 0, 0), counts("b", 10, 8)], target=0.5) == []


async def test_the_report_counts_invited_started_and_finished_per_group(services):
    alice = await join(services, 1, "workforce")
    await join(services, 2, "workforce")
    await join(services, 3, "lived")
    await services.rounds.open_round("r1", actor="test")
    await services.rounds.send_invitations(
        [(inv, _message(inv)) for inv in await services.rounds.pending_invitations()]
    )
    await services.answering.begin(1, "r1")
    (report,) = await services.progress.report()
    numbers = {g.counts.group_id: (g.counts.invited, g.counts.started, g.counts.finished) for g in report.groups}
    assert report.round_id == "r1" and alice.group_id == "workforce"
    assert numbers == {"workforce": (2, 1, 0), "lived": (1, 0, 0)}
    assert report.groups[0].share == 0.0


async def test_a_round_never_opened_is_not_in_the_report(services):
    await join(services, 1, "workforce")
    assert await services.progress.report() == []


def _message(inv):
    chat = inv.participant.chat_id
    return OutgoingMessage(chat, {"chat_id": chat, "text": "hi"}, inv.dedupe_key, inv.participant.id, inv.round.id)
