"""One long-lived SQLite connection per process: WAL, foreign keys, explicit transactions.

Every statement goes through one asyncio lock, so a transaction in one coroutine never sees or
interleaves with another's statements on the shared connection. Other processes (the CLI while
the bot runs) are kept apart by SQLite's own locking and a busy timeout.

Statements run on the event loop's own thread. The bot's statements are small indexed look-ups
and writes of tens of microseconds; handing each to a worker thread (aiosqlite, as this module
did first) cost more than the statement itself: two thread switches and a wake-up of the loop,
about 50 times an answer, which took 29% of the bot's CPU (bench/README.md, capacity). Long
work stays off the loop: the checkpoint and `read_apart` (counting a round's ratings) run on
connections of their own in worker threads, and `iterate` lets the loop run between pages.
SQLite's own automatic checkpoint would run inside whichever COMMIT filled the WAL, copying and
syncing pages on the loop (up to 40 ms under load, bench/README.md, webhook); instead, once the WAL
passes CHECKPOINT_WAL_BYTES, a passive checkpoint runs in a worker thread, where writers go on
(at most one a CHECKPOINT_SECONDS: the file keeps its size once the WAL starts over from its head).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from carework_core.errors import DatabaseUnavailable
from carework_core.storage.migrations import MIGRATIONS, migrate
from carework_core.storage.tx import Row, Tx
from carework_core.storage.work import Unit, current_unit

# SQLite's own busy wait blocks the event loop and cannot be cancelled, so it is kept short; the
# longer wait for another process's write lock happens here, where the loop runs and SIGTERM can end it.
BUSY_TIMEOUT_MS = 50
CHECKPOINT_BUSY_TIMEOUT_MS = 2000
LOCK_WAIT_SECONDS = 10.0
CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024  # SQLite's own default: 1000 pages of 4 KiB
CHECKPOINT_LOOK_EVERY = 50  # commits between looks at the WAL's size (a stat)
CHECKPOINT_SECONDS = 1.0
FIRST_MIGRATION = min(MIGRATIONS, key=lambda m: m.version).name
T = TypeVar("T")


class Database:
    """The product's only source of truth."""

    def watch_statements(self, callback: Callable[[str], object] | None) -> None:
        """Hands every statement run on this connection to `callback` (SQLite's trace hook); None stops."""
        self._conn.set_trace_callback(callback)

    def __init__(self, conn: sqlite3.Connection, path: str):
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.lock_wait = LOCK_WAIT_SECONDS  # how long a write waits for another process's lock
        self._commits = 0
        self._checkpointing: asyncio.Future | None = None  # the passive checkpoint under way, if any
        self._checkpointed_at = 0.0

    @classmethod
    async def open(cls, path: str | Path, create: bool = True, adopt_empty: bool = False) -> Database:
        """Opens and upgrades the database at path; creates it (owner-only) only when `create` is set.

        An existing file must already be a carework database, or (with `adopt_empty`, for `carework
        init`) an empty file, which is made owner-only first; anything else is refused unwritten."""
        path = Path(path)
        _check_place(path, create)
        fresh = _make_private(path, adopt_empty)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        db = cls(conn, str(path))
        try:
            if not fresh:
                _refuse_foreign(conn, path)  # before the pragmas below: journal_mode=WAL writes to the file
            # secure_delete (on by default in some SQLite builds only): text a row no longer holds,
            # such as a processed update's, is zeroed rather than left in free space on disk.
            for pragma in (
                "journal_mode=WAL",
                "foreign_keys=ON",
                f"busy_timeout={BUSY_TIMEOUT_MS}",
                "synchronous=NORMAL",
                "secure_delete=ON",
                *(() if db._in_memory else ("wal_autocheckpoint=0",)),  # see `_committed`
            ):
                conn.execute(f"PRAGMA {pragma}")
            async with db.transaction() as tx:
                await migrate(tx)
        except sqlite3.DatabaseError as exc:
            conn.close()  # an open connection's thread would keep the process alive
            raise DatabaseUnavailable(_unopenable(path, exc)) from None
        except BaseException:
            conn.close()
            raise
        return db

    async def close(self) -> None:
        if self._checkpointing is not None:
            await asyncio.wait([self._checkpointing])
        self._conn.close()

    @property
    def _in_memory(self) -> bool:
        return self.path == ":memory:" or self.path.startswith("file:")

    def _committed(self) -> None:
        """Now and then, after a commit: starts a passive checkpoint in a worker thread once the WAL is large."""
        self._commits += 1
        if self._commits % CHECKPOINT_LOOK_EVERY or self._checkpointing is not None or self._in_memory:
            return
        if time.monotonic() - self._checkpointed_at < CHECKPOINT_SECONDS:
            return
        try:
            size = os.stat(self.path + "-wal").st_size
        except OSError:
            return
        if size >= CHECKPOINT_WAL_BYTES:
            self._checkpointed_at = time.monotonic()
            self._checkpointing = asyncio.get_running_loop().run_in_executor(None, _checkpoint, self.path, "PASSIVE")
            self._checkpointing.add_done_callback(self._checkpointed)

    def _checkpointed(self, done: asyncio.Future) -> None:
        self._checkpointing = None
        if not done.cancelled():
            done.exception()  # a failed one (the file gone, a lock held) is tried again after later commits

    async def checkpoint(self) -> None:
        """Copies the WAL into the database file and empties it, so old page versions go.

        It copies and syncs pages, so it runs in a worker thread on a connection of its own."""
        async with self._lock:
            if self._in_memory:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no WAL, or no file to open again
            else:
                await asyncio.to_thread(_checkpoint, self.path)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """Runs the block as one unit of work: every transaction and read its task starts joins one
        write transaction, committed when the block ends (carework_core.storage.work)."""
        async with Unit(self).opened() as unit:
            yield unit

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for a unit of work that holds it (`hold`)."""
        return self._conn

    async def hold(self) -> None:
        """Takes the connection and begins a write transaction, for a unit of work; `release` ends it."""
        await self._lock.acquire()
        try:
            await self._begin_immediate()
        except BaseException:
            self._lock.release()
            raise

    def release(self, commit: bool) -> None:
        """Commits (or rolls back) the transaction `hold` began and lets go of the connection."""
        try:
            self._conn.execute("COMMIT" if commit else "ROLLBACK")
            if commit:
                self._committed()
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._lock.release()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Runs the block as one write transaction (BEGIN IMMEDIATE); rolls back on error.

        Inside a unit of work it is a part of the unit's transaction instead."""
        unit = current_unit(self)
        if unit is not None:
            async with unit.part(write=True) as tx:
                yield tx
            return
        async with self._lock:
            await self._begin_immediate()
            try:
                yield Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._committed()

    async def _begin_immediate(self) -> None:
        """Takes the write lock, waiting up to `lock_wait` seconds for another process to let go."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.05)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """Runs the block as one consistent read (a deferred transaction); inside a unit of work, a read in it."""
        unit = current_unit(self)
        if unit is not None:
            async with unit.part(write=False) as tx:
                yield tx
            return
        async with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield Tx(self._conn)
            finally:
                self._conn.execute("COMMIT")

    async def read_apart(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Runs a long read (counting a round's ratings) in a worker thread on a connection of its own, as
        one consistent read; the event loop, and this connection, serve everyone else meanwhile."""
        if self.path == ":memory:" or self.path.startswith("file:"):
            async with self.reading() as tx:  # no second connection can see such a database
                return await work(tx)
        return await asyncio.to_thread(_read_apart, self.path, work)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self.reading() as tx:
            return await tx.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        async with self.reading() as tx:
            return await tx.fetchone(sql, params)


