"""What happens next for a group: the next round its people will be asked to, or that none is left.

One answer for every place that says it (a summary, /mydata, the reply to a message nothing waits
for), so none of them names another group's round, a date that has passed, or a next round after
the last one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from carework_core.definitions.model import Consultation, Round
from carework_core.rounds.lifecycle import RoundStatus


@dataclass(frozen=True)
class NextRound:
    """The group's next round: open now, or opening at `opens` (only a time still ahead, in the consultation's
    zone), or not yet planned."""

    round: Round
    number: int  # in the consultation, counting from 1
    opens: datetime | None = None
    open_now: bool = False


@dataclass(frozen=True)
class NoRoundLeft:
    """Every round of the group is over (or done by the person): the last one was the last."""


Coming = NextRound | NoRoundLeft


def coming_for(
    c: Consultation,
    group_id: str,
    statuses: Mapping[str, RoundStatus],
    opens: Mapping[str, datetime | None],
    now: datetime,
    after: str | None = None,
    done: Collection[str] = (),
) -> Coming:
    """Returns the first round of the group after `after` (in definition order) that is not closed and
    not in `done`, with its opening time if that is still ahead."""
    ids = [r.id for r in c.rounds]
    start = ids.index(after) + 1 if after in ids else 0
    for number, rnd in enumerate(c.rounds[start:], start=start + 1):
        status = statuses.get(rnd.id, RoundStatus.DRAFT)
        if group_id not in rnd.groups or status == RoundStatus.CLOSED or rnd.id in done:
            continue
        if status == RoundStatus.OPEN:
            return NextRound(rnd, number, open_now=True)
        when = opens.get(rnd.id)
        return NextRound(rnd, number, when.astimezone(c.zone) if when and when > now else None)
    return NoRoundLeft()
