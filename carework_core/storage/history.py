"""Changed answers: the current answer stays in `answers`, the values it replaced in `answer_history`,
and the typed answer a person has asked to change in `pending_changes`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from carework_core.storage import voice
from carework_core.storage.answers import Answer, open_rounds_started
from carework_core.storage.db import Tx

_ANSWER = "id, round_id, question_id, value, source, item_id, criterion_id, created_at"


@dataclass(frozen=True)
class OwnAnswer:
    """One of a person's current answers, with the id a Change button names."""

    id: int
    answer: Answer
    created_at: str


@dataclass(frozen=True)
class EarlierAnswer:
    """A value a change replaced, with when it was given and when it was replaced."""

    code: str | None
    group_id: str
    answer: Answer
    created_at: str
    replaced_at: str
    id: int | None = None  # its row in answer_history, which a recording of it names


def _own(row: tuple) -> OwnAnswer:
    return OwnAnswer(row[0], Answer(*row[1:7]), row[7])


async def own_answers(tx: Tx, participant_id: int, round_id: str) -> list[OwnAnswer]:
    """Returns a person's current answers in a round, in the order given."""
    rows = await tx.fetchall(
        f"SELECT {_ANSWER} FROM answers WHERE participant_id = ? AND round_id = ? ORDER BY id",
        (participant_id, round_id),
    )
    return [_own(r) for r in rows]


async def own_answer(tx: Tx, participant_id: int, answer_id: int) -> OwnAnswer | None:
    """Returns one of a person's current answers by id; None when it is not theirs (or gone)."""
    row = await tx.fetchone(
        f"SELECT {_ANSWER} FROM answers WHERE id = ? AND participant_id = ?", (answer_id, participant_id)
    )
    return _own(row) if row else None


async def replace_answer(tx: Tx, participant_id: int, answer_id: int, value: str, source: str, at: str) -> None:
    """Keeps an answer's current value in history and stores the new value in its place."""
    history_id = await tx.insert(
        "INSERT INTO answer_history (participant_id, answer_id, round_id, question_id, item_id, criterion_id,"
        " value, source, created_at, replaced_at) SELECT participant_id, id, round_id, question_id, item_id,"
        " criterion_id, value, source, created_at, ? FROM answers WHERE id = ? AND participant_id = ?",
        (at, answer_id, participant_id),
    )
    if history_id is not None:
        await voice.keep_with_earlier(tx, answer_id, history_id)
    await tx.execute(
        "UPDATE answers SET value = ?, source = ?, created_at = ? WHERE id = ? AND participant_id = ?",
        (value, source, at, answer_id, participant_id),
    )


async def replaced_from(tx: Tx, participant_id: int, source: str) -> bool:
    """Says whether a message or tap gave an answer that has since been changed (a replay stores nothing)."""
    row = await tx.fetchone(
        "SELECT 1 FROM answer_history WHERE participant_id = ? AND source = ? LIMIT 1", (participant_id, source)
    )
    return row is not None


async def ask_change(tx: Tx, participant_id: int, answer_id: int, at: str) -> None:
    """Records that the person's next typed message replaces this answer."""
    await tx.execute(
        "INSERT INTO pending_changes (participant_id, answer_id, asked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (participant_id) DO UPDATE SET answer_id = excluded.answer_id, asked_at = excluded.asked_at",
        (participant_id, answer_id, at),
    )


async def pending_change(tx: Tx, participant_id: int) -> tuple[OwnAnswer, str] | None:
    """Returns the answer the person's next typed message replaces, and when they asked; or None."""
    row = await tx.fetchone(
        f"SELECT {', '.join('a.' + c for c in _ANSWER.split(', '))}, c.asked_at FROM pending_changes c"
        " JOIN answers a ON a.id = c.answer_id AND a.participant_id = c.participant_id WHERE c.participant_id = ?",
        (participant_id,),
    )
    return (_own(row[:8]), row[8]) if row else None


async def acted_since(tx: Tx, participant_id: int, at: str) -> bool:
    """Says whether the person answered, or moved past, any question after `at`."""
    row = await tx.fetchone(
        "SELECT EXISTS (SELECT 1 FROM answers WHERE participant_id = ? AND created_at > ?)"
        " OR EXISTS (SELECT 1 FROM progress WHERE participant_id = ? AND done_at > ?)",
        (participant_id, at, participant_id, at),
    )
    return bool(row[0])


async def drop_change(tx: Tx, participant_id: int) -> None:
    """Forgets a typed change the person asked for."""
    await tx.execute("DELETE FROM pending_changes WHERE participant_id = ?", (participant_id,))


async def reviewable_rounds(tx: Tx, participant_id: int) -> list[str]:
    """Returns the open rounds a person has started (finished or not), the latest started first."""
    return await open_rounds_started(tx, participant_id)


async def earlier_answers(tx: Tx, participant_id: int) -> list[EarlierAnswer]:
    """Returns the values a person's changes replaced, oldest first."""
    rows = await tx.fetchall(
        "SELECT NULL, '', round_id, question_id, value, source, item_id, criterion_id, created_at, replaced_at"
        " FROM answer_history WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    return [EarlierAnswer(r[0], r[1], Answer(*r[2:8]), r[8], r[9]) for r in rows]


async def coded_earlier_answers(
    tx: Tx, round_id: str | None = None, since: str | None = None
) -> AsyncIterator[EarlierAnswer]:
    """Yields every replaced value with its participant's code and group, oldest change first."""
    where, params = [], []
    if round_id is not None:
        where.append("h.round_id = ?")
        params.append(round_id)
    if since is not None:
        where.append("h.replaced_at >= ?")
        params.append(since)
    sql = (
        "SELECT p.code, p.group_id, h.round_id, h.question_id, h.value, h.source, h.item_id, h.criterion_id,"
        " h.created_at, h.replaced_at, h.id FROM answer_history h JOIN participants p ON p.id = h.participant_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY h.id"
    )
    async for r in tx.iterate(sql, params, size=2000):
        yield EarlierAnswer(r[0], r[1], Answer(*r[2:8]), r[8], r[9], r[10])
