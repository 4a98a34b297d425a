"""Who may act in a round: the checks answering and review share before any change."""

from __future__ import annotations

from carework_core.definitions.model import Consultation, Round
from carework_core.errors import (
    ConsentPending,
    ConsentReworded,
    NotRegistered,
    NotYourRound,
    RoundNotOpen,
    RoundNotYetOpen,
)
from carework_core.people.consents import reworded_required
from carework_core.people.model import Participant, ParticipantStatus
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.service import round_status
from carework_core.storage.db import Tx
from carework_core.storage.participants import find_participant


async def taking_part(tx: Tx, telegram_user_id: int) -> Participant:
    """Returns the consented participant behind a Telegram user, or refuses by what they still lack."""
    person = await find_participant(tx, telegram_user_id)
    if person is not None and person.status == ParticipantStatus.CONSENTING:
        raise ConsentPending("the consent questions are still waiting for an answer")
    if person is None or person.status != ParticipantStatus.CONSENTED:
        raise NotRegistered("you are not taking part yet")
    return person


async def in_open_round(
    tx: Tx, consultation: Consultation, telegram_user_id: int, round_id: str
) -> tuple[Participant, Round]:
    """Returns the participant and a round of theirs that is open; refuses a foreign, unopened or closed one."""
    person = await taking_part(tx, telegram_user_id)
    rnd = next((r for r in consultation.rounds if r.id == round_id), None)
    if rnd is None or person.group_id not in rnd.groups:
        raise NotYourRound(f"round {round_id!r} is not one for this participant")
    status = await round_status(tx, round_id)
    if status == RoundStatus.DRAFT:
        raise RoundNotYetOpen(f"round {round_id} has not opened yet")
    if status != RoundStatus.OPEN:
        raise RoundNotOpen(f"round {round_id} is not open")
    reworded = await reworded_required(tx, consultation, person)
    if reworded:
        raise ConsentReworded(round_id, reworded[0])
    return person, rnd
