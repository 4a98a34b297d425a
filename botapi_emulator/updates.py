"""The bot's update queue: confirm-by-offset, long polling, and the one-poller rule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .errors import conflict

FIRST_UPDATE_ID = 600_000_001
# Telegram leaves these out unless allowed_updates names them.
OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = "terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


class UpdateQueue:
    """Holds updates until a getUpdates offset above their id confirms them."""

    def __init__(self) -> None:
        self.pending: list[dict] = []
        self.allowed: list[str] = []
        self._next_id = FIRST_UPDATE_ID
        self._waiter: asyncio.Future[str] | None = None
        self.on_arrival: Callable[[], None] | None = None  # the webhook's delivery, told of each new update

    def push(self, kind: str, payload: dict) -> int | None:
        """Queues an update of this kind unless allowed_updates filters it out."""
        if self.allowed and kind not in self.allowed:
            return None
        if not self.allowed and kind in OPT_IN_TYPES:
            return None
        return self.push_raw({kind: payload})

    def push_raw(self, update: dict) -> int:
        """Queues an update as given, assigning the next update_id if it has none."""
        update = dict(update)
        if not isinstance(update.get("update_id"), int):
            update["update_id"] = self._next_id
        self._next_id = max(self._next_id, update["update_id"] + 1)
        self.pending.append(update)
        self._wake("arrival")
        if self.on_arrival is not None:
            self.on_arrival()
        return update["update_id"]

    def restart_ids(self, next_id: int) -> None:
        """Gives the next update this id, lower or higher, as Telegram does after a quiet week."""
        self._next_id = next_id

    def remove(self, update_id: int) -> None:
        """Forgets one update the webhook answered with 2xx."""
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def webhook_set(self) -> None:
        """Ends a pending long poll with 409, as setWebhook does on Telegram."""
        self._wake("webhook")

    def clear(self) -> None:
        """Forgets every pending update (deleteWebhook with drop_pending_updates)."""
        self.pending.clear()

    def close(self) -> None:
        """Ends a pending long poll with no updates, for shutdown."""
        self._wake("closing")

    async def poll(self, offset: int, limit: int, timeout: float, allowed: list[str] | None) -> list[dict]:
        """Confirms by offset, then returns pending updates, waiting up to timeout for one."""
        self._wake("conflict")
        if allowed is not None:
            self.allowed = allowed
        self._confirm(offset)
        if self.pending or timeout <= 0:
            return self.pending[:limit]
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        try:
            outcome = await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            return []
        finally:
            if self._waiter is waiter:
                self._waiter = None
        if outcome == "conflict":
            raise conflict(CONFLICT)
        if outcome == "webhook":
            raise conflict(WEBHOOK_ACTIVE)
        return self.pending[:limit]

    def _confirm(self, offset: int) -> None:
        if offset > self._next_id:
            return  # past every id given out (ids restarted lower): Telegram ignores such an offset
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            # -N keeps only the last N updates; everything before is forgotten, as on Telegram.
            self.pending = self.pending[offset:]

    def _wake(self, outcome: str) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(outcome)
