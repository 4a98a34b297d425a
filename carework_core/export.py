"""The researchers' workbook: one row per answer, keyed by pseudonymous codes only.

Written with openpyxl's write-only mode, so rows stream from SQLite to disk.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from carework_core.clock import parse_iso
from carework_core.definition_changes import snapshot_of
from carework_core.definitions import Criterion, ItemRatingQuestion
from carework_core.env import Env
from carework_core.errors import ExportRefused
from carework_core.rounds import opened_snapshots
from carework_core.storage.answers import coded_answers
from carework_core.storage.items import item_texts
from carework_core.storage.participants import participant_records
from carework_core.storage.reasons import reasons_of
from carework_core.vocabulary import labels_of

ANSWER_COLUMNS = [
    "participant",
    "group",
    "round",
    "round_title",
    "theme",
    "question_id",
    "question",
    "item_id",
    "item",
    "criterion",
    "answer",
    "answer_code",
    "answered_at",
]
PARTICIPANT_COLUMNS = ["participant", "group", "status", "consented_at", "consents"]
REASON_COLUMNS = ["participant", "round", "question_id", "item_id", "item", "criterion", "rating", "reason", "given_at"]

# Characters XML 1.0 forbids (and lone surrogates, which UTF-8 cannot hold) are dropped.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet would read these as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def export_workbook(env: Env, path: str | Path) -> dict[str, int]:
    """Writes every stored answer and participant to an xlsx file; returns row counts."""
    path = _target(Path(path))
    book = Workbook(write_only=True)
    answers = book.create_sheet("Answers")
    people = book.create_sheet("Participants")
    reasons = book.create_sheet("Reasons")
    counts = {"answers": 0, "participants": 0}
    async with env.db.reading() as tx:
        counts["answers"] = await _write(answers, ANSWER_COLUMNS, _answer_rows(env, tx))
        counts["participants"] = await _write(people, PARTICIPANT_COLUMNS, _participant_rows(env, tx))
        counts["reasons"] = await _write(reasons, REASON_COLUMNS, _reason_rows(env, tx))
    _save(book, path)
    return counts


def _target(path: Path) -> Path:
    """Returns where the export goes, or raises ExportRefused naming the path and the fix."""
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name such as {path / 'answers.xlsx'}")
    if path.suffix.lower() != ".xlsx":
        raise ExportRefused(f"{path}: carework writes only .xlsx files for now; give a name ending in .xlsx")
    if not path.parent.is_dir():
        raise ExportRefused(f"{path}: the folder {path.parent} does not exist; create it or choose another")
    return path


def _save(book: Workbook, path: Path) -> None:
    """Saves through a private temporary file, so the export is never readable by others or half-written."""
    partial: str | None = None
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            book.save(handle)
        os.replace(partial, path)
    except OSError as exc:
        raise ExportRefused(f"{path}: cannot write the export: {exc.strerror or exc}") from None
    finally:
        if partial:
            Path(partial).unlink(missing_ok=True)


async def _write(sheet: WriteOnlyWorksheet, header: list[str], rows: AsyncIterator[list[Any]]) -> int:
    sheet.append(header)
    count = 0
    async for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    return count


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Returns a cell that shows exactly the text a person typed, never a formula or an error."""
    if not isinstance(value, str):
        return value
    # Strip first: a control character must not hide a leading "=" from the formula check.
    clean = FORBIDDEN.sub("", value)
    # xlsx readers turn a bare carriage return into a line break; write it as one.
    cell = WriteOnlyCell(sheet, clean.replace("\r\n", "\n").replace("\r", "\n"))
    cell.data_type = "s"  # openpyxl would read "#N/A" as an error cell and "=..." as a formula
    if clean.startswith(FORMULA_START):
        cell.quotePrefix = True  # Excel and LibreOffice keep it as text even when edited
    return cell


async def _answer_rows(env: Env, tx) -> AsyncIterator[list[Any]]:
    c = env.consultation
    # Answers are read with the round as people saw it when it opened, whatever the file says now.
    seen = {r.id: snapshot_of(c, r) for r in c.rounds} | await opened_snapshots(tx)
    groups = {g.id: g.name for g in c.groups}
    themes = {t.id: t.name for t in c.themes}
    items = await item_texts(tx)
    async for row in coded_answers(tx):
        a = row.answer
        round_id, qid, item_id, crit_id, value = a.round_id, a.question_id, a.item_id, a.criterion_id, a.value
        snap = seen.get(round_id)
        rnd = snap.round if snap else None
        q = next((q for q in rnd.questions if q.id == qid), None) if rnd else None
        crit = snap.criterion(crit_id) if snap and crit_id else None
        item = items.get((q.item_set, item_id)) if isinstance(q, ItemRatingQuestion) else None
        yield [
            row.code,
            groups.get(row.group_id, row.group_id),
            round_id,
            rnd.title if rnd else "",
            themes.get(rnd.theme, rnd.theme) if rnd else "",
            qid,
            q.text if q else "",
            item_id or "",
            item or "",
            crit.name if crit else "",
            _shown(q, crit, value),
            value,
            _local(env, row.created_at),
        ]


async def _participant_rows(env: Env, tx) -> AsyncIterator[list[Any]]:
    groups = {g.id: g.name for g in env.consultation.groups}
    async for person in participant_records(tx):
        yield [
            person.code,
            groups.get(person.group_id, person.group_id),
            person.status.value,
            _local(env, person.consented_at) if person.consented_at else "",
            person.consents or "",
        ]


async def _reason_rows(env: Env, tx) -> AsyncIterator[list[Any]]:
    """Yields why people saw a card differently from their group, under their codes."""
    c = env.consultation
    seen = {r.id: snapshot_of(c, r) for r in c.rounds} | await opened_snapshots(tx)
    items = await item_texts(tx)
    for reason in await reasons_of(tx):
        card = reason.card
        snap = seen.get(card.round_id)
        q = next((q for q in snap.round.questions if q.id == card.question_id), None) if snap else None
        crit = snap.criterion(card.criterion_id) if snap and card.criterion_id else None
        item = items.get((q.item_set, card.item_id)) if isinstance(q, ItemRatingQuestion) else None
        yield [
            reason.code,
            card.round_id,
            card.question_id,
            card.item_id or "",
            item or "",
            crit.name if crit else "",
            _shown(q, crit, reason.rating),
            reason.text,
            _local(env, reason.given_at),
        ]


def _shown(question: Any, criterion: Criterion | None, value: str) -> str:
    """Returns an answer as a reader understands it: the label rather than its position."""
    return "; ".join(labels_of(question, criterion, value))


def _local(env: Env, stamp: str) -> str:
    return parse_iso(stamp).astimezone(env.consultation.zone).strftime("%Y-%m-%d %H:%M:%S")
