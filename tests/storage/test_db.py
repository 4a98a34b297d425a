import sqlite3

import pytest

from carework_core.errors import MigrationError
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
                await tx.execute("INSERT INTO consents (participant_id, statement_id, agreed, at) VALUES (99, 's', 1, 't')")
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
