"""Where a registered person stands when no question of theirs is waiting: what to tell them next."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.definitions import Consultation, Round
from carework_core.lifecycle import RoundStatus
from carework_core.onboarding import Participant
from carework_core.storage.answers import standings
from carework_core.storage.db import Tx


@dataclass(frozen=True)
class ToStart:
    """A round is open for the person, and they have not tapped Start yet."""

    round: Round
    round_number: int


@dataclass(frozen=True)
class Finished:
    """The person has answered every open round of theirs; the newest is named."""

    round: Round
    round_number: int


@dataclass(frozen=True)
class RoundClosed:
    """No round is open for the person; the newest one they were invited to has closed."""

    round: Round
    round_number: int


@dataclass(frozen=True)
class NoRoundOpen:
    """No round is open for the person, and they have not been part of one yet."""


Elsewhere = ToStart | Finished | RoundClosed | NoRoundOpen


async def elsewhere(tx: Tx, consultation: Consultation, person: Participant) -> Elsewhere:
    """Returns what a person with no started, unfinished round should hear about next."""
    known = {
        s.round_id: (RoundStatus(s.status), s.invited, s.started, s.finished) for s in await standings(tx, person.id)
    }
    to_start = finished = closed = None
    for number, rnd in enumerate(consultation.rounds, start=1):
        if person.group_id not in rnd.groups or rnd.id not in known:
            continue
        status, invited, started, done = known[rnd.id]
        if status == RoundStatus.OPEN and not done:
            to_start = to_start or ToStart(rnd, number)  # a started, unfinished one is not "elsewhere"
        elif status == RoundStatus.OPEN:
            finished = Finished(rnd, number)
        elif status == RoundStatus.CLOSED and invited:
            closed = RoundClosed(rnd, number)
    return to_start or finished or closed or NoRoundOpen()
