"""The inbox table: raw updates as they arrived, each with its own receipt number."""

from __future__ import annotations

from carework_core.messaging.messages import InboxStatus, StoredUpdate
from carework_core.storage.db import Tx


async def add_update(tx: Tx, update: StoredUpdate, received_at: str) -> bool:
    """Stores a new update, waiting to be processed; returns False for a copy of one not yet confirmed."""
    receipt = await tx.insert(
        "INSERT OR IGNORE INTO inbox (update_id, kind, payload, status, received_at) VALUES (?, ?, ?, ?, ?)",
        (update.update_id, update.kind, update.payload, InboxStatus.NEW, received_at),
    )
    return receipt is not None


async def add_set_aside(tx: Tx, update: StoredUpdate, received_at: str, reason: str) -> None:
    """Stores an update already set aside and confirmed, without its (unstorable) update id."""
    await tx.execute(
        "INSERT INTO inbox (update_id, kind, payload, status, confirmed, received_at, processed_at, error)"
        " VALUES (NULL, ?, ?, ?, 1, ?, ?, ?)",
        (update.kind, update.payload, InboxStatus.SET_ASIDE, received_at, received_at, reason),
    )


async def newest_unconfirmed(tx: Tx) -> int | None:
    """Returns the highest update id stored but not yet confirmed to Telegram, or None."""
    row = await tx.fetchone("SELECT MAX(update_id) FROM inbox WHERE confirmed = 0")
    return row[0] if row else None


async def confirm_up_to(tx: Tx, update_id: int) -> None:
    """Records that Telegram dropped every update up to this id."""
    await tx.execute("UPDATE inbox SET confirmed = 1 WHERE confirmed = 0 AND update_id <= ?", (update_id,))


async def confirm_received_before(tx: Tx, cutoff: str) -> int:
    """Records as confirmed every update received before cutoff (webhook mode: Telegram sends none again)."""
    cursor = await tx.execute("UPDATE inbox SET confirmed = 1 WHERE confirmed = 0 AND received_at < ?", (cutoff,))
    return cursor.rowcount


async def unfinished_updates(tx: Tx, limit: int, after: int = 0) -> list[StoredUpdate]:
    """Returns stored updates not yet processed, received after receipt `after`, in the order they arrived."""
    rows = await tx.fetchall(
        "SELECT update_id, payload, kind, id, received_at FROM inbox WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
        (InboxStatus.NEW, after, limit),
    )
    return [StoredUpdate(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def received_at(tx: Tx, receipt: int) -> str | None:
    """Returns when an unprocessed update arrived, by its receipt."""
    row = await tx.fetchone("SELECT received_at FROM inbox WHERE status = ? AND id = ?", (InboxStatus.NEW, receipt))
    return row[0] if row else None


async def mark_update(
    tx: Tx, receipt: int, status: InboxStatus, processed_at: str, error: str | None, forget: bool
) -> None:
    """Records how an update's processing ended; forget empties its content."""
    await tx.execute(
        "UPDATE inbox SET status = ?, processed_at = ?, error = ?, payload = CASE WHEN ? THEN '' ELSE payload END"
        " WHERE id = ?",
        (status, processed_at, error, forget, receipt),
    )


async def forget_set_aside_before(tx: Tx, cutoff: str) -> int:
    """Empties the content of updates set aside before cutoff; returns how many."""
    cursor = await tx.execute(
        "UPDATE inbox SET payload = '' WHERE status = ? AND payload != '' AND processed_at < ?",
        (InboxStatus.SET_ASIDE, cutoff),
    )
    return cursor.rowcount


async def count_updates(tx: Tx) -> dict[InboxStatus, int]:
    """Returns how many stored updates are in each status."""
    rows = await tx.fetchall("SELECT status, COUNT(*) FROM inbox GROUP BY status")
    return {InboxStatus(r[0]): r[1] for r in rows}
