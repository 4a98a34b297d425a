"""Details of an answer: follow-up answers about an example, and the words given with an Other option."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carework_core.storage.tx import Tx

OTHER = "other"  # the field holding the words typed with an Other option


async def latest_answer(tx: Tx, participant_id: int, round_id: str, question_id: str) -> tuple[int, str] | None:
    """Returns (answer id, value) of a person's latest answer to a question, or None."""
    row = await tx.fetchone(
        "SELECT id, value FROM answers WHERE participant_id = ? AND round_id = ? AND question_id = ?"
        " ORDER BY id DESC LIMIT 1",
        (participant_id, round_id, question_id),
    )
    return (row[0], row[1]) if row else None


async def fields_of(tx: Tx, answer_id: int) -> dict[str, str | None]:
    """Returns the details given for an answer: field -> words (None when skipped)."""
    rows = await tx.fetchall("SELECT field, value FROM answer_details WHERE answer_id = ?", (answer_id,))
    return {r[0]: r[1] for r in rows}


async def detail_from(tx: Tx, participant_id: int, source: str) -> bool:
    """Says whether a message or tap of this person already gave a detail (a replay stores nothing)."""
    row = await tx.fetchone(
        "SELECT 1 FROM answer_details d JOIN answers a ON a.id = d.answer_id"
        " WHERE d.source = ? AND a.participant_id = ?",
        (source, participant_id),
    )
    return row is not None


async def give(tx: Tx, answer_id: int, field: str, value: str | None, source: str, at: str) -> None:
    """Stores a detail of an answer; one already given for the same field is kept as it was."""
    await tx.execute(
        "INSERT OR IGNORE INTO answer_details (answer_id, field, value, source, created_at) VALUES (?, ?, ?, ?, ?)",
        (answer_id, field, value, source, at),
    )


async def forget(tx: Tx, answer_id: int, field: str) -> None:
    """Forgets a detail of an answer, so that the words a change brings take its place."""
    await tx.execute("DELETE FROM answer_details WHERE answer_id = ? AND field = ?", (answer_id, field))


async def change_choice(tx: Tx, answer_id: int, value: str, keep_other: bool) -> None:
    """Replaces the options of a choice still being made; its Other words go when Other is no longer chosen."""
    await tx.execute("UPDATE answers SET value = ? WHERE id = ?", (value, answer_id))
    if not keep_other:
        await tx.execute("DELETE FROM answer_details WHERE answer_id = ? AND field = ?", (answer_id, OTHER))


async def details_of(tx: Tx, participant_id: int) -> list[tuple[str, str, str, str | None]]:
    """Returns (round, question, field, words) of each detail a person gave, in the order of their answers."""
    rows = await tx.fetchall(
        "SELECT a.round_id, a.question_id, d.field, d.value FROM answer_details d JOIN answers a ON a.id = d.answer_id"
        " WHERE a.participant_id = ? ORDER BY a.id, d.created_at, d.rowid",
        (participant_id,),
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def round_details(tx: Tx, round_id: str | None) -> dict[int, dict[str, str | None]]:
    """Returns the details of a round's answers (or of every answer) by answer id."""
    rows = await tx.fetchall(
        "SELECT d.answer_id, d.field, d.value FROM answer_details d JOIN answers a ON a.id = d.answer_id"
        " WHERE ? IS NULL OR a.round_id = ? ORDER BY d.created_at, d.rowid",
        (round_id, round_id),
    )
    found: dict[int, dict[str, str | None]] = {}
    for answer_id, field, value in rows:
        found.setdefault(answer_id, {})[field] = value
    return found


async def skipped_questions(tx: Tx, round_id: str) -> set[tuple[str, str]]:
    """Returns (participant code, question id) of each question a person skipped or had no example for."""
    rows = await tx.fetchall(
        "SELECT p.code, g.question_id FROM progress g JOIN participants p ON p.id = g.participant_id"
        " WHERE g.round_id = ? AND g.skipped = 1",
        (round_id,),
    )
    return {(r[0], r[1]) for r in rows}


async def erase_details(tx: Tx, participant_id: int) -> None:
    """Deletes every detail of a person's answers (before the answers themselves)."""
    await tx.execute(
        "DELETE FROM answer_details WHERE answer_id IN (SELECT id FROM answers WHERE participant_id = ?)",
        (participant_id,),
    )
