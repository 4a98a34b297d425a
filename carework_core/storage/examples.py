"""Examples as the synthesis reads them: typed answers to a round's examples questions, by answer id."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.storage.db import Tx


@dataclass(frozen=True)
class StoredExample:
    """One typed example with its answer id and the group of the person who gave it."""

    answer_id: int
    group_id: str
    round_id: str
    question_id: str
    text: str


async def examples_in(tx: Tx, round_id: str, question_ids: list[str]) -> list[StoredExample]:
    """Returns every answer to these questions of a round, oldest first."""
    if not question_ids:
        return []
    marks = ",".join("?" * len(question_ids))
    rows = await tx.fetchall(
        "SELECT a.id, p.group_id, a.round_id, a.question_id, a.value FROM answers a"
        f" JOIN participants p ON p.id = a.participant_id WHERE a.round_id = ? AND a.question_id IN ({marks})"
        " ORDER BY a.id",
        (round_id, *question_ids),
    )
    return [StoredExample(*r) for r in rows]


async def answer_places(tx: Tx, answer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Returns (round id, question id) of each of these answers that exists."""
    places: dict[int, tuple[str, str]] = {}
    for start in range(0, len(answer_ids), 500):  # SQLite limits the parameters of one statement
        chunk = answer_ids[start : start + 500]
        rows = await tx.fetchall(
            f"SELECT id, round_id, question_id FROM answers WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        places.update({r[0]: (r[1], r[2]) for r in rows})
    return places
