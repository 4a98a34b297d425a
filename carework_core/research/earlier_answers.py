"""The workbook's "Earlier answers" sheet: each value a participant's change replaced, keyed by code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from carework_core.answering.vocabulary import labels_of
from carework_core.definitions.model import ExamplesQuestion, TextQuestion
from carework_core.research.sheets import Column, Sheet
from carework_core.research.workbook_rows import Scope
from carework_core.storage import history
from carework_core.storage.db import Tx

EARLIER_SHEET = Sheet(
    "Earlier answers",
    (
        Column("participant", "the participant's pseudonymous code"),
        Column("group", "their stakeholder group"),
        Column("round", "round id"),
        Column("question_id", "question id"),
        Column("item_id", "the item rated (item-rating questions)"),
        Column("criterion", "the criterion the item was rated on"),
        Column("answer", "the earlier answer in words: the text typed, the scale label or the options chosen"),
        Column("answer_code", "the earlier stored value, coded as in Answers; empty for typed text"),
        Column("answered_at", "when the earlier answer arrived, local time"),
        Column("replaced_at", "when the participant changed it (the current answer is in Answers), local time"),
        Column(
            "voice_file",
            "the recording of an earlier answer spoken as a voice note, as `carework voice-notes` saves it",
        ),
    ),
    note="answers participants changed while the round was open; Answers and the round sheets hold only current ones",
)


async def earlier_rows(tx: Tx, scope: Scope, voices: dict[object, tuple[int, str]]) -> AsyncIterator[list[Any]]:
    """Yields the Earlier answers sheet: one row per replaced value, oldest change first."""
    groups = {g.id: g.name for g in scope.consultation.groups}
    async for e in history.coded_earlier_answers(tx, scope.round_id, scope.since):
        a = e.answer
        snap = scope.snaps.get(a.round_id)
        q = next((q for q in snap.round.questions if q.id == a.question_id), None) if snap else None
        criterion = snap.criterion(a.criterion_id) if snap and a.criterion_id else None
        typed = q is None or isinstance(q, (ExamplesQuestion, TextQuestion))
        yield [
            e.code,
            groups.get(e.group_id, e.group_id),
            a.round_id,
            a.question_id,
            a.item_id,
            criterion.name if criterion else a.criterion_id,
            a.value if typed else "; ".join(labels_of(q, criterion, a.value)),
            None if typed else a.value,
            scope.local(e.created_at),
            scope.local(e.replaced_at),
            voices.get(("earlier", e.id), (None, None))[1],
        ]
