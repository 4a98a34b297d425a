"""Each person's updates in the order they came; different people's at the same time.

python-telegram-bot runs updates concurrently through an update processor (BaseUpdateProcessor,
its documented extension point), whose semaphore bounds how many run at once. This one keys each
update by its person (the sending user, else the chat): while one of a person's updates runs,
their next ones wait in a queue of their own and are run, in order, by the same slot. So one
person's slow update holds up nobody else, a person's tap, tap and typed answer are handled in the
order they were sent, and a person with a long backlog takes one slot, never all of them.
Updates wait for a slot first come, first served (asyncio's semaphore), so each reaches its
person's queue in the order the intake handed it over.

If one of a person's updates fails (its handling raised, not a handler's error, which the
application's error handler takes), the rest of their queue is dropped unstarted: the intake
replays them from the inbox, after the failed one, so their order still holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 128  # people handled at once; each holds at most one slot


def person_of(update: object) -> int | None:
    """Returns the id that orders an update: its user's, else its chat's; None for neither."""
    if not isinstance(update, Update):
        return None
    who = update.effective_user or update.effective_chat
    return who.id if who is not None else None


class PersonalOrder(BaseUpdateProcessor):
    """Runs different people's updates concurrently and each person's one at a time, in order."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES):
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, deque[Awaitable[Any]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the update now, or queues it behind the same person's update in progress."""
        person = person_of(update)
        if person is None:
            await coroutine
            return
        if person in self._queues:
            self._queues[person].append(coroutine)  # the running slot takes it next; ours is freed
            return
        self._queues[person] = queue = deque([coroutine])
        try:
            while queue:
                await queue.popleft()
        finally:
            del self._queues[person]
            for left in queue:  # after a failure or a stop: never started, the intake replays them
                _discard(left)

    async def initialize(self) -> None:
        """Nothing to set up: queues live only while their person has updates in progress."""

    async def shutdown(self) -> None:
        """Drops updates still queued; they are unfinished in the inbox and replayed on start."""
        for queue in self._queues.values():
            while queue:
                _discard(queue.popleft())


def _discard(work: Awaitable[Any]) -> None:
    if isinstance(work, Coroutine):
        work.close()  # never awaited, on purpose: no "was never awaited" warning
