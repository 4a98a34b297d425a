"""`carework restore BACKUP` on real files: refused while a real `carework run` uses the database, refused
for a corrupt or newer copy (naming it), and a restored copy serves the next run."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.storage.migrations import MIGRATIONS
from tests.bot.test_cli import carework
from tests.e2e.conftest import TOKEN
from tests.e2e.test_crash import BURST, join, start_bot

pytestmark = pytest.mark.slow
NEWEST = max(m.version for m in MIGRATIONS)


def settings(db: Path) -> dict[str, str]:
    return {"CAREWORK_DATABASE": str(db), "CAREWORK_SURVEY": str(BURST)}


async def joined(client: EmulatorClient, db: Path, n: int):
    """Returns a person who joined through a link, the link made on a connection closed at once."""
    services = await Services.open(db, BURST, SystemClock(), create=False)
    try:
        return await join(client, services, n)
    finally:
        await services.close()


async def open_round(db: Path) -> None:
    services = await Services.open(db, BURST, SystemClock(), create=False)
    try:
        await services.rounds.open_round("r1", actor="test")
    finally:
        await services.close()


async def test_a_restore_is_refused_while_the_bot_runs_and_the_restored_copy_serves_the_next_run(tmp_path):
    db, log, copy = _made(tmp_path / "carework.db"), tmp_path / "bot.log", tmp_path / "monday.db"
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        bot = start_bot(emulator.url, db, log)
        try:
            ann = await joined(client, db, 1)
            assert carework("backup", str(copy), env=settings(db)).returncode == 0
            await joined(client, db, 2)  # after the backup: the restore takes her out again
            refused = carework("restore", str(copy), env=settings(db))
            assert refused.returncode == 1 and refused.stderr.strip() == (
                f"error: a bot is running on {db} (or a restore is under way); stop it before restoring"
            )
            bot_settings = {"CAREWORK_TELEGRAM_TOKEN": TOKEN, "CAREWORK_TELEGRAM_API_URL": emulator.url}
            second = carework("run", env=settings(db) | bot_settings)
            assert second.returncode == 1 and second.stderr.strip() == (
                f"error: a bot is running on {db} (or a restore is under way); stop it before starting another"
            )
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=20) == 0
        done = carework("restore", str(copy), env=settings(db))
        assert done.returncode == 0, done.stderr
        (aside,) = tmp_path.glob("carework-before-restore-*.db")
        assert done.stdout.startswith(
            f"restored {copy} to {db}: schema version {NEWEST}, 1 participants, 0 answers; integrity ok; "
            f"the file it replaced is kept as {aside}."
        )
        kept = sqlite3.connect(aside)
        assert kept.execute("SELECT COUNT(*) FROM participants").fetchone() == (2,)  # nothing lost on the way
        kept.close()
        assert db.stat().st_mode & 0o777 == 0o600
        bot = start_bot(emulator.url, db, log)
        try:
            await open_round(db)
            await ann.wait_for(lambda chat: any(m.text.startswith("Round 1") for m in chat), timeout=20)
            await ann.tap("Start")
            await ann.wait_for(lambda chat: chat[-1].text.startswith("Question 1 of 1"), timeout=20)
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=20) == 0
    assert "bot started" in log.read_text()


def _made(path: Path) -> Path:
    """Returns a carework database made by `carework init` at path."""
    assert carework("init", env=settings(path)).returncode == 0
    return path


def test_a_corrupt_a_foreign_or_a_newer_copy_is_refused_by_name_and_the_database_is_left_alone(tmp_path):
    db = _made(tmp_path / "carework.db")
    before = db.read_bytes()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 200)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    newer = _made(tmp_path / "newer.db")
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    damaged = _made(tmp_path / "damaged.db")
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 200] = b"\xff" * 200  # a table's page overwritten
    damaged.write_bytes(bytes(data))
    said = {
        name: carework("restore", str(tmp_path / name), env=settings(db))
        for name in ("garbage.db", "foreign.db", "newer.db", "damaged.db", "missing.db")
    }
    assert {name: r.returncode for name, r in said.items()} == dict.fromkeys(said, 1)
    errors = {name: r.stderr.strip() for name, r in said.items()}
    assert errors["garbage.db"].startswith(f"error: {garbage} is not a readable SQLite database (")
    assert errors["foreign.db"] == f"error: {foreign} is not a carework database; nothing was restored"
    assert errors["newer.db"] == (
        f"error: {newer} is at schema version 999 but this carework knows only up to {NEWEST}; "
        "upgrade carework before restoring it"
    )
    assert errors["damaged.db"].startswith(f"error: {damaged} ")
    assert "integrity check" in errors["damaged.db"] or "malformed" in errors["damaged.db"]
    assert errors["missing.db"] == f"error: there is no backup at {tmp_path / 'missing.db'}"
    assert db.read_bytes() == before and not list(tmp_path.glob("*before-restore*"))


def test_a_restore_where_there_is_no_database_yet_puts_the_copy_there(tmp_path):
    copy = _made(tmp_path / "copy.db")
    target = tmp_path / "new" / "carework.db"
    target.parent.mkdir()
    done = carework("restore", str(copy), env=settings(target))
    assert done.returncode == 0, done.stderr
    assert "kept as" not in done.stdout and "0 participants, 0 answers" in done.stdout
    restored = sqlite3.connect(target)
    assert restored.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (NEWEST,)
    restored.close()
    assert target.stat().st_mode & 0o777 == 0o600
