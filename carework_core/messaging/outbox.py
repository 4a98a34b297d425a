"""Messages waiting to be sent. Rows are written in the same transaction as the change that
caused them, and a dedupe key makes queueing the same message twice harmless.

A message is retried for as long as it matters: an invitation while its round is open, any other
message (a reply, an edit) for MESSAGE_LIFETIME after it was queued. After that it is expired,
since a day-old "Saved. Thank you." or a Start button for a closed round only confuses people."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from carework_core.clock import iso, parse_iso
from carework_core.env import Env
from carework_core.messaging.messages import Lane, MessageKind, OutboxStatus, OutgoingMessage, QueuedMessage
from carework_core.storage import outbox as queue
from carework_core.storage.db import Tx
from carework_core.storage.work import current_unit

__all__ = ["MESSAGE_LIFETIME", "Lane", "MessageKind", "OutboxStatus", "OutgoingMessage", "Outbox", "QueuedMessage"]

MESSAGE_LIFETIME = timedelta(hours=24)


async def queue_in(tx: Tx, env: Env, messages: list[OutgoingMessage]) -> int:
    """Queues messages inside the caller's transaction; returns how many were new."""
    added = 0
    for m in messages:
        expires = None if m.round_id else iso(env.clock.now() + MESSAGE_LIFETIME)
        added += await queue.add_message(tx, m, env.stamp(), expires)
    return added


class Outbox:
    def __init__(self, env: Env):
        self.env = env

    async def enqueue(self, messages: list[OutgoingMessage]) -> int:
        """Queues messages in their own transaction; returns how many were new.

        While an update is processed they are queued as its unit of work commits, with its inbox mark,
        and the count is of those given; the unit is begun now, so the sender's next look waits for them."""
        unit = current_unit(self.env.db)
        if unit is None:
            async with self.env.db.transaction() as tx:
                return await self.enqueue_in(tx, messages)
        await unit.begin()
        unit.at_commit(lambda tx: queue_in(tx, self.env, messages))
        return len(messages)

    async def enqueue_in(self, tx: Tx, messages: list[OutgoingMessage]) -> int:
        """Queues messages inside the caller's transaction; returns how many were new."""
        return await queue_in(tx, self.env, messages)

    async def due(self, now: datetime, limit: int, skip: Collection[int] = (), run: int = 1) -> list[QueuedMessage]:
        """Returns the oldest pending message of each chat whose time has come (replies first, then
        broadcasts), each followed by its chat's next due messages up to `run` a chat, in one query; chats
        in `skip` (being sent to) count towards the limit but are left out."""
        async with self.env.db.reading() as tx:
            return await queue.due_messages(tx, iso(now), limit, skip, run)

    async def tappable(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        same: Callable[[str], bool] | None = None,
        tapped_by: str | None = None,
    ) -> bool:
        """Says whether `data` was a button of this message the bot sent to this chat; given `same` (which says
        a button is a copy of the tapped one), also that no later message carrying a copy had gone out by
        `tapped_by` (when the tap arrived): only the newest copy of a question acts.

        Any version of the message counts, since a tap may cross the edit that took its button off; the
        handlers know a stale tap. A message sent before buttons were kept counts as carrying any, and one
        with no record at all (sent as the bot was killed, then sent again) as its later copy, or as a message
        still being sent (the person may see it before Telegram's answer is back)."""
        async with self.env.db.reading() as tx:
            sent = await queue.sent_buttons(tx, chat_id, message_id)
        versions = [buttons for sent_id, _, buttons in sent if sent_id == message_id]
        if not versions:
            # No record of this message: Telegram may have taken it just before the bot was killed, so the
            # outbox sent it again. The tap counts as one on the first later message carrying that button.
            copy = next((sent_id for sent_id, _, buttons in sent if buttons and data in buttons), None)
            if copy is None:
                # Or Telegram delivered it and its answer is still on the way back: a message being sent.
                async with self.env.db.reading() as tx:
                    return data in await queue.waiting_buttons(tx, chat_id)
            message_id, versions = copy, [[data]]
        if not any(buttons is None or data in buttons for buttons in versions):
            return False  # a button this message never had
        later = [buttons or [] for sent_id, at, buttons in sent if sent_id > message_id and at <= (tapped_by or at)]
        return same is None or not any(same(other) for buttons in later for other in buttons)

    async def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        """Records a message as delivered."""
        async with self.env.db.transaction() as tx:
            await queue.mark_sent(tx, message_id, self.env.stamp(), telegram_message_id)

    async def mark_all_sent(self, sent: list[tuple[int, int | None]]) -> None:
        """Records several messages as delivered in one transaction: (outbox id, Telegram's message id) each."""
        async with self.env.db.transaction() as tx:
            await queue.mark_all_sent(tx, sent, self.env.stamp())

    async def retry_later(self, message_id: int, not_before: datetime, error: str) -> None:
        """Keeps a message pending until not_before, counting the attempt."""
        async with self.env.db.transaction() as tx:
            await queue.put_off(tx, message_id, iso(not_before), error)

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Gives up on a message that Telegram refused for good."""
        async with self.env.db.transaction() as tx:
            await queue.mark_failed(tx, message_id, error, attempted=True)

    async def expire(self, message_id: int) -> None:
        """Gives up on a message that no longer matters; an expired invitation is owed again."""
        async with self.env.db.transaction() as tx:
            await queue.mark_failed(tx, message_id, "expired", attempted=False)

    async def mark_undeliverable(self, message: QueuedMessage, error: str) -> None:
        """Gives up on every message to a chat that blocked the bot, and stops inviting them."""
        async with self.env.db.transaction() as tx:
            await queue.mark_chat_undeliverable(tx, message.chat_id, error)
            await queue.mark_chat_unreachable(tx, message.chat_id)

    async def counts(self) -> dict[OutboxStatus, int]:
        """Returns how many messages are in each status."""
        async with self.env.db.reading() as tx:
            return await queue.count_messages(tx)

    async def lane_depths(self) -> dict[Lane, tuple[int, datetime | None]]:
        """Returns how many messages wait in each lane and when the oldest was queued, read in a worker
        thread (a backlog of a broadcast may be long to count)."""
        depths = await self.env.db.read_apart(queue.lane_depths)
        lanes = {lane: (0, None) for lane in Lane}
        return lanes | {lane: (count, parse_iso(at) if at else None) for lane, (count, at) in depths.items()}
