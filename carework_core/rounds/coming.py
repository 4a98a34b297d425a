"""What comes next for a group, read from the rounds' statuses and plans as they stand (next_round.py decides)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from carework_core.definitions.model import Consultation
from carework_core.rounds.next_round import Coming, coming_for
from carework_core.rounds.schedule import plan_of
from carework_core.storage import rounds as stored_rounds
from carework_core.storage import schedule as stored_schedule
from carework_core.storage.tx import Tx


async def coming_in(
    tx: Tx, c: Consultation, group_id: str, now: datetime, after: str | None = None, done: Collection[str] = ()
) -> Coming:
    """Reads the rounds' statuses and plans (with coordinators' changes) and returns what comes next."""
    statuses = await stored_rounds.round_statuses(tx)
    changes = await stored_schedule.plan_changes(tx)
    opens = {r.id: plan_of(r, c.zone, changes).opens for r in c.rounds}
    return coming_for(c, group_id, statuses, opens, now, after, done)
