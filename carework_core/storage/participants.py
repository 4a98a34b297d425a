"""Participants, their Telegram identities, the invites they came through and the consents they gave."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass

from carework_core.people.model import Participant, ParticipantStatus
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage.db import Row, Tx

# Selects the columns of participant_from_row; callers add their own WHERE (rounds use it too).
# PARTICIPANT_COLUMNS counts them, so a query adding its own columns after them reads them from there.
PARTICIPANT_SQL = """
SELECT p.id, p.code, p.group_id, p.status, t.chat_id, p.reachable, COALESCE(p.chosen_language, p.language)
FROM participants p JOIN telegram_identities t ON t.participant_id = p.id
"""

PARTICIPANT_COLUMNS = 7
# An invite's places: a revoked link has none left beyond those already used.
_PLACES = "CASE WHEN i.revoked_at IS NULL THEN i.max_uses ELSE i.uses END"


@dataclass(frozen=True)
class Invite:
    """An invite link's places: `held` counts people still answering the consent questions on it."""

    id: int
    group_id: str
    max_uses: int
    uses: int
    held: int


@dataclass(frozen=True)
class RoundStanding:
    """Where one person stands with one round that has opened."""

    status: RoundStatus
    invited: bool
    started: bool
    finished: bool


@dataclass(frozen=True)
class ParticipantRecord:
    """A registered participant as the researchers' export shows them, keyed by code."""

    code: str
    group_id: str
    status: ParticipantStatus
    consented_at: str | None
    consents: str | None


def participant_from_row(row: Row) -> Participant:
    """Returns the participant held in a row selected with PARTICIPANT_SQL."""
    return Participant(row[0], row[1], row[2], ParticipantStatus(row[3]), row[4], bool(row[5]), row[6])


async def find_participant(tx: Tx, telegram_user_id: int) -> Participant | None:
    """Returns the participant behind a Telegram user, if there is one (read once per transaction until a write)."""
    key = ("participant", telegram_user_id)
    if key not in tx.memo:
        row = await tx.fetchone(PARTICIPANT_SQL + " WHERE t.telegram_user_id = ?", (telegram_user_id,))
        tx.memo[key] = participant_from_row(row) if row else None
    return tx.memo[key]


async def add_participant(
    tx: Tx, telegram_user_id: int, chat_id: int, group_id: str, invite_id: int, language: str | None, at: str
) -> int:
    """Stores a newcomer who has begun the consent questions, with their Telegram identity; returns their id."""
    pid = await tx.insert(
        "INSERT INTO participants (group_id, invite_id, status, language, created_at) VALUES (?, ?, ?, ?, ?)",
        (group_id, invite_id, ParticipantStatus.CONSENTING, language, at),
    )
    await tx.execute(
        "INSERT INTO telegram_identities (participant_id, telegram_user_id, chat_id) VALUES (?, ?, ?)",
        (pid, telegram_user_id, chat_id),
    )
    assert pid is not None
    return pid


async def set_language(tx: Tx, participant_id: int, language: str) -> None:
    """Stores the definition's language a person reads the bot in."""
    await tx.execute("UPDATE participants SET chosen_language = ? WHERE id = ?", (language, participant_id))


async def restart_consent(tx: Tx, participant_id: int, group_id: str, invite_id: int) -> None:
    """Forgets a person's earlier consent answers and begins again through another invite."""
    await tx.execute("DELETE FROM consents WHERE participant_id = ?", (participant_id,))
    await tx.execute(
        "UPDATE participants SET status = ?, group_id = ?, invite_id = ? WHERE id = ?",
        (ParticipantStatus.CONSENTING, group_id, invite_id, participant_id),
    )


async def move_to_invite(tx: Tx, participant_id: int, group_id: str, invite_id: int) -> None:
    """Moves a person to another invite and its group."""
    await tx.execute(
        "UPDATE participants SET group_id = ?, invite_id = ? WHERE id = ?", (group_id, invite_id, participant_id)
    )


async def set_status(tx: Tx, participant_id: int, status: ParticipantStatus) -> None:
    """Stores a person's new status."""
    await tx.execute("UPDATE participants SET status = ? WHERE id = ?", (status, participant_id))


async def mark_consented(tx: Tx, participant_id: int, code: str, at: str) -> None:
    """Registers a person under their pseudonymous code."""
    await tx.execute(
        "UPDATE participants SET status = ?, code = ?, consented_at = ? WHERE id = ?",
        (ParticipantStatus.CONSENTED, code, at, participant_id),
    )


async def set_paused(tx: Tx, participant_id: int, at: str | None) -> bool:
    """Pauses a person's reminders from `at`, or resumes them (None); returns whether anything changed."""
    cursor = await tx.execute(
        "UPDATE participants SET paused_at = ?1 WHERE id = ?2 AND (paused_at IS NULL) = (?1 IS NOT NULL)",
        (at, participant_id),
    )
    return cursor.rowcount > 0


async def mark_reachable(tx: Tx, telegram_user_id: int) -> bool:
    """Marks a Telegram user's participant reachable; returns whether they were not."""
    cursor = await tx.execute(
        "UPDATE participants SET reachable = 1 WHERE reachable = 0"
        " AND id = (SELECT participant_id FROM telegram_identities WHERE telegram_user_id = ?)",
        (telegram_user_id,),
    )
    return cursor.rowcount > 0


