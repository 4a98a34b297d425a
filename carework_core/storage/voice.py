"""Voice notes: the Telegram file behind an answer or a reason that was spoken instead of typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carework_core.storage.tx import Tx


@dataclass(frozen=True)
class StoredVoice:
    """One voice note with what names its file: the person's code, the question, and its number there."""

    id: int
    code: str
    round_id: str
    question_id: str
    item_id: str | None
    criterion_id: str | None
    answer_id: int | None  # None for a reason; the reason explains the rating on (round, question, item, criterion)
    file_id: str
    duration: int
    saved_file: str | None
    number: int  # 1 for the person's first voice note to this question id, in any round
    earlier: bool = False  # the recording of an answer the person has since changed
    field: str = ""  # the detail of the answer it says (a follow-up's id, or "other"); "" for the answer itself
    history_id: int | None = None  # the earlier version of a changed answer it says


async def keep(tx: Tx, participant_id: int, source: str, file_id: str, file_unique_id: str, duration: int) -> None:
    """Records the file of the answer or reason that the message `source` stored; a replay adds nothing."""
    for table, column in (("answers", "answer_id"), ("reasons", "reason_id")):
        await tx.execute(
            f"INSERT OR IGNORE INTO voice_notes (participant_id, {column}, file_id, file_unique_id, duration)"
            f" SELECT participant_id, id, ?, ?, ? FROM {table} WHERE participant_id = ? AND source = ?",
            (file_id, file_unique_id, duration, participant_id, source),
        )
    await tx.execute(  # a follow-up about an example, or Other's words, spoken
        "INSERT OR IGNORE INTO voice_notes (participant_id, answer_id, field, file_id, file_unique_id, duration)"
        " SELECT a.participant_id, d.answer_id, d.field, ?, ?, ? FROM answer_details d"
        " JOIN answers a ON a.id = d.answer_id WHERE a.participant_id = ? AND d.source = ?",
        (file_id, file_unique_id, duration, participant_id, source),
    )


_NUMBERED = """
SELECT v.id, p.code, COALESCE(a.round_id, h.round_id, r.round_id) AS round_id,
       COALESCE(a.question_id, h.question_id, r.question_id),
       COALESCE(a.item_id, h.item_id, NULLIF(r.item_id, '')),
       COALESCE(a.criterion_id, h.criterion_id, NULLIF(r.criterion_id, '')),
       v.answer_id, v.file_id, v.duration, v.saved_file,
       ROW_NUMBER() OVER (
           PARTITION BY v.participant_id, COALESCE(a.question_id, h.question_id, r.question_id), v.field
           ORDER BY v.id
       ),
       v.history_id IS NOT NULL, v.field, v.history_id
FROM voice_notes v
JOIN participants p ON p.id = v.participant_id
LEFT JOIN answers a ON a.id = v.answer_id
LEFT JOIN answer_history h ON h.id = v.history_id
LEFT JOIN reasons r ON r.id = v.reason_id
"""


async def voice_notes(tx: Tx, round_id: str | None = None) -> list[StoredVoice]:
    """Returns the voice notes of a round (or of every round), oldest first, numbered per person and question."""
    # Numbered before the round is chosen, so a note keeps its number whichever rounds are asked for.
    rows = await tx.fetchall(
        f"SELECT * FROM ({_NUMBERED}) WHERE ? IS NULL OR round_id = ? ORDER BY 1", (round_id, round_id)
    )
    return [StoredVoice(*row) for row in rows]


async def mark_saved(tx: Tx, voice_id: int, file_name: str) -> None:
    """Records the name a voice note's recording was saved under."""
    await tx.execute("UPDATE voice_notes SET saved_file = ? WHERE id = ?", (file_name, voice_id))


async def keep_with_earlier(tx: Tx, answer_id: int, history_id: int) -> None:
    """Moves a changed answer's recording to its earlier version, so the new answer has none of its own."""
    await tx.execute(
        "UPDATE voice_notes SET answer_id = NULL, history_id = ? WHERE answer_id = ? AND field = ''",
        (history_id, answer_id),
    )


async def forget_voice_notes(tx: Tx, participant_id: int) -> None:
    """Deletes every voice note of a person (their answers may stay, as markers, under their code)."""
    await tx.execute("DELETE FROM voice_notes WHERE participant_id = ?", (participant_id,))
