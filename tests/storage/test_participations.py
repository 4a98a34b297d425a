"""Rounds and participations as stored, and effects recorded together with their messages."""

import sqlite3

import pytest

from carework_core.messaging.outbox import OutgoingMessage
from carework_core.results.tallies import Counts
from carework_core.rounds.effects import Effect, Invited, apply_effects
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage import rounds as stored
from tests.conftest import join


async def test_a_round_never_opened_is_a_draft_and_each_move_is_stamped(services, clock):
    db = services.env.db
    async with db.reading() as tx:
        assert await stored.read_round(tx, "r1") == stored.RoundState("r1", RoundStatus.DRAFT)
    async with db.transaction() as tx:
        await stored.save_round_status(tx, "r1", RoundStatus.OPEN, "2026-01-01T09:00:00Z")
        await stored.save_round_status(tx, "r1", RoundStatus.CLOSED, "2026-01-02T09:00:00Z")
    async with db.reading() as tx:
        state = await stored.read_round(tx, "r1")
        assert await stored.round_status(tx, "r1") == RoundStatus.CLOSED
    assert state == stored.RoundState("r1", RoundStatus.CLOSED, "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z")


async def participations(services) -> list[tuple]:
    rows = await services.env.db.fetchall("SELECT participant_id, round_id, invited_at IS NOT NULL FROM participations")
    return [tuple(r) for r in rows]


async def test_an_invitation_is_recorded_with_its_message_or_not_at_all(services):
    person = await join(services, 7)
    await services.rounds.open_round("r1", actor="t")

    def invitation(participant_id: int) -> Effect:
        message = OutgoingMessage(7, {"text": "open"}, f"invite:r1:{participant_id}", participant_id, "r1")
        return Effect(Invited(participant_id, "r1"), (message,))

    with pytest.raises(sqlite3.IntegrityError):  # nobody has id 999: the whole batch is refused
        await apply_effects(services.env, [invitation(person.id), invitation(999)])
    assert await participations(services) == []
    assert await services.outbox.counts() == {}
    assert await apply_effects(services.env, [invitation(person.id)]) == 1
    assert await participations(services) == [(person.id, "r1", 1)]
    assert await services.outbox.counts() == {"pending": 1}
    assert await apply_effects(services.env, []) == 0


async def test_owed_invitations_count_the_failed_ones(services, clock):
    person = await join(services, 7)
    await services.rounds.open_round("r1", actor="t")
    async with services.env.db.reading() as tx:
        ((owed, earlier),) = await stored.owed_invitations(tx, "r1", ["workforce"], 3, 10)
        assert await stored.owed_invitations(tx, "r1", ["lived"], 3, 10) == []
    assert (owed.id, owed.chat_id, earlier) == (person.id, 7, 0)


async def test_tallies_count_registered_people_and_answers_and_read_typed_examples(services):
    await join(services, 7)
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="t")
    await services.onboarding.start(8, 8, "en", token)  # still consenting: no code yet
    await services.rounds.open_round("r1", actor="t")
    await services.answering.begin(7, "r1")
    for n, text in enumerate(["Buddy schemes for new staff", "Short", "Buddy schemes for new staff"]):
        await services.answering.receive_text(7, text, f"m{n}")
    assert await services.tallies.counts() == Counts(registered=1, answers=3)
    assert await services.tallies.typed_examples(["r1"], longer_than=20, limit=2) == ["Buddy schemes for new staff"]
    assert await services.tallies.typed_examples([], longer_than=20, limit=2) == []
