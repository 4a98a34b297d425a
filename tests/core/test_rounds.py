import pytest

from carework_core.answering.service import Item
from carework_core.errors import IllegalTransition, NotFound
from carework_core.messaging.outbox import OutgoingMessage
from carework_core.rounds.lifecycle import TRANSITIONS, RoundEvent, RoundStatus, next_status
from carework_core.rounds.service import closing_notice_key
from carework_core.storage.audit import audit_entries
from tests.conftest import join


def test_every_event_from_every_status_is_either_allowed_or_named():
    for status in RoundStatus:
        for event in RoundEvent:
            if (status, event) in TRANSITIONS:
                assert next_status("r1", status, event) == TRANSITIONS[(status, event)]
            else:
                with pytest.raises(IllegalTransition, match=f"round r1 is {status.value}"):
                    next_status("r1", status, event)


async def test_open_close_reopen_and_illegal_moves_change_nothing(services):
    rounds = services.rounds
    assert (await rounds.statuses())["r1"] == RoundStatus.DRAFT
    assert await rounds.open_round("r1", actor="cli") == RoundStatus.OPEN
    with pytest.raises(IllegalTransition, match="from open you can close"):
        await rounds.open_round("r1", actor="cli")
    assert await rounds.close_round("r1", actor="cli") == RoundStatus.CLOSED
    assert (await rounds.statuses())["r1"] == RoundStatus.CLOSED
    assert await rounds.reopen_round("r1", actor="cli") == RoundStatus.OPEN
    async with services.env.db.reading() as tx:
        actions = [action for _, action, _, _ in await audit_entries(tx)]
    assert actions == ["open_round", "close_round", "reopen_round"]


async def test_unknown_round_lists_the_real_ones(services):
    with pytest.raises(NotFound, match="rounds are r1, r2"):
        await services.rounds.open_round("r9", actor="cli")


async def test_invitations_go_to_consented_reachable_people_of_the_groups_once(services):
    await join(services, 1, "workforce")
    await join(services, 2, "lived")
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="t")
    await services.onboarding.start(3, 3, "en", token)  # still consenting
    await services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await services.rounds.open_round("r2", actor="cli")  # workforce only
    pending = await services.rounds.pending_invitations()
    assert [(i.participant.chat_id, i.round.id, i.number) for i in pending] == [(1, "r2", 2)]
    message = OutgoingMessage(1, {"text": "r2 is open"}, pending[0].dedupe_key, pending[0].participant.id, "r2")
    assert await services.rounds.send_invitations([(pending[0], message)]) == 1
    assert await services.rounds.pending_invitations() == []
    assert await services.rounds.send_invitations([(pending[0], message)]) == 0  # queued once


async def test_closing_notices_are_owed_once_to_the_unfinished_and_only_while_recent(services, clock):
    ann, bob = await join(services, 1), await join(services, 2)
    await services.rounds.open_round("r1", actor="cli")
    await services.answering.begin(1, "r1")  # Ann has started; Bob was never invited
    assert await services.rounds.owed_closing_notices() == []  # the round is still open
    await services.rounds.close_round("r1", actor="cli")
    owed = await services.rounds.owed_closing_notices()
    assert [(n.participant.code, n.round.id, n.number) for n in owed] == [(ann.code, "r1", 1)]
    notice = OutgoingMessage(1, {"text": "closed"}, closing_notice_key("r1", ann.id), ann.id)
    await services.outbox.enqueue([notice])
    assert await services.rounds.owed_closing_notices() == []
    await services.rounds.reopen_round("r1", actor="cli")
    await services.answering.begin(2, "r1")
    await services.rounds.close_round("r1", actor="cli")
    assert [n.participant.code for n in await services.rounds.owed_closing_notices()] == [bob.code]
    clock.advance(days=3)
    assert await services.rounds.owed_closing_notices() == []  # Bob's news would be days old


async def closing_checks(services) -> list[tuple]:
    async with services.env.db.reading() as tx:
        return [tuple(r) for r in await tx.fetchall("SELECT round_id, participant_id FROM closing_checks ORDER BY 2")]


async def test_once_the_closed_round_is_announced_a_pass_looks_at_nobody_until_someone_can_hear_it(services):
    ann, bob = await join(services, 1), await join(services, 2)
    await services.rounds.open_round("r1", actor="cli")
    await services.answering.begin(1, "r1")
    await services.answering.begin(2, "r1")
    await services.onboarding.pause(2)  # Bob holds news back
    await services.rounds.close_round("r1", actor="cli")
    assert await closing_checks(services) == [("r1", ann.id), ("r1", bob.id)]  # closing: everyone unfinished
    (owed,) = await services.rounds.owed_closing_notices()
    assert owed.participant.id == ann.id
    await services.outbox.enqueue([OutgoingMessage(1, {"text": "closed"}, closing_notice_key("r1", ann.id), ann.id)])
    assert await services.rounds.owed_closing_notices() == []
    assert await closing_checks(services) == []  # told or not owed: nothing left to look at
    await services.onboarding.resume(2)  # the only change: Bob hears news again
    assert await closing_checks(services) == [("r1", bob.id)]
    assert [n.participant.id for n in await services.rounds.owed_closing_notices()] == [bob.id]
