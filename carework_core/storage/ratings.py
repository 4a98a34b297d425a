"""Stored ratings as the statistics read them.

A temporary version by engineer flow: engineer stats' module of the same name replaces it.
"""

from __future__ import annotations

from carework_core.storage.db import Tx
from carework_core.summary import Rating


async def ratings_of(tx: Tx, round_id: str, participant_id: int | None = None) -> list[Rating]:
    """Returns the ratings of a round (or one person's), in the order given."""
    rows = await tx.fetchall(
        "SELECT a.participant_id, p.group_id, a.question_id, a.item_id, a.criterion_id, a.value"
        " FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.round_id = ?1 AND (?2 IS NULL OR a.participant_id = ?2) ORDER BY a.id",
        (round_id, participant_id),
    )
    return [Rating(*r) for r in rows]
