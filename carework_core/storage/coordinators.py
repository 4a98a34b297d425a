"""The consultation team: coordinators, the links that make someone one, and announcements."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from carework_core.storage.db import Row, Tx
from carework_core.storage.rounds import NOTIFIED_SQL


@dataclass(frozen=True)
class Announcement:
    id: int
    coordinator_id: int | None
    audience: str  # a group id, or "all"
    text: str | None
    status: str  # awaiting_text, ready, sent, cancelled
    recipients: int
    send_after: str | None = None  # confirmed in quiet hours: ready until then (UTC)

    @property
    def actor(self) -> str:
        """Returns how the audit log names whoever wrote it (the CLI's have no coordinator)."""
        return f"coordinator:{self.coordinator_id}" if self.coordinator_id is not None else "cli"


@dataclass(frozen=True)
class TeamMember:
    """A team member, how they joined ("settings": CAREWORK_COORDINATORS or CAREWORK_RESEARCHERS, or
    "invite") and their role: "coordinator" or "researcher"."""

    id: int
    telegram_user_id: int
    added_at: str
    added_by: str
    role: str = "coordinator"


async def coordinator_id(tx: Tx, telegram_user_id: int) -> int | None:
    """Returns the coordinator id behind a Telegram user, if they are on the team."""
    row = await tx.fetchone(
        "SELECT id FROM coordinators WHERE telegram_user_id = ? AND removed_at IS NULL", (telegram_user_id,)
    )
    return row[0] if row else None


async def member_role(tx: Tx, telegram_user_id: int) -> tuple[int, str] | None:
    """Returns the coordinator id and role behind a Telegram user, if they are on the team."""
    row = await tx.fetchone(
        "SELECT id, role FROM coordinators WHERE telegram_user_id = ? AND removed_at IS NULL", (telegram_user_id,)
    )
    return (row[0], row[1]) if row else None


async def team(tx: Tx) -> list[TeamMember]:
    """Returns every coordinator still on the team, in joining order."""
    rows = await tx.fetchall(
        "SELECT id, telegram_user_id, added_at, added_by, role FROM coordinators WHERE removed_at IS NULL ORDER BY id"
    )
    return [TeamMember(*r) for r in rows]


async def set_role(tx: Tx, coordinator: int, role: str) -> None:
    """Gives a team member a new role."""
    await tx.execute("UPDATE coordinators SET role = ? WHERE id = ?", (role, coordinator))


async def remove_coordinator(tx: Tx, coordinator: int, at: str) -> None:
    """Takes a coordinator off the team and forgets their Telegram id, with the messages to their chat
    (unless they also take part); what they had begun is let go."""
    await tx.execute(
        "DELETE FROM outbox WHERE chat_id = (SELECT chat_id FROM coordinators WHERE id = ?)"
        " AND chat_id NOT IN (SELECT chat_id FROM telegram_identities)",
        (coordinator,),
    )
    await tx.execute(
        "UPDATE coordinators SET removed_at = ?, telegram_user_id = -id, chat_id = -id WHERE id = ?", (at, coordinator)
    )
    await tx.execute(
        "UPDATE announcements SET status = 'cancelled' WHERE coordinator_id = ? AND status = 'awaiting_text'",
        (coordinator,),
    )
    await tx.execute("UPDATE summaries SET opening_from = NULL WHERE opening_from = ?", (coordinator,))


async def add_coordinator(
    tx: Tx, telegram_user_id: int, chat_id: int, at: str, by: str, role: str = "coordinator"
) -> int:
    """Records a Telegram user as a team member (once); returns their coordinator id."""
    await tx.execute(
        "INSERT OR IGNORE INTO coordinators (telegram_user_id, chat_id, added_at, added_by, role)"
        " VALUES (?, ?, ?, ?, ?)",
        (telegram_user_id, chat_id, at, by, role),
    )
    found = await coordinator_id(tx, telegram_user_id)
    assert found is not None
    return found


async def add_coordinator_invite(tx: Tx, digest: str, uses: int, at: str, by: str, role: str = "coordinator") -> None:
    """Stores a team invite (making a coordinator or a researcher) by its token hash, usable `uses` times."""
    await tx.execute(
        "INSERT INTO coordinator_invites (token, token_hash, max_uses, created_at, created_by, role)"
        " VALUES ('#' || ?, ?, ?, ?, ?, ?)",
        (digest, digest, uses, at, by, role),
    )


async def _coordinator_invite(tx: Tx, digest: str) -> Row | None:
    row = await tx.fetchone(
        "SELECT id, uses < max_uses AND revoked_at IS NULL, token_hash, role FROM coordinator_invites"
        " WHERE token_hash = ?",
        (digest,),
    )
    return row if row and hmac.compare_digest(row[2], digest) else None


async def is_coordinator_token(tx: Tx, digest: str) -> bool:
    """Says whether a token hash belongs to a coordinator invite."""
    return await _coordinator_invite(tx, digest) is not None


async def use_coordinator_invite(tx: Tx, digest: str) -> str | bool | None:
    """Counts a use of a team token: the role it gives if used, False if used up, None if no such token."""
    row = await _coordinator_invite(tx, digest)
    if row is None:
        return None
    if not row[1]:
        return False
    await tx.execute("UPDATE coordinator_invites SET uses = uses + 1 WHERE id = ?", (row[0],))
    return str(row[3])


async def add_announcement(tx: Tx, coordinator: int | None, audience: str, text: str | None, at: str) -> int:
    """Stores a new announcement, waiting for its text (or ready, when the text is given); returns its id."""
    status = "ready" if text is not None else "awaiting_text"
    await tx.execute(
        "UPDATE announcements SET status = 'cancelled' WHERE coordinator_id IS ? AND status = 'awaiting_text'",
        (coordinator,),
    )
    new = await tx.insert(
        "INSERT INTO announcements (coordinator_id, audience, text, status, created_at) VALUES (?, ?, ?, ?, ?)",
        (coordinator, audience, text, status, at),
    )
    assert new is not None
    return new


async def awaiting_text(tx: Tx, coordinator: int) -> Announcement | None:
    """Returns the coordinator's announcement that waits for its text, if any."""
    row = await tx.fetchone(_ANNOUNCEMENT + " WHERE coordinator_id = ? AND status = 'awaiting_text'", (coordinator,))
    return Announcement(*row) if row else None


async def announcement(tx: Tx, announcement_id: int) -> Announcement | None:
    """Returns an announcement by id."""
    row = await tx.fetchone(_ANNOUNCEMENT + " WHERE id = ?", (announcement_id,))
    return Announcement(*row) if row else None


async def set_announcement(
    tx: Tx, announcement_id: int, status: str, text: str | None = None, recipients: int = 0, at: str | None = None
) -> None:
    """Stores an announcement's new status (and its text, or how many it went to)."""
    await tx.execute(
        "UPDATE announcements SET status = ?, text = COALESCE(?, text), recipients = ?, sent_at = ? WHERE id = ?",
        (status, text, recipients, at, announcement_id),
    )


async def audience(tx: Tx, groups: list[str]) -> list[tuple[int, int]]:
    """Returns (participant id, chat id) of every consented, reachable, unpaused participant of these groups."""
    marks = ",".join("?" for _ in groups)
    rows = await tx.fetchall(NOTIFIED_SQL + f" AND p.group_id IN ({marks}) ORDER BY p.id", groups)
    return [(r[0], r[4]) for r in rows]


_ANNOUNCEMENT = "SELECT id, coordinator_id, audience, text, status, recipients, send_after FROM announcements"


async def hold_announcement(tx: Tx, announcement_id: int, until: str) -> None:
    """Keeps a confirmed announcement ready until `until`, when quiet hours end."""
    await tx.execute("UPDATE announcements SET send_after = ? WHERE id = ?", (until, announcement_id))


async def held_announcements(tx: Tx, now: str) -> list[Announcement]:
    """Returns the confirmed announcements whose quiet hours have ended, oldest first."""
    rows = await tx.fetchall(
        _ANNOUNCEMENT + " WHERE status = 'ready' AND send_after IS NOT NULL AND send_after <= ? ORDER BY id", (now,)
    )
    return [Announcement(*r) for r in rows]


async def team_chats(tx: Tx) -> list[int]:
    """Returns the chat of every coordinator who has used the bot."""
    return [r[0] for r in await tx.fetchall("SELECT chat_id FROM coordinators WHERE removed_at IS NULL ORDER BY id")]
