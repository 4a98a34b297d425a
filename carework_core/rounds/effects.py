"""Decided actions recorded in the same transaction as the messages they cause.

The shell renders each message; the core records the action and queues its messages at once, so
a crash never leaves an action recorded without its message, or a message queued for an action
that did not happen. Scheduled actions (open, close, remind) add their records here.
"""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.env import Env
from carework_core.messaging.outbox import OutgoingMessage, queue_in
from carework_core.storage.db import Tx
from carework_core.storage.rounds import mark_invited


@dataclass(frozen=True)
class Invited:
    """An invitation to a round was queued for a participant."""

    participant_id: int
    round_id: str


# None: the messages are the whole effect (their dedupe keys record that they were sent).
Record = Invited | None


@dataclass(frozen=True)
class Effect:
    """One action and the messages it causes."""

    record: Record
    messages: tuple[OutgoingMessage, ...]


async def apply_effects(env: Env, effects: list[Effect]) -> int:
    """Records every action and queues its messages in one transaction; returns how many messages were new."""
    if not effects:
        return 0
    async with env.db.transaction() as tx:
        return await record_effects(tx, env, effects)


async def record_effects(tx: Tx, env: Env, effects: list[Effect]) -> int:
    """Records every action and queues its messages inside the caller's transaction."""
    added = 0
    for effect in effects:
        added += await queue_in(tx, env, list(effect.messages))
        await _record(tx, env, effect.record)
    return added


async def _record(tx: Tx, env: Env, record: Record) -> None:
    match record:
        case Invited(participant_id, round_id):
            await mark_invited(tx, participant_id, round_id, env.stamp())
        case None:
            pass