def _checkpoint(path: str, mode: str = "TRUNCATE") -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={CHECKPOINT_BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA wal_checkpoint({mode})")
    finally:
        conn.close()


def _read_apart(path: str, work: Callable[[Tx], Awaitable[T]]) -> T:
    """Runs `work` on a connection of its own, in this (worker) thread's own event loop."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout={CHECKPOINT_BUSY_TIMEOUT_MS}")  # off the loop, a wait blocks nobody
        conn.execute("BEGIN")
        try:
            return asyncio.run(work(Tx(conn)))
        finally:
            conn.execute("COMMIT")
    finally:
        conn.close()


def _check_place(path: Path, create: bool) -> None:
    """Refuses a path that would silently make an empty database, or that cannot hold one."""
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file; check CAREWORK_DATABASE")
    if not create and not path.exists():
        raise DatabaseUnavailable(
            f"there is no database at {path}; check CAREWORK_DATABASE, or create one with `carework init`"
        )
    if create and not path.parent.is_dir():
        raise DatabaseUnavailable(f"cannot create a database at {path}: the folder does not exist")


def _unopenable(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Says why SQLite could not open the file: held by another process, or not a database at all."""
    if "locked" in str(exc) or "busy" in str(exc):
        return f"{path} is busy: another process has held it for too long (SQLite says: {exc}); try again"
    return f"{path} is not a carework database (SQLite says: {exc}); check CAREWORK_DATABASE"


def _make_private(path: Path, adopt_empty: bool) -> bool:
    """Creates a new database file readable by its owner only (SQLite gives -wal and -shm the same
    mode), or with `adopt_empty` makes an existing empty file so; returns whether the file is new."""
    if str(path) == ":memory:" or str(path).startswith("file:"):
        return True
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        return True
    except FileExistsError:
        pass  # an existing database keeps the mode its owner gave it
    if not path.is_file():  # /dev/null, a pipe: never given to SQLite, never made owner-only
        raise DatabaseUnavailable(f"{path} is not a regular file, so not a carework database; check CAREWORK_DATABASE")
    if path.stat().st_size > 0:
        return False
    if not adopt_empty:
        raise DatabaseUnavailable(
            f"{path} is an empty file, not a carework database; nothing was written to it. "
            "Check CAREWORK_DATABASE, or make it one with `carework init`"
        )
    os.chmod(path, 0o600)
    return True


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Refuses, before anything is written, an SQLite file that another program made.

    A carework database records its first migration by name; only reading, which writes nothing."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    first = None
    if "schema_migrations" in tables:
        with contextlib.suppress(sqlite3.OperationalError):  # a table of that name with other columns
            first = conn.execute("SELECT name FROM schema_migrations WHERE version = 1").fetchone()
    if first is None or first[0] != FIRST_MIGRATION:
        raise DatabaseUnavailable(
            f"{path} is an SQLite database of another program, not a carework database; "
            "nothing was written to it. Check CAREWORK_DATABASE"
        )
