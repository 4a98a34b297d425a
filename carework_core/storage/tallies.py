"""Read-only figures across table families, for reports: nothing here writes."""

from __future__ import annotations

from carework_core.storage.db import Tx


async def count_registered(tx: Tx) -> int:
    """Returns how many people finished consent and got a pseudonymous code."""
    row = await tx.fetchone("SELECT COUNT(*) FROM participants WHERE code IS NOT NULL")
    return row[0] if row else 0


async def count_answers(tx: Tx) -> int:
    """Returns how many answers are stored, of every kind."""
    row = await tx.fetchone("SELECT COUNT(*) FROM answers")
    return row[0] if row else 0


async def typed_texts(tx: Tx, round_ids: list[str], longer_than: int, limit: int) -> list[str]:
    """Returns distinct answers of these rounds not about an item and longer than given, oldest first."""
    marks = ",".join("?" * len(round_ids)) or "''"
    rows = await tx.fetchall(
        f"SELECT DISTINCT value FROM answers WHERE round_id IN ({marks}) AND item_id IS NULL"
        " AND length(value) > ? ORDER BY id LIMIT ?",
        (*round_ids, longer_than, limit),
    )
    return [r[0] for r in rows]
