"""Rounds and participations: each round's status, and who was invited to, started or finished it."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.people.model import Participant
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.storage.db import Tx
from carework_core.storage.participants import PARTICIPANT_COLUMNS, PARTICIPANT_SQL, participant_from_row

PERSON_SQL = PARTICIPANT_SQL + " WHERE p.status = 'consented' AND p.reachable = 1"
# Who hears reminders, announcements and summaries: not those who paused them (invitations use PERSON_SQL).
NOTIFIED_SQL = PERSON_SQL + " AND p.paused_at IS NULL"
# Owed an invitation: never invited, or every invitation so far failed for good (refused, expired,
# or the chat was unreachable) and the person has not started the round some other way.
OWED_INVITATION = """
 AND NOT EXISTS (SELECT 1 FROM participations x WHERE x.participant_id = p.id AND x.round_id = ?1
  AND (x.started_at IS NOT NULL
   OR EXISTS (SELECT 1 FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1 AND o.status IN ('pending', 'sent'))
   OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1)
   OR (SELECT COUNT(*) FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1 AND o.status = 'failed')
      >= ?2))
"""


@dataclass(frozen=True)
class RoundState:
    """A round's stored status and when it last opened and closed."""

    round_id: str
    status: RoundStatus
    opened_at: str | None = None
    closed_at: str | None = None


async def read_round(tx: Tx, round_id: str) -> RoundState:
    """Returns a round's stored state; a round never opened is a draft."""
    row = await tx.fetchone("SELECT status, opened_at, closed_at FROM rounds WHERE round_id = ?", (round_id,))
    return RoundState(round_id, RoundStatus(row[0]), row[1], row[2]) if row else RoundState(round_id, RoundStatus.DRAFT)


async def round_status(tx: Tx, round_id: str) -> RoundStatus:
    """Returns a round's status; a round never opened is a draft."""
    return (await read_round(tx, round_id)).status


async def round_statuses(tx: Tx) -> dict[str, RoundStatus]:
    """Returns the status of every round that has one stored (a round never opened has none: draft)."""
    rows = await tx.fetchall("SELECT round_id, status FROM rounds")
    return {r[0]: RoundStatus(r[1]) for r in rows}


async def save_round_status(tx: Tx, round_id: str, status: RoundStatus, stamp: str) -> None:
    """Stores a round's new status, stamping closed_at when it closes and opened_at otherwise."""
    await tx.execute(
        "INSERT INTO rounds (round_id, status, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (round_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        (round_id, status.value, stamp),
    )
    column = "closed_at" if status == RoundStatus.CLOSED else "opened_at"
    await tx.execute(f"UPDATE rounds SET {column} = ? WHERE round_id = ?", (stamp, round_id))


async def owed_invitations(
    tx: Tx, round_id: str, groups: list[str], max_failed: int, limit: int
) -> list[tuple[Participant, int]]:
    """Returns people of these groups owed an invitation to the round, each with their failed ones counted,
    in id order; only people with a check waiting (invitation_checks) are looked at, not everyone."""
    marks = ",".join(f"?{n}" for n in range(4, 4 + len(groups)))
    rows = await tx.fetchall(
        "SELECT q.*, (SELECT COUNT(*) FROM outbox o WHERE o.participant_id = q.id AND o.round_id = ?1)"
        f" FROM ({PERSON_SQL} AND p.id IN (SELECT c.participant_id FROM invitation_checks c WHERE c.round_id = ?1)"
        f" AND p.group_id IN ({marks}) {OWED_INVITATION}) q ORDER BY q.id LIMIT ?3",
        (round_id, max_failed, limit, *groups),
    )
    return [(participant_from_row(r), r[PARTICIPANT_COLUMNS]) for r in rows]


async def unfinished_not_told(tx: Tx, round_id: str, key_prefix: str, limit: int) -> list[Participant]:
    """Returns people invited to or started on the round, unfinished, not paused, with no outbox row keyed
    prefix + id (a closing notice is news, like an announcement, which /pause holds back); only people
    with a check waiting (closing_checks) are looked at, in id order."""
    rows = await tx.fetchall(
        NOTIFIED_SQL + " AND p.id IN (SELECT c.participant_id FROM closing_checks c WHERE c.round_id = ?1)"
        " AND EXISTS (SELECT 1 FROM participations x WHERE x.participant_id = p.id"
        " AND x.round_id = ?1 AND x.finished_at IS NULL)"
        " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = ?2 || p.id) ORDER BY p.id LIMIT ?3",
        (round_id, key_prefix, limit),
    )
    return [participant_from_row(r) for r in rows]


async def mark_invited(tx: Tx, participant_id: int, round_id: str, stamp: str) -> None:
    """Records that an invitation to the round was queued for the participant."""
    await tx.execute(
        "INSERT INTO participations (participant_id, round_id, invited_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO UPDATE SET invited_at = excluded.invited_at",
        (participant_id, round_id, stamp),
    )
