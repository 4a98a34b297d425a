"""The statements of one open transaction, as every storage module sees them (db.py opens them)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Hashable, Iterable
from typing import Any

Row = sqlite3.Row


class Tx:
    """The statements of one open transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        # Rows read once in this transaction (the person behind an update), kept until anything is written.
        self.memo: dict[Hashable, Any] = {}

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        self.memo.clear()
        return self._conn.execute(sql, tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        self.memo.clear()
        self._conn.executemany(sql, [tuple(r) for r in rows])

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """Returns the first row of a look-up expected to find one or a few."""
        return self._conn.execute(sql, tuple(params)).fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    async def iterate(self, sql: str, params: Iterable[Any] = (), size: int = 500) -> AsyncIterator[Row]:
        """Yields rows a page at a time, so a large export never sits in memory whole."""
        cursor = self._conn.execute(sql, tuple(params))
        try:
            while rows := cursor.fetchmany(size):
                for row in rows:
                    yield row
                await asyncio.sleep(0)
        finally:
            cursor.close()

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int | None:
        """Runs an INSERT and returns the new row id, or None when OR IGNORE skipped it."""
        self.memo.clear()
        cursor = self._conn.execute(sql, tuple(params))
        return cursor.lastrowid if cursor.rowcount else None
