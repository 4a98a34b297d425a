"""Messages waiting to be sent. Rows are written in the same transaction as the change that
caused them, and a dedupe key makes queueing the same message twice harmless.

A message is retried for as long as it matters: an invitation while its round is open, any other
message (a reply, an edit) for MESSAGE_LIFETIME after it was queued. After that it is expired,
since a day-old "Saved. Thank you." or a Start button for a closed round only confuses people."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from carework_core.clock import iso
from carework_core.env import Env
from carework_core.storage.db import Tx

MESSAGE_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class OutgoingMessage:
    """One Bot API call to make, e.g. sendMessage with its parameters."""

    chat_id: int
    method: str
    params: dict[str, Any]
    dedupe_key: str | None = None
    participant_id: int | None = None
    round_id: str | None = None  # an invitation to this round matters while the round is open


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    chat_id: int
    method: str
    params: dict[str, Any] = field(hash=False)
    attempts: int
    participant_id: int | None
    wanted: bool = True  # False once it expired or its round is no longer open


class Outbox:
    def __init__(self, env: Env):
        self.env = env

    async def enqueue(self, messages: list[OutgoingMessage]) -> int:
        """Queues messages in their own transaction; returns how many were new."""
        async with self.env.db.transaction() as tx:
            return await self.enqueue_in(tx, messages)

    async def enqueue_in(self, tx: Tx, messages: list[OutgoingMessage]) -> int:
        """Queues messages inside the caller's transaction; returns how many were new."""
        added = 0
        for m in messages:
            expires = None if m.round_id else iso(self.env.clock.now() + MESSAGE_LIFETIME)
            row_id = await tx.insert(
                "INSERT OR IGNORE INTO outbox (chat_id, participant_id, method, payload, dedupe_key, not_before,"
                " created_at, round_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    m.chat_id,
                    m.participant_id,
                    m.method,
                    json.dumps(m.params),
                    m.dedupe_key,
                    self.env.stamp(),
                    self.env.stamp(),
                    m.round_id,
                    expires,
                ),
            )
            added += row_id is not None
        return added

    async def due(self, now: datetime, limit: int) -> list[QueuedMessage]:
        """Returns the oldest pending message of each chat whose time has come, oldest first."""
        rows = await self.env.db.fetchall(
            "SELECT o.id, o.chat_id, o.method, o.payload, o.attempts, o.participant_id,"
            " (o.expires_at IS NULL OR o.expires_at > ?1) AND (o.round_id IS NULL OR EXISTS"
            "  (SELECT 1 FROM rounds r WHERE r.round_id = o.round_id AND r.status = 'open')) FROM outbox o"
            " JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' GROUP BY chat_id) h ON h.id = o.id"
            " WHERE o.not_before <= ?1 ORDER BY o.id LIMIT ?2",
            (iso(now), limit),
        )
        return [QueuedMessage(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows]

    async def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        """Records a message as delivered."""
        await self._update(
            message_id, "status = 'sent', sent_at = ?, message_id = ?", (self.env.stamp(), telegram_message_id)
        )

    async def retry_later(self, message_id: int, not_before: datetime, error: str) -> None:
        """Keeps a message pending until not_before, counting the attempt."""
        await self._update(message_id, "attempts = attempts + 1, not_before = ?, error = ?", (iso(not_before), error))

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Gives up on a message that Telegram refused for good."""
        await self._update(message_id, "status = 'failed', attempts = attempts + 1, error = ?", (error,))

    async def expire(self, message_id: int) -> None:
        """Gives up on a message that no longer matters; an expired invitation is owed again."""
        await self._update(message_id, "status = 'failed', error = 'expired'", ())

    async def mark_undeliverable(self, message: QueuedMessage, error: str) -> None:
        """Gives up on every message to a chat that blocked the bot, and stops inviting them."""
        async with self.env.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'undeliverable', error = ? WHERE chat_id = ? AND status = 'pending'",
                (error, message.chat_id),
            )
            await tx.execute(
                "UPDATE participants SET reachable = 0"
                " WHERE id IN (SELECT participant_id FROM telegram_identities WHERE chat_id = ?)",
                (message.chat_id,),
            )

    async def counts(self) -> dict[str, int]:
        """Returns how many messages are in each status."""
        rows = await self.env.db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {r[0]: r[1] for r in rows}

    async def _update(self, message_id: int, assignments: str, params: tuple) -> None:
        async with self.env.db.transaction() as tx:
            await tx.execute(f"UPDATE outbox SET {assignments} WHERE id = ?", (*params, message_id))