async def add_invites(tx: Tx, group_id: str, digests: list[str], uses: int, at: str, actor: str) -> None:
    """Stores new invites for a group by their token hashes, each usable `uses` times."""
    await tx.executemany(
        "INSERT INTO invites (token, token_hash, group_id, max_uses, created_at, created_by)"
        " VALUES ('#' || ?, ?, ?, ?, ?, ?)",
        [(d, d, group_id, uses, at, actor) for d in digests],
    )


async def invite_by_token(tx: Tx, digest: str, newcomer: int = 0) -> Invite | None:
    """Returns the invite behind a token hash; `held` counts consenting people on it other than newcomer."""
    row = await tx.fetchone(
        "SELECT i.id, i.group_id, " + _PLACES + ", i.uses, (SELECT COUNT(*) FROM participants p"
        "  WHERE p.invite_id = i.id AND p.status = ? AND p.id != ?), i.token_hash FROM invites i"
        " WHERE i.token_hash = ?",
        (ParticipantStatus.CONSENTING, newcomer, digest),
    )
    return Invite(*row[:5]) if row and hmac.compare_digest(row[5], digest) else None


async def own_invite(tx: Tx, participant_id: int) -> Invite | None:
    """Returns the invite a person came through; `held` counts consenting people who came before them."""
    row = await tx.fetchone(
        "SELECT i.id, i.group_id, " + _PLACES + ", i.uses, (SELECT COUNT(*) FROM participants p"
        "  WHERE p.invite_id = i.id AND p.status = ? AND p.id < me.id)"
        " FROM invites i JOIN participants me ON me.invite_id = i.id WHERE me.id = ?",
        (ParticipantStatus.CONSENTING, participant_id),
    )
    return Invite(*row) if row else None


async def use_invite(tx: Tx, invite_id: int) -> None:
    """Counts one more registration against an invite."""
    await tx.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite_id,))


async def record_consents(
    tx: Tx, participant_id: int, statements: list[tuple[str, str]], agreed: bool, at: str
) -> None:
    """Stores one answer to each of these (statement id, wording version) consent statements."""
    await tx.executemany(
        "INSERT INTO consents (participant_id, statement_id, agreed, at, wording) VALUES (?, ?, ?, ?, ?)",
        [(participant_id, s, int(agreed), at, v) for s, v in statements],
    )


async def set_consent(tx: Tx, participant_id: int, statement_id: str, agreed: bool, version: str, at: str) -> None:
    """Stores a person's new answer to one consent statement under the wording version shown."""
    await tx.execute(
        "INSERT INTO consents (participant_id, statement_id, agreed, at, wording) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (participant_id, statement_id) DO UPDATE"
        " SET agreed = excluded.agreed, at = excluded.at, wording = excluded.wording",
        (participant_id, statement_id, int(agreed), at, version),
    )


async def consent_versions(tx: Tx, participant_id: int) -> dict[str, str | None]:
    """Returns the wording version of each consent answer a person gave, by statement id (None: unknown)."""
    rows = await tx.fetchall("SELECT statement_id, wording FROM consents WHERE participant_id = ?", (participant_id,))
    return {r[0]: r[1] for r in rows}


async def consents_of(tx: Tx, participant_id: int) -> dict[str, bool]:
    """Returns a person's consent answers by statement id."""
    rows = await tx.fetchall("SELECT statement_id, agreed FROM consents WHERE participant_id = ?", (participant_id,))
    return {r[0]: bool(r[1]) for r in rows}


async def round_standings(tx: Tx, participant_id: int) -> dict[str, RoundStanding]:
    """Returns where a person stands with every round that has opened, by round id."""
    rows = await tx.fetchall(
        "SELECT r.round_id, r.status, x.participant_id IS NOT NULL, x.started_at IS NOT NULL,"
        " x.finished_at IS NOT NULL FROM rounds r"
        " LEFT JOIN participations x ON x.round_id = r.round_id AND x.participant_id = ?",
        (participant_id,),
    )
    return {r[0]: RoundStanding(RoundStatus(r[1]), bool(r[2]), bool(r[3]), bool(r[4])) for r in rows}


async def group_members(tx: Tx) -> dict[str, int]:
    """Returns how many people belong to each group (joining or taking part), by group id."""
    rows = await tx.fetchall(
        "SELECT group_id, COUNT(*) FROM participants WHERE status IN ('consenting', 'consented') GROUP BY group_id"
    )
    return {r[0]: r[1] for r in rows}


async def status_counts(tx: Tx) -> dict[tuple[str, str], int]:
    """Returns how many people stand in each status, by (status, group id)."""
    rows = await tx.fetchall("SELECT status, group_id, COUNT(*) FROM participants GROUP BY status, group_id")
    return {(r[0], r[1]): r[2] for r in rows}


async def registered_count(tx: Tx) -> int:
    """Returns how many people have registered under a code."""
    row = await tx.fetchone("SELECT COUNT(*) FROM participants WHERE code IS NOT NULL")
    return row[0] if row else 0


async def participant_records(tx: Tx) -> AsyncIterator[ParticipantRecord]:
    """Yields every registered participant with their consents ("read=yes; quote=no"), in joining order."""
    sql = (
        "SELECT p.code, p.group_id, p.status, p.consented_at,"
        " (SELECT group_concat(statement_id || '=' || CASE agreed WHEN 1 THEN 'yes' ELSE 'no' END, '; ')"
        "  FROM consents c WHERE c.participant_id = p.id) FROM participants p WHERE p.code IS NOT NULL ORDER BY p.id"
    )
    async for code, group, status, consented_at, consents in tx.iterate(sql):
        yield ParticipantRecord(code, group, ParticipantStatus(status), consented_at, consents)
