"""One long-lived SQLite connection per process: WAL, foreign keys, explicit transactions.

Every statement goes through one asyncio lock, so a transaction in one coroutine never sees or
interleaves with another's statements on the shared connection. Other processes (the CLI while
the bot runs) are kept apart by SQLite's own locking and a busy timeout.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from carework_core.errors import DatabaseUnavailable
from carework_core.storage.migrations import migrate

Row = aiosqlite.Row
# SQLite's own busy wait blocks the connection's thread and cannot be cancelled, so it is kept
# short; the longer wait for another process's write lock happens here, where SIGTERM can end it.
BUSY_TIMEOUT_MS = 200
LOCK_WAIT_SECONDS = 10.0


class Tx:
    """The statements of one open transaction."""

    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self._conn.execute(sql, tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        await self._conn.executemany(sql, [tuple(r) for r in rows])

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """Returns the first row of a look-up expected to find one or a few (all are read, in one hop)."""
        rows = await self._conn.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        # One hand-off to SQLite's thread instead of three (execute, fetch, close): each wakes the loop.
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def iterate(self, sql: str, params: Iterable[Any] = (), size: int = 500) -> AsyncIterator[Row]:
        """Yields rows a page at a time, so a large export never sits in memory whole."""
        async with self._conn.execute(sql, tuple(params)) as cursor:
            while rows := await cursor.fetchmany(size):
                for row in rows:
                    yield row

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int | None:
        """Runs an INSERT and returns the new row id, or None when OR IGNORE skipped it."""
        cursor = await self._conn.execute(sql, tuple(params))
        return cursor.lastrowid if cursor.rowcount else None


class Database:
    """The product's only source of truth."""

    def __init__(self, conn: aiosqlite.Connection, path: str):
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.lock_wait = LOCK_WAIT_SECONDS  # how long a write waits for another process's lock

    @classmethod
    async def open(cls, path: str | Path, create: bool = True) -> Database:
        """Opens and upgrades the database at path; creates it (owner-only) only when `create` is set."""
        path = Path(path)
        _check_place(path, create)
        _create_private(path)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn, str(path))
        try:
            # secure_delete (on by default in some SQLite builds only): text a row no longer holds,
            # such as a processed update's, is zeroed rather than left in free space on disk.
            for pragma in (
                "journal_mode=WAL",
                "foreign_keys=ON",
                f"busy_timeout={BUSY_TIMEOUT_MS}",
                "synchronous=NORMAL",
                "secure_delete=ON",
            ):
                await conn.execute(f"PRAGMA {pragma}")
            async with db.transaction() as tx:
                await migrate(tx)
        except sqlite3.DatabaseError as exc:
            await conn.close()  # an open connection's thread would keep the process alive
            raise DatabaseUnavailable(_unopenable(path, exc)) from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def checkpoint(self) -> None:
        """Copies the WAL into the database file and empties it, so old page versions go."""
        async with self._lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Runs the block as one write transaction (BEGIN IMMEDIATE); rolls back on error."""
        async with self._lock:
            await self._begin_immediate()
            try:
                yield Tx(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def _begin_immediate(self) -> None:
        """Takes the write lock, waiting up to `lock_wait` seconds for another process to let go."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.05)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """Runs the block as one consistent read (a deferred transaction)."""
        async with self._lock:
            await self._conn.execute("BEGIN")
            try:
                yield Tx(self._conn)
            finally:
                await self._conn.execute("COMMIT")

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self.reading() as tx:
            return await tx.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        async with self.reading() as tx:
            return await tx.fetchone(sql, params)


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


def _create_private(path: str | Path) -> None:
    """Creates a new database file readable by its owner only; SQLite gives -wal and -shm the same mode."""
    if str(path) == ":memory:" or str(path).startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass  # an existing database keeps the mode its owner gave it
