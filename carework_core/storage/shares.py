"""The share of an item set each person was given to rate (items_per_person), and the seed that broke its ties."""

from __future__ import annotations

import secrets

from carework_core.storage.db import Tx


async def given_items(tx: Tx, round_id: str, question_id: str, participant_id: int) -> list[str]:
    """Returns the item ids a person was given in a question, in the order they see them; empty when none yet."""
    rows = await tx.fetchall(
        "SELECT item_id FROM item_shares WHERE participant_id = ? AND round_id = ? AND question_id = ?"
        " ORDER BY position",
        (participant_id, round_id, question_id),
    )
    return [r[0] for r in rows]


async def give_items(tx: Tx, round_id: str, question_id: str, participant_id: int, item_ids: list[str]) -> None:
    """Stores the items a person was given in a question, in order; a share already stored is kept."""
    await tx.executemany(
        "INSERT INTO item_shares (round_id, question_id, participant_id, item_id, position) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(round_id, question_id, participant_id, item_id, n) for n, item_id in enumerate(item_ids)],
    )


async def raters_given(tx: Tx, round_id: str, question_id: str, participant_id: int) -> dict[str, int]:
    """Returns, by item id, how many people of this person's group were given the item in a question."""
    rows = await tx.fetchall(
        "SELECT s.item_id, COUNT(*) FROM item_shares s JOIN participants p ON p.id = s.participant_id"
        " WHERE s.round_id = ? AND s.question_id = ?"
        " AND p.group_id = (SELECT group_id FROM participants WHERE id = ?) GROUP BY s.item_id",
        (round_id, question_id, participant_id),
    )
    return {r[0]: r[1] for r in rows}


async def share_seed(tx: Tx, round_id: str, question_id: str, keep: bool) -> int:
    """Returns the question's random seed, made and stored the first time (when `keep`); 0 in a read before that."""
    row = await tx.fetchone(
        "SELECT seed FROM share_seeds WHERE round_id = ? AND question_id = ?", (round_id, question_id)
    )
    if row is not None:
        return row[0]
    if not keep:
        return 0
    seed = secrets.randbits(48)
    await tx.execute(
        "INSERT INTO share_seeds (round_id, question_id, seed) VALUES (?, ?, ?)", (round_id, question_id, seed)
    )
    return seed


async def coded_shares(tx: Tx, round_id: str | None = None) -> list[tuple[str, str, str, str, int, str]]:
    """Returns every share as (code, group id, round id, question id, place from 1, item id), in order."""
    rows = await tx.fetchall(
        "SELECT p.code, p.group_id, s.round_id, s.question_id, s.position, s.item_id FROM item_shares s"
        " JOIN participants p ON p.id = s.participant_id WHERE ? IS NULL OR s.round_id = ?"
        " ORDER BY s.round_id, s.question_id, p.code, s.position",
        (round_id, round_id),
    )
    return [(r[0], r[1], r[2], r[3], r[4] + 1, r[5]) for r in rows]
