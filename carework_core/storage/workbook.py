"""What the researchers' workbook reads: answers, people, consents, items, summaries and the audit log.

Everything is keyed by pseudonymous codes; the telegram_identities table is never read here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from carework_core.storage.db import Tx


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer with its id, its participant's code and group."""

    id: int
    code: str
    group_id: str
    round_id: str
    question_id: str
    item_id: str | None
    criterion_id: str | None
    value: str
    created_at: str


@dataclass(frozen=True)
class PersonRow:
    """A registered participant as research sees them."""

    id: int
    code: str
    group_id: str
    language: str | None  # the language they chose with /language, else the one their Telegram app reported
    joined_at: str
    consented_at: str | None
    status: str
    reachable: bool
    paused: bool = False  # /pause: no reminders, announcements or summaries


@dataclass(frozen=True)
class AuditRow:
    at: str
    actor: str
    action: str
    subject: str
    detail: str


@dataclass(frozen=True)
class SummaryRow:
    round_id: str
    status: str
    approved_by: str | None
    approved_at: str | None
    sent_at: str | None


def _answer_filter(round_id: str | None, since: str | None) -> tuple[str, list[str]]:
    where, params = [], []
    if round_id is not None:
        where.append("a.round_id = ?")
        params.append(round_id)
    if since is not None:
        where.append("a.created_at >= ?")
        params.append(since)
    return (" WHERE " + " AND ".join(where) if where else ""), params


async def answer_rows(tx: Tx, round_id: str | None = None, since: str | None = None) -> AsyncIterator[AnswerRow]:
    """Yields answers in the order given, a page at a time; `since` is a stored time, inclusive."""
    where, params = _answer_filter(round_id, since)
    sql = (
        "SELECT a.id, p.code, p.group_id, a.round_id, a.question_id, a.item_id, a.criterion_id, a.value,"
        f" a.created_at FROM answers a JOIN participants p ON p.id = a.participant_id{where} ORDER BY a.id"
    )
    async for row in tx.iterate(sql, params, size=2000):
        yield AnswerRow(*row)


async def answers_by_person(tx: Tx, round_id: str, since: str | None = None) -> AsyncIterator[AnswerRow]:
    """Yields a round's answers person by person (in joining order), each person's in the order given."""
    where, params = _answer_filter(round_id, since)
    sql = (
        "SELECT a.id, p.code, p.group_id, a.round_id, a.question_id, a.item_id, a.criterion_id, a.value,"
        f" a.created_at FROM answers a JOIN participants p ON p.id = a.participant_id{where}"
        " ORDER BY a.participant_id, a.id"
    )
    async for row in tx.iterate(sql, params, size=2000):
        yield AnswerRow(*row)


async def answered_rounds(tx: Tx) -> list[str]:
    """Returns the rounds that have at least one answer."""
    return [r[0] for r in await tx.fetchall("SELECT DISTINCT round_id FROM answers ORDER BY round_id")]


async def people(tx: Tx) -> AsyncIterator[PersonRow]:
    """Yields every registered participant (one with a code), in joining order."""
    sql = (
        "SELECT id, code, group_id, COALESCE(chosen_language, language), created_at, consented_at, status,"
        " reachable, paused_at IS NOT NULL FROM participants WHERE code IS NOT NULL ORDER BY id"
    )
    async for row in tx.iterate(sql):
        yield PersonRow(*row[:7], bool(row[7]), bool(row[8]))


async def consent_choices(tx: Tx) -> dict[int, dict[str, tuple[bool, str, str | None]]]:
    """Returns each participant's consent answers: statement id -> (agreed, when, wording version), by participant id."""
    found: dict[int, dict[str, tuple[bool, str, str | None]]] = {}
    for pid, statement, agreed, at, wording in await tx.fetchall(
        "SELECT participant_id, statement_id, agreed, at, wording FROM consents"
    ):
        found.setdefault(pid, {})[statement] = (bool(agreed), at, wording)
    return found


async def codes_by_id(tx: Tx) -> dict[int, str]:
    """Returns every registered participant's code by their internal id (to name audit actors)."""
    return {r[0]: r[1] for r in await tx.fetchall("SELECT id, code FROM participants WHERE code IS NOT NULL")}


async def audit_rows(tx: Tx, since: str | None = None) -> list[AuditRow]:
    """Returns the audit log, oldest first, from `since` when given."""
    sql = "SELECT at, actor, action, subject, detail FROM audit_log"
    rows = await tx.fetchall(
        sql + (" WHERE at >= ? ORDER BY id" if since else " ORDER BY id"), [since] if since else []
    )
    return [AuditRow(*r) for r in rows]


async def loaded_items(tx: Tx) -> list[tuple[str, str, str, int]]:
    """Returns every loaded item as (item set, item id, text, position), set by set in order."""
    rows = await tx.fetchall("SELECT item_set, item_id, text, position FROM items ORDER BY item_set, position")
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def summary_rows(tx: Tx) -> list[SummaryRow]:
    """Returns each round's summary status; empty while the summaries table (migration 10) is absent."""
    found = await tx.fetchone("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'summaries'")
    if not found:
        return []
    sql = "SELECT round_id, status, approved_by, approved_at, sent_at FROM summaries ORDER BY round_id"
    return [SummaryRow(*r) for r in await tx.fetchall(sql)]
