"""The outbox table: messages waiting to be sent, one chat's in the order they were queued.

A message's words (its payload) are kept only until it is sent or given up: afterwards the row
records when and how it went, not what it said.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection, Iterable
from itertools import zip_longest

from carework_core.messaging.messages import Lane, MessageKind, OutboxStatus, OutgoingMessage, QueuedMessage
from carework_core.storage.db import Tx


async def add_message(tx: Tx, message: OutgoingMessage, queued_at: str, expires_at: str | None) -> bool:
    """Queues a message unless one with its dedupe key is queued already; returns whether it was new."""
    row_id = await tx.insert(
        "INSERT OR IGNORE INTO outbox (chat_id, participant_id, kind, payload, dedupe_key, not_before,"
        " created_at, round_id, expires_at, lane, buttons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            message.lane,
            json.dumps(_buttons(message.params)),
        ),
    )
    return row_id is not None


def _buttons(params: dict) -> list[str]:
    """Returns the callback data of a message's buttons; none for a message (or edit) without them,
    since an edit without buttons takes them off."""
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def sent_buttons(tx: Tx, chat_id: int, message_id: int) -> list[tuple[int, str, list[str] | None]]:
    """Returns (Telegram message id, when sent, its buttons) of each message sent to a chat from this one
    on, in the order sent (an edit counts as a sending of its message); buttons are None for rows from
    before they were kept."""
    rows = await tx.fetchall(
        "SELECT message_id, sent_at, buttons FROM outbox WHERE chat_id = ? AND message_id >= ? AND status = ?"
        " ORDER BY id",
        (chat_id, message_id, OutboxStatus.SENT),
    )
    return [(r[0], r[1], None if r[2] is None else json.loads(r[2])) for r in rows]


# A broadcast's stream: the round it belongs to, or '' for the rest. Spelled as in the outbox_lanes index.
STREAM = "COALESCE(o.round_id, '')"
# Numbered parameters: ?1 pending, ?2 now, ?3 limit, ?4 stream.
# A pending row that is its chat's oldest and whose time has come: the only candidate per chat.
HEAD = (
    "o.status = ?1 AND o.not_before <= ?2 AND NOT EXISTS (SELECT 1 FROM outbox e"
    " WHERE e.status = ?1 AND e.chat_id = o.chat_id AND e.id < o.id)"
)
COLUMNS = (
    "o.id, o.chat_id, o.kind, o.payload, o.attempts, o.participant_id,"
    " (o.expires_at IS NULL OR o.expires_at > ?2) AND (o.round_id IS NULL OR EXISTS"
    "  (SELECT 1 FROM rounds r WHERE r.round_id = o.round_id AND r.status = 'open')), o.lane"
)


REPLY_HEADS = f"SELECT {COLUMNS} FROM outbox o WHERE o.lane = 'reply' AND {HEAD} ORDER BY o.id LIMIT ?3"
BROADCAST_HEADS = (
    f"SELECT {COLUMNS} FROM outbox o WHERE o.lane = 'broadcast' AND {STREAM} = ?4 AND {HEAD} ORDER BY o.id LIMIT ?3"
)
# The streams holding pending broadcasts, found by one index seek per stream rather than a scan of the rows.
_NEXT_STREAM = f"SELECT MIN({STREAM}) FROM outbox o WHERE o.status = ?1 AND o.lane = 'broadcast'"
STREAMS = (
    f"WITH RECURSIVE streams(s) AS (SELECT ({_NEXT_STREAM}) UNION ALL"
    f" SELECT ({_NEXT_STREAM} AND {STREAM} > streams.s) FROM streams WHERE streams.s IS NOT NULL)"
    " SELECT s FROM streams WHERE s IS NOT NULL"
)


async def due_messages(tx: Tx, now: str, limit: int, skip: Collection[int] = ()) -> list[QueuedMessage]:
    """Returns the oldest pending message of each chat whose time has come: replies first, oldest
    first, then broadcasts taking turns across streams (rounds), so no round starves another.

    A message is wanted until it expires or, for an invitation, while its round is open. Messages
    whose ids are in `skip` (being sent) count towards the limit, found or not, and are not read.
    """
    values = (OutboxStatus.PENDING, now, limit)
    rows = await tx.fetchall(REPLY_HEADS, values)
    if len(rows) < limit:
        streams = [r[0] for r in await tx.fetchall(STREAMS, values[:1])]
        turns = [await tx.fetchall(BROADCAST_HEADS, (*values, stream)) for stream in streams]
        rows += [row for turn in zip_longest(*turns) for row in turn if row is not None]
    # Only what can be used is decoded: with hundreds in flight, the rest were payloads read and dropped.
    wanted = [r for r in rows[:limit] if r[0] not in skip][: max(0, limit - len(skip))]
    return [_queued(r) for r in wanted]


def _queued(r) -> QueuedMessage:
    return QueuedMessage(r[0], r[1], MessageKind(r[2]), json.loads(r[3]), r[4], r[5], bool(r[6]), Lane(r[7]))


async def mark_sent(tx: Tx, message_id: int, sent_at: str, telegram_message_id: int | None) -> None:
    """Records a message as delivered, with the id Telegram gave it; its words are not kept."""
    await tx.execute(
        "UPDATE outbox SET status = ?, sent_at = ?, message_id = ?, payload = '' WHERE id = ?",
        (OutboxStatus.SENT, sent_at, telegram_message_id, message_id),
    )


async def mark_all_sent(tx: Tx, sent: list[tuple[int, int | None]], sent_at: str) -> None:
    """Records several messages as delivered, each with the id Telegram gave it; their words are not kept."""
    await tx.executemany(
        "UPDATE outbox SET status = ?, sent_at = ?, message_id = ?, payload = '' WHERE id = ?",
        [(OutboxStatus.SENT, sent_at, message_id, outbox_id) for outbox_id, message_id in sent],
    )


async def put_off(tx: Tx, message_id: int, not_before: str, error: str) -> None:
    """Keeps a message pending until not_before, counting the attempt."""
    await tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, error = ? WHERE id = ?",
        (not_before, error, message_id),
    )


async def mark_failed(tx: Tx, message_id: int, error: str, attempted: bool) -> None:
    """Gives up on a message, keeping Telegram's error but not the words; attempted counts the try that ended it."""
    await tx.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + ?, error = ?, payload = '' WHERE id = ?",
        (OutboxStatus.FAILED, int(attempted), error, message_id),
    )


async def mark_chat_undeliverable(tx: Tx, chat_id: int, error: str) -> None:
    """Gives up on every pending message to a chat, keeping none of their words."""
    await tx.execute(
        "UPDATE outbox SET status = ?, error = ?, payload = '' WHERE chat_id = ? AND status = ?",
        (OutboxStatus.UNDELIVERABLE, error, chat_id, OutboxStatus.PENDING),
    )


async def forget_queued_words(tx: Tx, texts: Iterable[str], marker: str) -> None:
    """Replaces these words with `marker` in every message still waiting to go (as written, or in the
    Bot API's HTML form); a message once sent keeps no words to replace."""
    for text in texts:
        for form in {_encoded(text), _encoded(html.escape(text))}:
            rows = await tx.fetchall(
                "SELECT id, payload FROM outbox WHERE status = ? AND instr(payload, ?) > 0",
                (OutboxStatus.PENDING, form),
            )
            changed = [(payload.replace(form, _encoded(marker)), row_id) for row_id, payload in rows]
            await tx.executemany("UPDATE outbox SET payload = ? WHERE id = ?", changed)


def _encoded(text: str) -> str:
    """Returns the text as it stands inside a stored payload (a JSON string, without its quotes)."""
    return json.dumps(text)[1:-1]


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
