"""Where a registered person stands when no question of theirs is waiting: what to tell them next."""

from __future__ import annotations

from datetime import datetime

from carework_core.answering.steps import Elsewhere, Finished, NoRoundOpen, RoundClosed, ToStart
from carework_core.definitions.model import Consultation
from carework_core.people.model import Participant
from carework_core.rounds.coming import coming_in
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage.db import Tx
from carework_core.storage.participants import round_standings


async def elsewhere(tx: Tx, consultation: Consultation, person: Participant, now: datetime) -> Elsewhere:
    """Returns what a person with no started, unfinished round should hear about next, with what comes after."""
    known = await round_standings(tx, person.id)
    to_start = finished = closed = None
    for number, rnd in enumerate(consultation.rounds, start=1):
        if person.group_id not in rnd.groups or rnd.id not in known:
            continue
        standing = known[rnd.id]
        if standing.status == RoundStatus.OPEN and not standing.finished:
            to_start = to_start or ToStart(rnd, number)  # a started, unfinished one is not "elsewhere"
        elif standing.status == RoundStatus.OPEN:
            finished = Finished(rnd, number)
        elif standing.status == RoundStatus.CLOSED and standing.invited:
            closed = RoundClosed(rnd, number)
    if to_start or not (finished or closed):
        return to_start or NoRoundOpen()
    past = finished or closed
    assert past is not None
    done = [r for r, s in known.items() if s.finished]
    coming = await coming_in(tx, consultation, person.group_id, now, after=past.round.id, done=done)
    return type(past)(past.round, past.round_number, coming)
