"""Everything held about one person, read for /mydata and removed (or cut loose from them) on /withdraw."""

from __future__ import annotations

import re

from carework_core.messaging.messages import InboxStatus, OutboxStatus
from carework_core.people.model import ParticipantStatus
from carework_core.storage.db import Tx

# Every status, so that the outbox_pending index (status, chat_id, id) finds one chat's rows.
_OUTBOX_STATUSES = tuple(OutboxStatus)
# The rows that hang off a participant, each found by an index led by participant_id.
_OWN_ROWS = (
    "item_shares",
    "progress",
    "participations",
    "reasons",
    "consents",
    "answer_history",
    "pending_changes",
    "summary_digests",
)


async def joined(tx: Tx, participant_id: int) -> tuple[str | None, str, str] | None:
    """Returns a person's code, group id and when they joined."""
    row = await tx.fetchone("SELECT code, group_id, created_at FROM participants WHERE id = ?", (participant_id,))
    return (row[0], row[1], row[2]) if row else None


async def consents_given(tx: Tx, participant_id: int) -> list[tuple[str, bool, str]]:
    """Returns (statement id, agreed, when) of each consent answer, in the order given."""
    rows = await tx.fetchall(
        "SELECT statement_id, agreed, at FROM consents WHERE participant_id = ? ORDER BY at, rowid", (participant_id,)
    )
    return [(r[0], bool(r[1]), r[2]) for r in rows]


async def answers_given(tx: Tx, participant_id: int) -> list[tuple[str, str, str | None, str | None, str]]:
    """Returns (round, question, item, criterion, value) of each answer, oldest first."""
    rows = await tx.fetchall(
        "SELECT round_id, question_id, item_id, criterion_id, value FROM answers WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def reasons_given(tx: Tx, participant_id: int) -> list[tuple[str, str, str, str, str]]:
    """Returns (round, question, item, criterion, text) of each reason typed, oldest first."""
    rows = await tx.fetchall(
        "SELECT round_id, question_id, item_id, criterion_id, text FROM reasons"
        " WHERE participant_id = ? AND text IS NOT NULL ORDER BY id",
        (participant_id,),
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def forget_identity(tx: Tx, participant_id: int, telegram_user_id: int, chat_id: int) -> None:
    """Removes the Telegram identity and every message to or from the person's chat; marks them withdrawn."""
    await tx.execute("DELETE FROM telegram_identities WHERE participant_id = ?", (participant_id,))
    marks = ",".join("?" * len(_OUTBOX_STATUSES))
    await tx.execute(f"DELETE FROM outbox WHERE status IN ({marks}) AND chat_id = ?", (*_OUTBOX_STATUSES, chat_id))
    await tx.execute("DELETE FROM outbox WHERE participant_id = ?", (participant_id,))
    await _forget_set_aside(tx, telegram_user_id)
    await tx.execute(
        "UPDATE participants SET status = ?, reachable = 0 WHERE id = ?", (ParticipantStatus.WITHDRAWN, participant_id)
    )


async def _forget_set_aside(tx: Tx, telegram_user_id: int) -> None:
    # Processed updates keep no content already; only set-aside ones (kept for diagnosis) may name the person.
    rows = await tx.fetchall(
        "SELECT id, payload FROM inbox WHERE status = ? AND payload != ''", (InboxStatus.SET_ASIDE,)
    )
    theirs = re.compile(rf"(?<!\d){telegram_user_id}(?!\d)")
    hits = [(r[0],) for r in rows if theirs.search(r[1])]
    await tx.executemany("UPDATE inbox SET payload = '' WHERE id = ?", hits)


async def erase_answers(tx: Tx, participant_id: int) -> None:
    """Deletes the person's answers (with their details and the synthesis' links to them), progress,
    participations, reasons, consents."""
    await tx.execute(
        "DELETE FROM item_sources WHERE answer_id IN (SELECT id FROM answers WHERE participant_id = ?)",
        (participant_id,),
    )
    await tx.execute(
        "DELETE FROM answer_details WHERE answer_id IN (SELECT id FROM answers WHERE participant_id = ?)",
        (participant_id,),
    )
    await tx.execute("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
    for table in _OWN_ROWS:
        await tx.execute(f"DELETE FROM {table} WHERE participant_id = ?", (participant_id,))


async def drafted_summaries(tx: Tx) -> list[str]:
    """Returns the rounds whose summary is still a draft (which may quote anyone who agreed to it)."""
    return [r[0] for r in await tx.fetchall("SELECT round_id FROM summaries WHERE status = 'draft' ORDER BY round_id")]


async def forget_idle_ids(tx: Tx, cutoff: str) -> int:
    """Deletes the identities of people who declined before cutoff, then every message queued before
    cutoff and no longer to be sent to a chat that is no participant's or coordinator's; returns how many."""
    declined = await tx.execute(
        "DELETE FROM telegram_identities WHERE participant_id IN (SELECT p.id FROM participants p"
        " WHERE p.status = ? AND COALESCE((SELECT MAX(c.at) FROM consents c WHERE c.participant_id = p.id),"
        " p.created_at) < ?)",
        (ParticipantStatus.DECLINED, cutoff),
    )
    messages = await tx.execute(
        "DELETE FROM outbox WHERE status <> ? AND created_at < ?"
        " AND chat_id NOT IN (SELECT chat_id FROM telegram_identities)"
        " AND chat_id NOT IN (SELECT chat_id FROM coordinators WHERE removed_at IS NULL)",
        (OutboxStatus.PENDING, cutoff),
    )
    return declined.rowcount + messages.rowcount
