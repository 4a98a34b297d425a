"""One update's unit of work: everything its handling reads and writes, in one write transaction.

The intake opens a unit around each update (carework_core.messaging.inbox.Inbox.processing). Every
transaction and read the services start in that update's task joins it, so the guard's reads, the
core action, the replies it queues and the inbox mark commit together: one BEGIN and one COMMIT,
where each used to be a transaction of its own, kept consistent by dedupe keys. The unit begins at
its first statement and holds the connection until it ends, which costs nothing while the handler
only computes (everything runs on the event loop's one thread); before the handler waits on
something outside (Telegram, the sender's records), it lets go (`let_go`) and begins afresh later.

A part that fails undoes only itself: with nothing written before it, the whole transaction is
rolled back and the next statement begins a new one; after earlier writes, a savepoint keeps them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Protocol

from carework_core.storage.tx import Tx


class Database(Protocol):
    """What a unit of work needs of the database (db.py's Database), named here so that db.py imports
    this module and not the reverse."""

    @property
    def connection(self) -> sqlite3.Connection: ...

    async def hold(self) -> None: ...

    def release(self, commit: bool) -> None: ...


_current: ContextVar[Unit | None] = ContextVar("carework_unit_of_work", default=None)


def current_unit(db: Database) -> Unit | None:
    """Returns the unit of work this task has open on `db`, or None (other tasks never join it)."""
    unit = _current.get()
    if unit is None or unit.db is not db or unit.task is not asyncio.current_task():
        return None
    return unit


class Unit:
    """One update's reads and writes: begun at the first statement, committed once at the end."""

    def __init__(self, db: Database):
        self.db, self.task = db, asyncio.current_task()
        self.tx: Tx | None = None
        self.dirty = False  # written to since it began: a failing part must not take that with it
        self._depth = 0
        self._closing: list[Callable[[Tx], Awaitable[object]]] = []

    @asynccontextmanager
    async def opened(self) -> AsyncIterator[Unit]:
        """Makes this the task's unit for the block; commits it when the block ends, else rolls it back."""
        if _current.get() is not None and _current.get().task is self.task:
            raise RuntimeError("a unit of work is already open in this task")
        token = _current.set(self)
        try:
            yield self
            await self.commit()
        except BaseException:
            self._closing.clear()
            self.rollback()
            raise
        finally:
            _current.reset(token)

    def at_commit(self, write: Callable[[Tx], Awaitable[object]]) -> None:
        """Adds a write made when the unit commits, after everything else (queued replies, the inbox mark)."""
        self._closing.append(write)

    async def begin(self) -> Tx:
        """Takes the connection and begins the write transaction, unless it is begun already."""
        if self.tx is None:
            await self.db.hold()
            self.tx = Tx(self.db.connection)
        return self.tx

    @asynccontextmanager
    async def part(self, write: bool) -> AsyncIterator[Tx]:
        """One service's transaction or read inside the unit; a failing write undoes itself alone."""
        tx = await self.begin()
        if self._depth or not write:
            self._depth += 1
            try:
                yield tx
            finally:
                self._depth -= 1
            return
        keep = self.dirty  # earlier writes to keep should this part fail
        if keep:
            tx.memo.clear()
            self.db.connection.execute("SAVEPOINT part")
        self._depth += 1
        try:
            yield tx
        except BaseException:
            if keep:
                tx.memo.clear()
                self.db.connection.execute("ROLLBACK TO part")
                self.db.connection.execute("RELEASE part")
            else:
                self.rollback()  # nothing else was written: the next statement begins afresh
            raise
        finally:
            self._depth -= 1
        if keep:
            self.db.connection.execute("RELEASE part")
        self.dirty = True

    async def commit(self) -> None:
        """Makes the writes waiting for the end, commits, and lets go of the connection."""
        if self._closing:
            tx = await self.begin()
            closing, self._closing = self._closing, []
            for write in closing:
                await write(tx)
        if self.tx is not None:
            self.tx = None
            self.dirty = False
            self.db.release(commit=True)

    async def let_go(self) -> None:
        """Commits what is done so far and lets others use the database; later statements begin anew."""
        if self._depth:
            raise RuntimeError("a unit of work cannot let go in the middle of a transaction")
        await self.commit()

    def rollback(self) -> None:
        """Undoes everything since the unit began (or last let go); the next statement begins afresh."""
        if self.tx is not None:
            self.tx = None
            self.dirty = False
            self.db.release(commit=False)
