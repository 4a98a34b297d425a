"""Raw updates, stored durably before Telegram is told they arrived, then worked off in order.

Telegram's update ids restart (after a week without updates, or when a self-hosted Bot API server
restarts), so each stored update gets its own receipt number, unique for good; an update id
marks a redelivery only while Telegram has not yet been told we hold it (unconfirmed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from carework_core.clock import iso
from carework_core.env import Env
from carework_core.messaging.messages import InboxStatus, StoredUpdate
from carework_core.storage import inbox as stored
from carework_core.storage.db import Tx
from carework_core.storage.state import read_state, write_state
from carework_core.storage.work import current_unit

__all__ = ["Inbox", "InboxStatus", "StoredUpdate", "storable"]

SQLITE_INTEGERS = range(-(2**63), 2**63)
MODE_KEY = "intake_mode"  # "webhook" while updates taken by webhook may be unconfirmed (see `after_webhook`)


def storable(update_id: int) -> bool:
    """Says whether SQLite can hold this update id; one it cannot is set aside as it arrives."""
    return update_id in SQLITE_INTEGERS


class Inbox:
    def __init__(self, env: Env):
        self.env = env
        self._arrived: dict[int, str] = {}  # receipt -> when it arrived, of each update being processed

    async def store(self, updates: list[StoredUpdate], confirmed: int | None = None) -> int:
        """Stores updates (one redelivered before we confirmed it is ignored); returns how many are new.

        `confirmed`, when given, is the offset Telegram was sent when it sent these: recorded first,
        in the same transaction (see `confirmed`)."""
        async with self.env.db.transaction() as tx:
            return await self._store(tx, updates, confirmed)

    async def take_in(
        self, updates: list[StoredUpdate], confirmed: int | None, limit: int, after: int
    ) -> list[StoredUpdate]:
        """Stores updates as `store` does and returns, from the same transaction, the unfinished ones as
        `unfinished(limit, after)` would: the intake's whole turn with the database."""
        async with self.env.db.transaction() as tx:
            await self._store(tx, updates, confirmed)
            return await stored.unfinished_updates(tx, limit, after) if limit > 0 else []

    async def _store(self, tx: Tx, updates: list[StoredUpdate], confirmed: int | None) -> int:
        added = 0
        if confirmed is not None:
            await stored.confirm_up_to(tx, min(confirmed - 1, SQLITE_INTEGERS[-1]))
        for u in updates:
            now = self.env.stamp()
            if not storable(u.update_id):
                await stored.add_set_aside(tx, u, now, f"update id {u.update_id} is too large to store")
            elif await stored.add_update(tx, u, now):
                added += 1
        return added

    @asynccontextmanager
    async def processing(self, update: StoredUpdate) -> AsyncIterator[None]:
        """Runs the block, one stored update's handling, as one unit of work that also marks it done:
        the guard's reads, the core action, the replies it queues and the mark commit together, or
        (when the block raises) none of them, and the update is replayed."""
        self._arrived[update.receipt] = update.received_at
        try:
            async with self.env.db.unit() as unit:
                yield
                unit.at_commit(self._done(update.receipt))
        finally:
            self._arrived.pop(update.receipt, None)

    def _done(self, receipt: int) -> Callable[[Tx], Awaitable[None]]:
        async def mark(tx: Tx) -> None:
            await stored.mark_update(tx, receipt, InboxStatus.DONE, self.env.stamp(), None, forget=True)

        return mark

    async def let_go(self) -> None:
        """Commits the work of the update being processed so far, before its handler waits on something
        outside (Telegram, the sender's records), so nothing else waits for the database meanwhile."""
        unit = current_unit(self.env.db)
        if unit is not None:
            await unit.let_go()

    async def received_at(self, receipt: int) -> str | None:
        """Returns when an update still being processed arrived, by its receipt (the update_id handlers
        see), or None when none such is stored."""
        if receipt in self._arrived:
            return self._arrived[receipt] or None
        async with self.env.db.reading() as tx:
            return await stored.received_at(tx, receipt)

    async def next_offset(self) -> int | None:
        """Returns the getUpdates offset that confirms what is stored but unconfirmed, or None."""
        async with self.env.db.reading() as tx:
            newest = await stored.newest_unconfirmed(tx)
        return None if newest is None else newest + 1

    async def confirmed(self, offset: int) -> None:
        """Records that Telegram was sent this offset, so it dropped every update below it."""
        async with self.env.db.transaction() as tx:
            await stored.confirm_up_to(tx, min(offset - 1, SQLITE_INTEGERS[-1]))

    async def taking_by_webhook(self, on: bool) -> None:
        """Records whether updates now come by webhook (on) or by polling that has fetched all Telegram held."""
        async with self.env.db.transaction() as tx:
            await write_state(tx, MODE_KEY, "webhook" if on else "polling")

    async def after_webhook(self) -> bool:
        """Says whether updates came by webhook since polling last fetched everything Telegram held.

        A webhook takes a chat's updates in order but different chats' side by side, so while one chat's
        update was still being sent again, a later one of another chat may be stored; the stored ids then
        say nothing of what Telegram still holds, and polling must start without an offset."""
        async with self.env.db.reading() as tx:
            return await read_state(tx, MODE_KEY) == "webhook"

    async def confirm_delivered(self, keep_hours: float) -> int:
        """Records as confirmed the updates received more than keep_hours ago (webhook mode; Telegram keeps
        an undelivered update a day at most, and restarts ids only after a week); returns how many."""
        cutoff = iso(self.env.clock.now() - timedelta(hours=keep_hours))
        async with self.env.db.transaction() as tx:
            return await stored.confirm_received_before(tx, cutoff)

    async def unfinished(self, limit: int = 100, after: int = 0) -> list[StoredUpdate]:
        """Returns stored updates not yet processed, received after receipt `after`, in the order they arrived."""
        async with self.env.db.reading() as tx:
            return await stored.unfinished_updates(tx, limit, after)

    async def finish(self, receipt: int) -> None:
        """Marks an update processed and forgets its content (names, text): only its id is kept."""
        await self._mark(receipt, InboxStatus.DONE, None)

    async def set_aside(self, receipt: int, reason: str) -> None:
        """Marks an update that cannot be processed, so it never blocks the ones after it."""
        await self._mark(receipt, InboxStatus.SET_ASIDE, reason[:500])

    async def forget_set_aside(self, keep_days: float) -> int:
        """Forgets the content of updates set aside more than keep_days ago; returns how many."""
        cutoff = iso(self.env.clock.now() - timedelta(days=keep_days))
        async with self.env.db.transaction() as tx:
            return await stored.forget_set_aside_before(tx, cutoff)

    async def checkpoint(self) -> None:
        """Moves written pages into the database file and empties the WAL, where raw text would linger."""
        await self.env.db.checkpoint()

    async def counts(self) -> dict[InboxStatus, int]:
        """Returns how many stored updates are in each status."""
        async with self.env.db.reading() as tx:
            return await stored.count_updates(tx)

    async def _mark(self, receipt: int, status: InboxStatus, error: str | None) -> None:
        # A set-aside update keeps its content for a few days, for diagnosis (forget_set_aside).
        async with self.env.db.transaction() as tx:
            await stored.mark_update(tx, receipt, status, self.env.stamp(), error, forget=status is InboxStatus.DONE)
