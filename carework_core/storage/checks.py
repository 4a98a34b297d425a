"""Whose invitation or closing notice may be owed: the rows triggers add whenever a change could make
someone owed one (see later_schemas.INVITATION_CHECKS and CLOSING_CHECKS), so the reconcile looks at
them rather than at everyone on every pass."""

from __future__ import annotations

import json
from typing import Literal

from carework_core.storage.db import Tx

Checks = Literal["invitation_checks", "closing_checks"]


async def checks_waiting(tx: Tx, table: Checks) -> bool:
    """Says whether any check waits, in one index seek."""
    return await tx.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None


async def check_everyone(tx: Tx) -> None:
    """Adds an invitation check for every consented person and open round (the definition may have given
    a round new groups since the last process)."""
    await tx.execute(
        "INSERT OR IGNORE INTO invitation_checks (round_id, participant_id) SELECT r.round_id, p.id"
        " FROM rounds r JOIN participants p WHERE r.status = 'open' AND p.status = 'consented'"
    )


async def settle_checks(tx: Tx, table: Checks, round_id: str, owed: list[int], limit: int) -> None:
    """Deletes the round's checks that a look in id order found nobody owed: all of them, or, when it
    stopped at `limit`, those up to the last person it returned (the rest wait for the next pass)."""
    last = max(owed) if len(owed) >= limit else None
    looked_at = "" if last is None else " AND participant_id <= ?3"  # a range of the primary key
    await tx.execute(
        f"DELETE FROM {table} WHERE round_id = ?1{looked_at} AND participant_id NOT IN (SELECT value FROM json_each(?2))",
        (round_id, json.dumps(owed), *([] if last is None else [last])),
    )


async def drop_checks_except(tx: Tx, table: Checks, round_ids: list[str]) -> None:
    """Deletes the checks of every round but these (a round no longer open, or long closed, or gone from
    the definition)."""
    await tx.execute(
        f"DELETE FROM {table} WHERE round_id NOT IN (SELECT value FROM json_each(?))", (json.dumps(round_ids),)
    )
