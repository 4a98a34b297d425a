"""The outbox table: messages waiting to be sent, one chat's in the order they were queued."""

from __future__ import annotations

import json

from carework_core.messages import MessageKind, OutboxStatus, OutgoingMessage, QueuedMessage
from carework_core.storage.db import Tx


async def add_message(tx: Tx, message: OutgoingMessage, queued_at: str, expires_at: str | None) -> bool:
    """Queues a message unless one with its dedupe key is queued already; returns whether it was new."""
    row_id = await tx.insert(
        "INSERT OR IGNORE INTO outbox (chat_id, participant_id, kind, payload, dedupe_key, not_before,"
        " created_at, round_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            message.chat_id,
            message.participant_id,
            message.kind,
            json.dumps(message.params),
            message.dedupe_key,
            queued_at,
            queued_at,
            message.round_id,
            expires_at,
        ),
    )
    return row_id is not None


async def due_messages(tx: Tx, now: str, limit: int) -> list[QueuedMessage]:
    """Returns the oldest pending message of each chat whose time has come, oldest first.

    A message is wanted until it expires or, for an invitation, while its round is open.
    """
    rows = await tx.fetchall(
        "SELECT o.id, o.chat_id, o.kind, o.payload, o.attempts, o.participant_id,"
        " (o.expires_at IS NULL OR o.expires_at > ?1) AND (o.round_id IS NULL OR EXISTS"
        "  (SELECT 1 FROM rounds r WHERE r.round_id = o.round_id AND r.status = 'open')) FROM outbox o"
        " JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = ?3 GROUP BY chat_id) h ON h.id = o.id"
        " WHERE o.not_before <= ?1 ORDER BY o.id LIMIT ?2",
        (now, limit, OutboxStatus.PENDING),
    )
    return [QueuedMessage(r[0], r[1], MessageKind(r[2]), json.loads(r[3]), r[4], r[5], bool(r[6])) for r in rows]


async def mark_sent(tx: Tx, message_id: int, sent_at: str, telegram_message_id: int | None) -> None:
    """Records a message as delivered, with the id Telegram gave it."""
    await tx.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, message_id = ? WHERE id = ?",
        (OutboxStatus.SENT, sent_at, telegram_message_id, message_id),
    )


async def put_off(tx: Tx, message_id: int, not_before: str, error: str) -> None:
    """Keeps a message pending until not_before, counting the attempt."""
    await tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
        (not_before, error, message_id),
    )


async def mark_failed(tx: Tx, message_id: int, error: str, attempted: bool) -> None:
    """Gives up on a message; attempted counts the try that ended it."""
    await tx.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + ?, error = ? WHERE id = ?",
        (OutboxStatus.FAILED, int(attempted), error, message_id),
    )


async def mark_chat_undeliverable(tx: Tx, chat_id: int, error: str) -> None:
    """Gives up on every pending message to a chat."""
    await tx.execute(
        "UPDATE outbox SET status = ?, error = ? WHERE chat_id = ? AND status = ?",
        (OutboxStatus.UNDELIVERABLE, error, chat_id, OutboxStatus.PENDING),
    )


async def mark_chat_unreachable(tx: Tx, chat_id: int) -> None:
    """Marks the participants behind a chat unreachable, so they are not invited (a participants write)."""
    await tx.execute(
        "UPDATE participants SET reachable = 0"
        " WHERE id IN (SELECT participant_id FROM telegram_identities WHERE chat_id = ?)",
        (chat_id,),
    )


async def count_messages(tx: Tx) -> dict[OutboxStatus, int]:
    """Returns how many messages are in each status."""
    rows = await tx.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {OutboxStatus(r[0]): r[1] for r in rows}


async def invitation_statuses(tx: Tx) -> list[tuple[str, OutboxStatus]]:
    """Returns the dedupe key and status of every invitation queued, oldest first."""
    rows = await tx.fetchall("SELECT dedupe_key, status FROM outbox WHERE round_id IS NOT NULL ORDER BY id")
    return [(r[0], OutboxStatus(r[1])) for r in rows]
