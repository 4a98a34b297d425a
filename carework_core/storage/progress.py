"""Counts behind the coordinators' progress report: who was invited to, started and finished a round."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.storage.db import Tx


@dataclass(frozen=True)
class GroupCounts:
    """One stakeholder group's numbers for one round."""

    group_id: str
    invited: int
    started: int
    finished: int
    unreachable: int  # consented, but the bot cannot reach them (they blocked it)
    paused: int = 0  # sent /pause: no reminders, announcements or summaries


async def group_counts(tx: Tx, round_id: str) -> dict[str, GroupCounts]:
    """Returns each group's invited, started, finished, unreachable and paused counts for a round, by group id."""
    rows = await tx.fetchall(
        "SELECT p.group_id,"
        " COUNT(x.invited_at), COUNT(x.started_at), COUNT(x.finished_at),"
        " SUM(CASE WHEN p.reachable = 0 THEN 1 ELSE 0 END), COUNT(p.paused_at)"
        " FROM participants p LEFT JOIN participations x ON x.participant_id = p.id AND x.round_id = ?"
        " WHERE p.status = 'consented' GROUP BY p.group_id",
        (round_id,),
    )
    return {r[0]: GroupCounts(r[0], r[1], r[2], r[3], r[4] or 0, r[5]) for r in rows}


async def keep_figures(tx: Tx, round_id: str, groups: list[str]) -> None:
    """Stores a round's figures per group as they are now (when it closes), in place of any kept before."""
    found = await group_counts(tx, round_id)
    await drop_figures(tx, round_id)
    for g in groups:
        c = found.get(g, GroupCounts(g, 0, 0, 0, 0))
        await tx.execute(
            "INSERT INTO round_figures (round_id, group_id, invited, started, finished, unreachable, paused)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (round_id, g, c.invited, c.started, c.finished, c.unreachable, c.paused),
        )


async def drop_figures(tx: Tx, round_id: str) -> None:
    """Forgets the figures a round closed with (it has opened again)."""
    await tx.execute("DELETE FROM round_figures WHERE round_id = ?", (round_id,))


async def kept_figures(tx: Tx, round_id: str) -> dict[str, GroupCounts]:
    """Returns the figures a closed round kept per group, by group id (empty if it kept none)."""
    rows = await tx.fetchall(
        "SELECT group_id, invited, started, finished, unreachable, paused FROM round_figures WHERE round_id = ?",
        (round_id,),
    )
    return {r[0]: GroupCounts(*r) for r in rows}


async def finishers(tx: Tx, round_id: str) -> dict[int, str]:
    """Returns the group of each person taking part who finished a round, by participant id."""
    rows = await tx.fetchall(
        "SELECT p.id, p.group_id FROM participations x JOIN participants p ON p.id = x.participant_id"
        " WHERE x.round_id = ? AND x.finished_at IS NOT NULL AND p.status = 'consented'",
        (round_id,),
    )
    return {r[0]: r[1] for r in rows}
