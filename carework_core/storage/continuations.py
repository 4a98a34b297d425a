"""Typed words found by the message they came from, so the rest of a text an app split can join them."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.storage.db import Tx

# Where typed words are kept, each with its source: the message, or "m8+m9" for a text joined from pieces.
_PLACES = {
    "answers": (
        "SELECT a.id, a.value, a.source FROM answers a"
        " WHERE a.participant_id = ? AND (a.source = ? OR a.source LIKE ?)",
        "UPDATE answers SET value = ?, source = ? WHERE id = ?",
    ),
    "answer_details": (
        "SELECT d.rowid, d.value, d.source FROM answer_details d JOIN answers a ON a.id = d.answer_id"
        " WHERE a.participant_id = ? AND (d.source = ? OR d.source LIKE ?)",
        "UPDATE answer_details SET value = ?, source = ? WHERE rowid = ?",
    ),
    "reasons": (
        "SELECT r.id, r.text, r.source FROM reasons r WHERE r.participant_id = ? AND (r.source = ? OR r.source LIKE ?)",
        "UPDATE reasons SET text = ?, source = ? WHERE id = ?",
    ),
}


@dataclass(frozen=True)
class StoredWords:
    """Words a message gave, where they are kept, and the source they are kept under."""

    table: str
    row: int
    words: str
    source: str


async def words_ending(tx: Tx, participant_id: int, source: str) -> StoredWords | None:
    """Returns the words a message gave, alone or as the last piece of a joined text; None if none."""
    for table, (find, _) in _PLACES.items():
        row = await tx.fetchone(find, (participant_id, source, f"%+{source}"))
        if row is not None and isinstance(row[1], str):
            return StoredWords(table, row[0], row[1], row[2])
    return None


async def join_on(tx: Tx, stored: StoredWords, piece: str, source: str) -> None:
    """Adds a piece to stored words after a space, and notes that message `source` ends them now."""
    await tx.execute(_PLACES[stored.table][1], (f"{stored.words} {piece}", f"{stored.source}+{source}", stored.row))
