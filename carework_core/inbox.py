"""Raw updates, stored durably before Telegram is told they arrived, then worked off in order.

Telegram's update ids restart (after a week without updates, or when a self-hosted Bot API server
restarts), so each stored update gets its own receipt number, unique for good; an update id
marks a redelivery only while Telegram has not yet been told we hold it (unconfirmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from carework_core.clock import iso
from carework_core.env import Env

SQLITE_INTEGERS = range(-(2**63), 2**63)


@dataclass(frozen=True)
class StoredUpdate:
    update_id: int
    payload: str
    kind: str = ""
    receipt: int = 0  # the inbox row's own number; 0 until stored


def storable(update_id: int) -> bool:
    """Says whether SQLite can hold this update id; one it cannot is set aside as it arrives."""
    return update_id in SQLITE_INTEGERS


class Inbox:
    def __init__(self, env: Env):
        self.env = env

    async def store(self, updates: list[StoredUpdate]) -> int:
        """Stores updates (one redelivered before we confirmed it is ignored); returns how many are new."""
        added = 0
        async with self.env.db.transaction() as tx:
            for u in updates:
                now = self.env.stamp()
                if not storable(u.update_id):
                    await tx.execute(
                        "INSERT INTO inbox (update_id, kind, payload, status, confirmed, received_at, processed_at, error)"
                        " VALUES (NULL, ?, ?, 'set_aside', 1, ?, ?, ?)",
                        (u.kind, u.payload, now, now, f"update id {u.update_id} is too large to store"),
                    )
                    continue
                if await tx.fetchone("SELECT 1 FROM inbox WHERE confirmed = 0 AND update_id = ?", (u.update_id,)):
                    continue
                await tx.execute(
                    "INSERT INTO inbox (update_id, kind, payload, received_at) VALUES (?, ?, ?, ?)",
                    (u.update_id, u.kind, u.payload, now),
                )
                added += 1
        return added

    async def next_offset(self) -> int | None:
        """Returns the getUpdates offset that confirms what is stored but unconfirmed, or None."""
        row = await self.env.db.fetchone("SELECT MAX(update_id) FROM inbox WHERE confirmed = 0")
        return row[0] + 1 if row and row[0] is not None else None

    async def confirmed(self, offset: int) -> None:
        """Records that Telegram was sent this offset, so it dropped every update below it."""
        async with self.env.db.transaction() as tx:
            await tx.execute(
                "UPDATE inbox SET confirmed = 1 WHERE confirmed = 0 AND update_id <= ?",
                (min(offset - 1, SQLITE_INTEGERS[-1]),),
            )

    async def unfinished(self, limit: int = 100) -> list[StoredUpdate]:
        """Returns stored updates not yet processed, in the order they arrived."""
        rows = await self.env.db.fetchall(
            "SELECT update_id, payload, kind, id FROM inbox WHERE status = 'new' ORDER BY id LIMIT ?", (limit,)
        )
        return [StoredUpdate(r[0], r[1], r[2], r[3]) for r in rows]

    async def finish(self, receipt: int) -> None:
        """Marks an update processed and forgets its content (names, text): only its id is kept."""
        await self._mark(receipt, "done", None)

    async def set_aside(self, receipt: int, reason: str) -> None:
        """Marks an update that cannot be processed, so it never blocks the ones after it."""
        await self._mark(receipt, "set_aside", reason[:500])

    async def forget_set_aside(self, keep_days: float) -> int:
        """Forgets the content of updates set aside more than keep_days ago; returns how many."""
        cutoff = iso(self.env.clock.now() - timedelta(days=keep_days))
        async with self.env.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE inbox SET payload = '' WHERE status = 'set_aside' AND payload != '' AND processed_at < ?",
                (cutoff,),
            )
            return cursor.rowcount

    async def checkpoint(self) -> None:
        """Moves written pages into the database file and empties the WAL, where raw text would linger."""
        await self.env.db.checkpoint()

    async def counts(self) -> dict[str, int]:
        """Returns how many stored updates are in each status."""
        rows = await self.env.db.fetchall("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        return {r[0]: r[1] for r in rows}

    async def _mark(self, receipt: int, status: str, error: str | None) -> None:
        # A set-aside update keeps its content for a few days, for diagnosis (forget_set_aside).
        payload = ", payload = ''" if status == "done" else ""
        async with self.env.db.transaction() as tx:
            await tx.execute(
                f"UPDATE inbox SET status = ?, processed_at = ?, error = ?{payload} WHERE id = ?",
                (status, self.env.stamp(), error, receipt),
            )
