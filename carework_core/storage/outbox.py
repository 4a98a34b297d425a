"""The outbox table: messages waiting to be sent, one chat's in the order they were queued.

A message's words (its payload) are kept only until it is sent or given up: afterwards the row
records when and how it went, not what it said.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection, Iterable

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


async def waiting_buttons(tx: Tx, chat_id: int) -> list[str]:
    """Returns the callback data of the buttons on messages to a chat not yet recorded as sent: those being
    sent may already be on the person's screen before Telegram's answer comes back."""
    rows = await tx.fetchall(
        "SELECT payload FROM outbox WHERE chat_id = ? AND status = ?", (chat_id, OutboxStatus.PENDING)
    )
    return [data for r in rows if r[0] for data in _buttons(json.loads(r[0]))]


# A broadcast's stream: the round it belongs to, or '' for the rest. Spelled as in the outbox_lanes index.
STREAM = "COALESCE(o.round_id, '')"


def _head(o: str) -> str:
    """A pending row (alias `o`) that is its chat's oldest and whose time has come: the only candidate per chat.
    Numbered parameters: ?1 pending, ?2 now, ?3 limit, ?4 a stream, ?5 the longest run of one chat."""
    return (
        f"{o}.status = ?1 AND {o}.not_before <= ?2 AND NOT EXISTS (SELECT 1 FROM outbox e"
        f" WHERE e.status = ?1 AND e.chat_id = {o}.chat_id AND e.id < {o}.id)"
    )


HEAD = _head("o")
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
_STREAMS_CTE = (
    f"streams(s) AS (SELECT ({_NEXT_STREAM}) UNION ALL"
    f" SELECT ({_NEXT_STREAM} AND {STREAM} > streams.s) FROM streams WHERE streams.s IS NOT NULL)"
)
STREAMS = f"WITH RECURSIVE {_STREAMS_CTE} SELECT s FROM streams WHERE s IS NOT NULL"
# Everything due, in one statement: the heads (replies first, oldest first; then each stream's broadcasts
# taking turns, `turn` being a head's place in its stream), each followed by the rest of its chat's
# pending messages in order (at most ?5 in all), so a chat's messages go out together.
DUE = (
    f"WITH RECURSIVE {_STREAMS_CTE},"
    f" reply_heads AS (SELECT o.id, o.chat_id FROM outbox o WHERE o.lane = 'reply' AND {HEAD} ORDER BY o.id LIMIT ?3),"
    " broadcast_heads AS (SELECT o.id, o.chat_id, streams.s,"
    "  ROW_NUMBER() OVER (PARTITION BY streams.s ORDER BY o.id) AS turn FROM streams JOIN outbox o ON o.id IN"
    f"  (SELECT b.id FROM outbox b WHERE b.lane = 'broadcast' AND COALESCE(b.round_id, '') = streams.s"
    f"   AND {_head('b')} ORDER BY b.id LIMIT ?3) WHERE streams.s IS NOT NULL),"
    " heads AS (SELECT id, chat_id, 0 AS lane, 0 AS turn, '' AS s FROM reply_heads"
    "  UNION ALL SELECT id, chat_id, 1, turn, s FROM broadcast_heads ORDER BY lane, turn, s, id LIMIT ?3),"
    f" runs AS (SELECT {COLUMNS}, o.not_before <= ?2 AS ready, h.lane AS hl, h.turn AS ht, h.s AS hs, h.id AS hid,"
    "  ROW_NUMBER() OVER (PARTITION BY o.chat_id ORDER BY o.id) AS place"
    "  FROM heads h CROSS JOIN outbox o ON o.status = ?1 AND o.chat_id = h.chat_id AND o.id >= h.id)"
    " SELECT * FROM runs WHERE place <= ?5 ORDER BY hl, ht, hs, hid, place"
)


async def due_messages(tx: Tx, now: str, limit: int, skip: Collection[int] = (), run: int = 1) -> list[QueuedMessage]:
    """Returns the oldest pending message of each chat whose time has come, replies first, oldest first,
    then broadcasts taking turns across streams (rounds), so no round starves another; each followed by
    the next of its chat's messages that are due, up to `run` a chat, so they go out together.

    A message is wanted until it expires or, for an invitation, while its round is open. Chats whose
    ids are in `skip` (being sent to) count towards the limit but are not returned.
    """
    rows = await tx.fetchall(DUE, (OutboxStatus.PENDING, now, limit, None, run))
    due, cut = [], set()
    for r in rows:
        if r[1] in skip or r[1] in cut:
            continue
        if not r[8]:  # not yet due: its chat's later messages wait behind it
            cut.add(r[1])
            continue
        due.append(_queued(r))
    return due


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


async def lane_depths(tx: Tx) -> dict[Lane, tuple[int, str | None]]:
    """Returns, for each lane with pending messages, how many wait and when the first of them was queued.

    Counted from the outbox_lanes index alone; only each lane's first row is read."""
    rows = await tx.fetchall(
        "WITH lanes AS (SELECT lane, COUNT(*) AS waiting, MIN(id) AS first FROM outbox WHERE status = ? GROUP BY lane)"
        " SELECT lanes.lane, lanes.waiting, o.created_at FROM lanes JOIN outbox o ON o.id = lanes.first",
        (OutboxStatus.PENDING,),
    )
    return {Lane(r[0]): (r[1], r[2]) for r in rows}
