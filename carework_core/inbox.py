"""Raw updates, stored durably before Telegram is told they arrived, then worked off in order."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.env import Env


@dataclass(frozen=True)
class StoredUpdate:
    update_id: int
    payload: str


class Inbox:
    def __init__(self, env: Env):
        self.env = env

    async def store(self, updates: list[StoredUpdate]) -> int:
        """Stores raw updates (a redelivered one is ignored); returns how many were new."""
        if not updates:
            return 0
        added = 0
        async with self.env.db.transaction() as tx:
            for u in updates:
                row_id = await tx.insert(
                    "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                    (u.update_id, u.payload, self.env.stamp()),
                )
                added += row_id is not None
        return added

    async def next_offset(self) -> int | None:
        """Returns the getUpdates offset that confirms everything stored, or None if nothing is."""
        row = await self.env.db.fetchone("SELECT MAX(update_id) FROM inbox")
        return row[0] + 1 if row and row[0] is not None else None

    async def unfinished(self, limit: int = 100) -> list[StoredUpdate]:
        """Returns stored updates not yet processed, oldest first."""
        rows = await self.env.db.fetchall(
            "SELECT update_id, payload FROM inbox WHERE status = 'new' ORDER BY update_id LIMIT ?", (limit,)
        )
        return [StoredUpdate(r[0], r[1]) for r in rows]

    async def finish(self, update_id: int) -> None:
        """Marks an update processed and forgets its content (names, text): only its id is kept."""
        await self._mark(update_id, "done", None, forget=True)

    async def set_aside(self, update_id: int, reason: str) -> None:
        """Marks an update that cannot be processed, so it never blocks the ones after it."""
        await self._mark(update_id, "set_aside", reason[:500])

    async def counts(self) -> dict[str, int]:
        """Returns how many stored updates are in each status."""
        rows = await self.env.db.fetchall("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        return {r[0]: r[1] for r in rows}

    async def _mark(self, update_id: int, status: str, error: str | None, forget: bool = False) -> None:
        payload = ", payload = ''" if forget else ""
        async with self.env.db.transaction() as tx:
            await tx.execute(
                f"UPDATE inbox SET status = ?, processed_at = ?, error = ?{payload} WHERE update_id = ?",
                (status, self.env.stamp(), error, update_id),
            )
