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


async def people_by_group(tx: Tx, round_id: str, group_ids: list[str]) -> dict[str, int]:
    """Returns how many people of each group answered anything in a round (groups with none left out)."""
    marks = ",".join("?" * len(group_ids)) or "''"
    rows = await tx.fetchall(
        "SELECT p.group_id, COUNT(DISTINCT a.participant_id) FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.round_id = ? AND p.group_id IN ({marks}) GROUP BY p.group_id",
        (round_id, *group_ids),
    )
    return {r[0]: r[1] for r in rows}


async def choices_by_group(tx: Tx, round_id: str, question_id: str, group_ids: list[str]) -> list[tuple[str, str]]:
    """Returns (group, value) of each person's latest answer to a choice question; a multiple choice's
    value is its option ids joined by commas."""
    marks = ",".join("?" * len(group_ids)) or "''"
    rows = await tx.fetchall(
        "SELECT p.group_id, a.value FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.id IN (SELECT MAX(id) FROM answers WHERE round_id = ? AND question_id = ? GROUP BY participant_id)"
        f" AND p.group_id IN ({marks})",
        (round_id, question_id, *group_ids),
    )
    return [(r[0], r[1]) for r in rows]
