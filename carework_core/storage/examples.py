"""Examples as a summary counts and quotes them.

A temporary version by engineer flow: engineer texts' module replaces it.
"""

from __future__ import annotations

from carework_core.storage.db import Tx
from carework_core.summary import ALL_GROUPS, ExamplesTally


async def examples_tallies(
    tx: Tx, round_id: str, question_ids: list[str], group_ids: list[str], min_group_size: int
) -> tuple[ExamplesTally, ...]:
    """Returns people and examples per question, over all groups only in this temporary version."""
    out = []
    for qid in question_ids:
        row = await tx.fetchone(
            "SELECT COUNT(DISTINCT participant_id), COUNT(*) FROM answers WHERE round_id = ? AND question_id = ?",
            (round_id, qid),
        )
        out.append(ExamplesTally(qid, ALL_GROUPS, row[0], row[1]))
    return tuple(out)


async def quotable_examples(
    tx: Tx, round_id: str, question_ids: list[str], statement_id: str
) -> list[tuple[str, str, str]]:
    """Returns (group, question, text) of answers by people who agreed to be quoted, in answer order."""
    marks = ",".join("?" for _ in question_ids)
    rows = await tx.fetchall(
        "SELECT p.group_id, a.question_id, a.value FROM answers a JOIN participants p ON p.id = a.participant_id"
        " JOIN consents c ON c.participant_id = p.id AND c.statement_id = ? AND c.agreed = 1"
        f" WHERE a.round_id = ? AND a.question_id IN ({marks}) ORDER BY a.id",
        (statement_id, round_id, *question_ids),
    )
    return [(r[0], r[1], r[2]) for r in rows]
