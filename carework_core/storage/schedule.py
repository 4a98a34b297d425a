"""The schedule's tables: coordinators' plan changes, the log of scheduled actions, and who a
reminder is for."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.clock import iso, parse_iso
from carework_core.people.model import Participant
from carework_core.rounds.schedule import ChangeKind, PlanChange
from carework_core.storage.db import Tx
from carework_core.storage.participants import PARTICIPANT_COLUMNS, participant_from_row
from carework_core.storage.rounds import NOTIFIED_SQL


@dataclass(frozen=True)
class LoggedAction:
    key: str
    round_id: str
    action: str
    due_at: str
    outcome: str
    recipients: int
    done_at: str


async def plan_changes(tx: Tx) -> list[PlanChange]:
    """Returns every plan change, oldest first."""
    rows = await tx.fetchall("SELECT round_id, kind, at, number, actor, made_at FROM plan_changes ORDER BY id")
    return [
        PlanChange(r[0], ChangeKind(r[1]), parse_iso(r[2]) if r[2] else None, r[3], r[4], parse_iso(r[5])) for r in rows
    ]


async def add_plan_change(tx: Tx, change: PlanChange, made_at: str) -> None:
    """Stores a coordinator's change to a round's plan."""
    await tx.execute(
        "INSERT INTO plan_changes (round_id, kind, number, at, actor, made_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            change.round_id,
            change.kind.value,
            change.number,
            iso(change.at) if change.at else None,
            change.actor,
            made_at,
        ),
    )


async def done_keys(tx: Tx) -> frozenset[str]:
    """Returns the key of every scheduled action taken or skipped."""
    return frozenset(r[0] for r in await tx.fetchall("SELECT key FROM schedule_log"))


async def log_action(
    tx: Tx, key: str, round_id: str, action: str, due_at: str, outcome: str, done_at: str, recipients: int = 0
) -> bool:
    """Records a scheduled action; returns False (and records nothing) if it was recorded before."""
    row_id = await tx.insert(
        "INSERT OR IGNORE INTO schedule_log (key, round_id, action, due_at, outcome, recipients, done_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (key, round_id, action, due_at, outcome, recipients, done_at),
    )
    return row_id is not None


async def logged_actions(tx: Tx) -> list[LoggedAction]:
    """Returns the schedule's log, oldest first."""
    rows = await tx.fetchall(
        "SELECT key, round_id, action, due_at, outcome, recipients, done_at FROM schedule_log ORDER BY rowid"
    )
    return [LoggedAction(*r) for r in rows]


async def unfinished_invited(
    tx: Tx, round_id: str, reminded_by: str | None = None
) -> list[tuple[Participant, int, bool]]:
    """Returns reachable consented people, not paused, invited to a round who have not finished it (and,
    given reminded_by, not reminded about it after that time), with the number of its questions each has
    finished and whether they have started."""
    rows = await tx.fetchall(
        "SELECT q.*, (SELECT COUNT(*) FROM progress g WHERE g.participant_id = q.id AND g.round_id = ?1),"
        " (SELECT x.started_at IS NOT NULL FROM participations x WHERE x.participant_id = q.id AND x.round_id = ?1)"
        " FROM ("
        + NOTIFIED_SQL
        + " AND EXISTS (SELECT 1 FROM participations x WHERE x.participant_id = p.id AND x.round_id = ?1"
        " AND x.invited_at IS NOT NULL AND x.finished_at IS NULL"
        " AND (?2 IS NULL OR x.reminded_at IS NULL OR x.reminded_at <= ?2))) q ORDER BY q.id",
        (round_id, reminded_by),
    )
    n = PARTICIPANT_COLUMNS
    return [(participant_from_row(r), r[n], bool(r[n + 1])) for r in rows]


async def mark_reminded(tx: Tx, round_id: str, participant_ids: list[int], at: str) -> None:
    """Records that these people were reminded about a round now."""
    await tx.executemany(
        "UPDATE participations SET reminded_at = ? WHERE round_id = ? AND participant_id = ?",
        [(at, round_id, pid) for pid in participant_ids],
    )


async def reminded_after(tx: Tx, round_id: str, since: str) -> list[str]:
    """Returns when each person still waiting in a round was reminded, for those reminded after `since`."""
    rows = await tx.fetchall(
        "SELECT reminded_at FROM participations WHERE round_id = ? AND reminded_at > ?"
        " AND invited_at IS NOT NULL AND finished_at IS NULL ORDER BY reminded_at",
        (round_id, since),
    )
    return [r[0] for r in rows]
