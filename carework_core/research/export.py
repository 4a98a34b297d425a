"""The researchers' workbook: About and codebook, Participants, Answers, one wide sheet per round,
Items, Item statistics, Summaries and Audit, keyed by pseudonymous codes only.

Rows stream from SQLite to disk (openpyxl write-only, or csv files in a zip). The work runs in a
worker thread with its own event loop and database connection, so the bot keeps answering people
while a large workbook is built.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from carework_core.answering.voice import voice_cells
from carework_core.clock import iso
from carework_core.definitions.changes import snapshot_of
from carework_core.definitions.model import Consultation, ItemRatingQuestion
from carework_core.env import Env, audit
from carework_core.errors import ExportRefused
from carework_core.report.ranking import rank_round
from carework_core.report.ranking_sheet import ranking_rows, ranking_sheet
from carework_core.research import codebook as cb
from carework_core.research import workbook_sources as sources
from carework_core.research.changes_sheet import write_changes
from carework_core.research.csv_book import CsvBook, private_file
from carework_core.research.earlier_answers import EARLIER_SHEET, earlier_rows
from carework_core.research.shares_sheet import SHARES_SHEET, share_rows
from carework_core.research.sheets import (
    FORBIDDEN,
    FORMULA_START,
    Column,
    Sheet,
    XlsxBook,
    text_cell,
)
from carework_core.research.workbook_rows import (
    Scope,
    audit_rows,
    item_rows,
    participant_rows,
    stat_rows,
    summary_rows,
    wide_rows,
)
from carework_core.research.workbook_rows import answer_rows as _answer_rows
from carework_core.results.team_scores import team_only, team_scores
from carework_core.rounds.service import opened_snapshots
from carework_core.storage import workbook as stored
from carework_core.storage.db import Database
from carework_core.storage.items import item_kinds, item_texts

FORMATS = {"xlsx": ".xlsx", "csv": ".zip"}
ANSWER_COLUMNS = cb.ANSWER_SHEET.header
ABOUT_SHEET = Sheet("About", (Column("field", "what is described"), Column("value", "its value")))
Book = XlsxBook | CsvBook
_cell = text_cell  # the name other modules imported before the workbook moved to sheets.py
__all__ = [
    "ANSWER_COLUMNS",
    "FORBIDDEN",
    "FORMULA_START",
    "ExportRequest",
    "check_round",
    "export_workbook",
    "write_export",
]


@dataclass(frozen=True)
class ExportRequest:
    """What to write where: the whole consultation, or one round, or answers since a date."""

    path: Path
    round_id: str | None = None
    since: date | None = None
    format: str = "xlsx"
    definition: Path | None = None  # the definition file, named and hashed in About


class Exports:
    """The researchers' workbook, for `carework export` and a coordinator's /export."""

    def __init__(self, env: Env):
        self.env = env

    async def workbook(self, path: str | Path, **options) -> dict[str, int]:
        """Writes the workbook to path (options as export_workbook's); returns how many answers and people."""
        return await export_workbook(self.env, path, **options)


async def export_workbook(
    env: Env,
    path: str | Path,
    *,
    round_id: str | None = None,
    since: date | None = None,
    format: str = "xlsx",
    definition: str | Path | None = None,
    actor: str = "cli",
) -> dict[str, int]:
    """Writes the researchers' workbook off the event loop, noting it in the audit log; returns how many
    answers and participants it holds."""
    request = ExportRequest(
        _target(Path(path), format), round_id, since, format, Path(definition) if definition else None
    )
    check_round(env.consultation, round_id)
    if env.db.path == ":memory:" or env.db.path.startswith("file:"):
        counts = await write_export(env, request)  # no second connection can see such a database
    else:
        counts = await asyncio.to_thread(asyncio.run, _in_own_connection(env, request))
    detail = {"format": format, "file": request.path.name} | ({"since": since.isoformat()} if since else {})
    async with env.db.transaction() as tx:
        await audit(tx, env, actor, "export", round_id or "all", json.dumps(detail | counts))
    return counts


def check_round(consultation: Consultation, round_id: str | None) -> None:
    """Refuses a round the definition does not have, naming the rounds it has."""
    if round_id is not None and round_id not in {r.id for r in consultation.rounds}:
        known = ", ".join(r.id for r in consultation.rounds)
        raise ExportRefused(f"there is no round {round_id!r} to export; rounds are {known}")


async def _in_own_connection(env: Env, request: ExportRequest) -> dict[str, int]:
    db = await Database.open(env.db.path, create=False)
    try:
        return await write_export(Env(db, env.consultation, env.clock), request)
    finally:
        await db.close()


def _target(path: Path, format: str) -> Path:
    """Returns where the export goes, or raises ExportRefused naming the path and the fix."""
    suffix = FORMATS.get(format)
    if suffix is None:
        raise ExportRefused(f"unknown format {format!r}; give xlsx or csv")
    if path.is_dir():
        raise ExportRefused(f"{path} is a folder; give a file name such as {path / ('answers' + suffix)}")
    if path.suffix.lower() != suffix:
        other = "or --format csv for a .zip of csv files" if format == "xlsx" else "for the csv files"
        raise ExportRefused(
            f"{path}: carework writes only {suffix} files here; give a name ending in {suffix} ({other})"
        )
    if not path.parent.is_dir():
        raise ExportRefused(f"{path}: the folder {path.parent} does not exist; create it or choose another")
    return path


async def write_export(env: Env, request: ExportRequest) -> dict[str, int]:
    """Writes every sheet with the connection in `env` (call it in a worker thread for a large database)."""
    c = env.consultation
    async with env.db.reading() as tx:
        snaps = {r.id: snapshot_of(c, r) for r in c.rounds} | await opened_snapshots(tx)
    opened = await _opened(env)
    rated = [rid for rid, s in snaps.items() if _rates_items(s) and rid in opened]
    stats = {rid: found for rid in rated if (found := await sources.round_stats(env, rid)) is not None}
    since = iso(datetime.combine(request.since, time(), c.zone)) if request.since else None
    scope = Scope(c, snaps, request.round_id, since)
    with private_file(request.path, "the export") as handle:
        book: Book = XlsxBook() if request.format == "xlsx" else CsvBook(handle)
        try:
            async with env.db.reading() as tx:
                counts, sheets = await _sheets(book, tx, scope, stats)
            if isinstance(book, CsvBook):  # the change between rounds, a table for R, SPSS and Stata
                sheets.append(await write_changes(book, env, request.round_id, stats))
            _about(book, env, request, counts, sheets)
            book.save(handle)
        finally:
            book.discard()
    return counts


async def _opened(env: Env) -> set[str]:
    async with env.db.reading() as tx:
        return set(await opened_snapshots(tx))


def _rates_items(snap: Any) -> bool:
    return any(isinstance(q, ItemRatingQuestion) for q in snap.round.questions)


async def _sheets(book: Book, tx: Any, scope: Scope, stats: dict) -> tuple[dict[str, int], list[Sheet]]:
    """Writes the data sheets in order; returns the counts and every sheet written, for the codebook."""
    c = scope.consultation
    rounds = [rid for rid in scope.snaps if scope.round_id in (None, rid)]
    texts = await item_texts(tx)
    reasons: dict = {}
    for rid in rounds:
        reasons |= await sources.reasons(tx, rid)
    people = cb.participant_sheet(c)
    counts = {"participants": await _put(book, people, participant_rows(tx, scope))}
    voices = await voice_cells(tx, scope.round_id)
    counts["answers"] = await _put(book, cb.ANSWER_SHEET, _answer_rows(tx, scope, texts, reasons, voices))
    await _put(book, EARLIER_SHEET, earlier_rows(tx, scope, voices))  # changed answers' earlier versions
    await _put(book, SHARES_SHEET, await share_rows(tx, scope))  # the items each person was given to rate
    written = [people, cb.ANSWER_SHEET, EARLIER_SHEET, SHARES_SHEET, cb.answer_codes([scope.snaps[r] for r in rounds])]
    answered = set(await stored.answered_rounds(tx))
    loaded = await stored.loaded_items(tx)
    kinds = {item_set: await item_kinds(tx, item_set) for item_set in {row[0] for row in loaded}}
    for rid in (r for r in rounds if r in answered):
        sheet, slots = cb.wide_sheet(scope.snaps[rid], _item_lists(loaded), kinds)
        await _put(book, sheet, wide_rows(tx, scope, rid, slots))
        written.append(sheet)
    details = {}
    for item_set in {row[0] for row in loaded}:
        details |= {(item_set, k): v for k, v in (await sources.item_details(tx, item_set)).items()}
    items = cb.item_sheet(c)
    await _put(book, items, item_rows(loaded, details, [k.id for k in c.criteria], tuple(c.languages[1:])))
    sets = {f"{rid}/{q.id}": q.item_set for rid, s in scope.snaps.items() for q in s.round.questions if _is_items(q)}
    team = {}
    for rid in (r for r in rounds if r in stats):
        scores = await team_scores(tx, scope.snaps[rid])
        team[rid] = (scores, team_only(scope.snaps[rid], scores))
    await _put(book, cb.STATS_SHEET, stat_rows({r: s for r, s in stats.items() if r in rounds}, sets, team))
    if isinstance(book, CsvBook):  # for R, SPSS and Stata: the report's ranking, in long format
        terms, groups = c.report.terms(), [g.id for g in c.groups]
        ranked = [rank_round(stats[r], {}, terms, groups, team[r][0]) for r in rounds if r in stats]
        written.append(await _ranking(book, c, ranked))
    await _put(book, cb.SUMMARY_SHEET, summary_rows(await stored.summary_rows(tx), scope))
    codes = await stored.codes_by_id(tx)
    await _put(book, cb.AUDIT_SHEET, audit_rows(await stored.audit_rows(tx, scope.since), codes, scope))
    written += [items, cb.STATS_SHEET, cb.SUMMARY_SHEET, cb.AUDIT_SHEET]
    return counts, written


async def _ranking(book: Book, c: Consultation, ranked: list) -> Sheet:
    sheet = ranking_sheet(c)
    await _put(book, sheet, ranking_rows(ranked))
    return sheet


def _is_items(question: Any) -> bool:
    return isinstance(question, ItemRatingQuestion)


def _item_lists(loaded: list[tuple[str, str, str, int]]) -> dict[str, list[tuple[str, str]]]:
    """Returns each item set's (item id, text) pairs in the set's order."""
    lists: dict[str, list[tuple[str, str]]] = {}
    for item_set, item_id, text, _ in loaded:
        lists.setdefault(item_set, []).append((item_id, text))
    return lists


async def _put(book: Book, spec: Sheet, rows: AsyncIterator[list[Any]] | Iterable[list[Any]]) -> int:
    """Writes one sheet; returns its data rows."""
    sheet = book.sheet(spec)
    count = 0
    if isinstance(rows, AsyncIterator):
        async for row in rows:
            sheet.append(row)
            count += 1
    else:
        for row in rows:
            sheet.append(row)
            count += 1
    sheet.close()
    return count


def _about(book: Book, env: Env, request: ExportRequest, counts: dict[str, int], sheets: list[Sheet]) -> None:
    """Writes About (and, in the csv zip, codebook.csv); in the workbook About comes first with the codebook."""
    c = env.consultation
    facts = [
        ["consultation", f"{c.title} ({c.id})"],
        ["definition_file", str(request.definition) if request.definition else "not given"],
        ["definition_sha256", _sha256(request.definition)],
        ["exported_at", env.clock.now().astimezone(c.zone).replace(tzinfo=None)],
        ["time_zone", f"{c.timezone}: every time in this export is local time there"],
        ["filter_round", request.round_id or "all rounds"],
        ["filter_since", request.since.isoformat() if request.since else "from the start"],
        ["answers", counts["answers"]],
        ["participants", counts["participants"]],
        ["forbidden_characters_dropped", book.cleaning.dropped],
        ["texts_continued_in_next_cell", book.cleaning.continued],
        *([["csv_formula_like_texts_quoted", book.cleaning.quoted]] if isinstance(book, CsvBook) else []),
        ["sheets", "; ".join(book.cleaning.sheets)],
        ["not_sure_code", f"{cb.NOT_SURE_CODE} in the round sheets; not_sure in Answers"],
        ["dont_know_code", f"{cb.DONT_KNOW_CODE} in the round sheets (I don't know this idea); dont_know in Answers"],
    ]
    codebook = cb.codebook_rows([ABOUT_SHEET, *sheets])
    about = book.sheet(ABOUT_SHEET)
    for row in facts:
        about.append(row)
    if isinstance(book, XlsxBook):
        about.append([])
        about.append(cb.CODEBOOK_SHEET.header)
        for row in codebook:
            about.append(row)
        about.close()
        book.book.move_sheet(ABOUT_SHEET.title, offset=-book.book.sheetnames.index(ABOUT_SHEET.title))
        return
    about.close()
    sheet = book.sheet(cb.CODEBOOK_SHEET)
    for row in codebook:
        sheet.append(row)
    sheet.close()


def _sha256(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"could not read it: {exc.strerror or exc}"
