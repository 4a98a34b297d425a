import asyncio
import os
import sqlite3
import stat
import threading
import time

import pytest

from carework_core.errors import MigrationError
from carework_core.storage import db as db_module
from carework_core.storage import migrations
from carework_core.storage.db import Database


async def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    try:
        versions = [r[0] for r in await db.fetchall("SELECT version FROM schema_migrations")]
        assert versions == [m.version for m in migrations.MIGRATIONS]
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO consents (participant_id, statement_id, agreed, at) VALUES (99, 's', 1, 't')"
                )
    finally:
        await db.close()


async def test_reopening_applies_only_new_migrations(tmp_path, monkeypatch):
    db = await Database.open(tmp_path / "a.db")
    await db.close()
    extra = migrations.Migration(99, "add a column", "ALTER TABLE invites ADD COLUMN note TEXT")
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, extra])
    db = await Database.open(tmp_path / "a.db")
    try:
        versions = [r[0] for r in await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions[-1] == 99 and len(versions) == len(set(versions))
        await db.fetchall("SELECT note FROM invites")
    finally:
        await db.close()


async def test_database_newer_than_the_code_is_refused(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO schema_migrations (version, name) VALUES (1000, 'future')")
    await db.close()
    with pytest.raises(MigrationError, match="schema version 1000"):
        await Database.open(tmp_path / "a.db")


async def test_failed_transaction_changes_nothing(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO bot_state (key, value) VALUES ('a', 'b')")
                raise RuntimeError("boom")
        assert await db.fetchall("SELECT * FROM bot_state") == []
    finally:
        await db.close()


async def test_a_new_database_and_its_wal_are_readable_by_their_owner_only(tmp_path):
    previous = os.umask(0o022)  # the usual umask, which would leave them readable by everyone
    try:
        db = await Database.open(tmp_path / "a.db")
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'v')")
    finally:
        os.umask(previous)
    try:
        for name in ("a.db", "a.db-wal", "a.db-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    finally:
        await db.close()


async def test_inbox_rows_from_before_receipts_keep_their_update_id_as_receipt(tmp_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    db = await Database.open(tmp_path / "a.db")
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO inbox (update_id, payload, received_at) VALUES (600000007, '{}', 't')")
    await db.close()
    monkeypatch.undo()
    db = await Database.open(tmp_path / "a.db")
    try:
        row = await db.fetchone("SELECT id, update_id, status, confirmed FROM inbox")
        assert tuple(row) == (600000007, 600000007, "new", 0)
    finally:
        await db.close()


async def test_a_write_waits_for_another_process_and_that_wait_can_be_cancelled(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def write(value: str) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO bot_state (key, value) VALUES (?, ?)", (value, value))

    try:
        waiting = asyncio.create_task(write("a"))
        await asyncio.sleep(0.5)
        assert not waiting.done()  # longer than SQLite's own short busy wait
        started = time.monotonic()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert time.monotonic() - started < 1
        later = asyncio.create_task(write("b"))
        await asyncio.sleep(0.3)
        other.execute("ROLLBACK")
        await later
        assert [r[0] for r in await db.fetchall("SELECT key FROM bot_state")] == ["b"]
    finally:
        other.close()
        await db.close()


async def test_the_wal_is_emptied_in_a_worker_thread_not_in_a_commit_on_the_event_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "CHECKPOINT_WAL_BYTES", 64 * 1024)
    monkeypatch.setattr(db_module, "CHECKPOINT_LOOK_EVERY", 1)
    monkeypatch.setattr(db_module, "CHECKPOINT_SECONDS", 0.0)
    on_main_thread = []

    def watched(path, mode="TRUNCATE"):
        on_main_thread.append(threading.current_thread() is threading.main_thread())
        return checkpoint(path, mode)

    checkpoint = db_module._checkpoint
    monkeypatch.setattr(db_module, "_checkpoint", watched)
    db = await Database.open(tmp_path / "a.db")
    try:
        assert (await db.fetchone("PRAGMA wal_autocheckpoint"))[0] == 0  # no COMMIT copies pages on the loop
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE blobs (b BLOB)")
        wal = f"{tmp_path / 'a.db'}-wal"
        opened = os.stat(wal).st_size  # the migrations' pages
        for _ in range(300):  # about 1.2 MB written; the WAL would hold all of it
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO blobs VALUES (randomblob(4000))")
            while db._checkpointing is not None:
                await asyncio.sleep(0.001)
        assert on_main_thread and not any(on_main_thread)
        assert os.stat(wal).st_size < opened + 256 * 1024  # started over from its head, not grown by 1.2 MB
        assert (await db.fetchone("SELECT COUNT(*) FROM blobs"))[0] == 300
    finally:
        await db.close()
