"""Ratings as the statistics read them: counts per card, group and value, and each person's ratings.

Only a person's latest answer to a card counts, so a changed answer replaces the one before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from carework_core.results.summary import Rating
from carework_core.storage.db import Tx

CountRow = tuple[str, str | None, str | None, str, str, int]

# The latest answer of each person to each card of the round's chosen questions, counted by
# card, group and value. The inner GROUP BY picks each latest answer (the highest id). NOT
# INDEXED: answers_by_question starts with the participant, so it cannot narrow a round down,
# and scanning the table in order is nearly twice as fast as walking that index (bench/summaries.py).
_COUNTS = """
SELECT a.question_id, a.item_id, a.criterion_id, p.group_id, a.value, COUNT(*)
FROM answers a JOIN participants p ON p.id = a.participant_id
WHERE a.id IN (
    SELECT MAX(id) FROM answers NOT INDEXED WHERE round_id = ? AND question_id IN ({marks})
    GROUP BY participant_id, question_id, item_id, criterion_id
)
GROUP BY a.question_id, a.item_id, a.criterion_id, p.group_id, a.value
"""


async def rating_counts(tx: Tx, round_id: str, question_ids: list[str]) -> list[CountRow]:
    """Returns (question, item, criterion, group, value, count) rows of these questions' latest answers."""
    if not question_ids:
        return []
    sql = _COUNTS.format(marks=",".join("?" * len(question_ids)))
    return [tuple(row) for row in await tx.fetchall(sql, (round_id, *question_ids))]


async def ratings_of(tx: Tx, round_id: str, participant_id: int | None = None) -> list[Rating]:
    """Returns the latest answer of each person (or of one person) to each card of a round, in the order given."""
    sql = (
        "SELECT a.participant_id, p.group_id, a.question_id, a.item_id, a.criterion_id, a.value"
        " FROM answers a JOIN participants p ON p.id = a.participant_id WHERE a.round_id = ?"
    )
    args: tuple = (round_id,)
    if participant_id is not None:
        sql, args = sql + " AND a.participant_id = ?", (round_id, participant_id)
    latest: dict[tuple, Rating] = {}
    async for row in tx.iterate(sql + " ORDER BY a.id", args):
        rating = Rating(*row)
        latest.pop((rating.participant_id, *row[2:5]), None)  # a later answer takes the earlier one's place
        latest[(rating.participant_id, *row[2:5])] = rating
    return list(latest.values())


async def ratings_by_person(tx: Tx, round_id: str, question_ids: list[str]) -> AsyncIterator[list[Rating]]:
    """Yields each person's latest answers to these questions of a round, one person at a time, by id:
    a round of a million ratings is never in memory whole."""
    marks = ",".join("?" * len(question_ids))
    sql = (
        "SELECT a.participant_id, p.group_id, a.question_id, a.item_id, a.criterion_id, a.value"
        " FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.round_id = ? AND a.question_id IN ({marks}) ORDER BY a.participant_id, a.id"
    )
    person, latest = None, {}
    async for row in tx.iterate(sql, (round_id, *question_ids)):
        if row[0] != person and latest:
            yield list(latest.values())
            latest = {}
        person, card = row[0], tuple(row[2:5])
        latest.pop(card, None)  # a later answer takes the earlier one's place
        latest[card] = Rating(*row)
    if latest:
        yield list(latest.values())
