"""The files the `carework` command takes as its database, and the ones it leaves beside it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

from tests.bot.test_cli import carework, round_statuses
from tests.conftest import MINI, ROOT

COMMANDS = (
    ["status"],
    ["round", "status"],
    ["round", "open", "r1"],
    ["invite", "--group", "lived"],
    ["validate", str(MINI), "--database", "{db}"],
)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes, to show that nothing was written."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def env_for(database: Path) -> dict[str, str]:
    return {"CAREWORK_DATABASE": str(database), "CAREWORK_SURVEY": str(MINI), "CAREWORK_BOT_USERNAME": "b"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_an_empty_file_a_private_database(tmp_path):
    database = tmp_path / "pre.db"
    database.touch(mode=0o644)
    database.chmod(0o644)  # as `touch` leaves it under the usual umask
    made = carework("init", env=env_for(database))
    assert made.returncode == 0 and made.stdout.strip() == f"created {database}"
    conn = sqlite3.connect(database)  # a reader makes -wal and -shm: SQLite gives them the database's mode
    try:
        assert conn.execute("SELECT COUNT(*) FROM rounds").fetchone() == (0,)
        modes = {p.name: mode(p) for p in tmp_path.iterdir()}
    finally:
        conn.close()
    assert modes == {"pre.db": 0o600, "pre.db-wal": 0o600, "pre.db-shm": 0o600, "pre.db.key": 0o600}


def test_an_empty_file_is_refused_by_every_command_but_init_and_nothing_is_written(tmp_path):
    database = tmp_path / "pre.db"
    database.touch()
    for command in [*COMMANDS, ["run"]]:
        args = [part.replace("{db}", str(database)) for part in command]
        env = env_for(database) | {"CAREWORK_TELEGRAM_TOKEN": "1:x", "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9"}
        result = carework(*args, env=env)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.strip() == (
            f"error: {database} is an empty file, not a carework database; nothing was written to it. "
            "Check CAREWORK_DATABASE, or make it one with `carework init`"
        ), command
    assert fingerprint(tmp_path) == {"pre.db": hashlib.sha256(b"").hexdigest()}


def test_another_programs_sqlite_file_is_refused_by_every_command_and_nothing_is_written(tmp_path):
    database = tmp_path / "other.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, dirty INTEGER)")
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('milk, eggs')")
    conn.close()
    before = fingerprint(tmp_path)
    for command in [*COMMANDS, ["init"], ["run"], ["export", str(tmp_path / "out.xlsx")]]:
        args = [part.replace("{db}", str(database)) for part in command]
        env = env_for(database) | {"CAREWORK_TELEGRAM_TOKEN": "1:x", "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9"}
        result = carework(*args, env=env)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.strip() == (
            f"error: {database} is an SQLite database of another program, not a carework database; "
            "nothing was written to it. Check CAREWORK_DATABASE"
        ), command
    assert fingerprint(tmp_path) == before


def test_a_file_that_is_not_sqlite_is_refused_by_init_too(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: milk, eggs\n")
    result = carework("init", env=env_for(notes))
    assert result.returncode == 1 and result.stderr.strip() == (
        f"error: {notes} is not a carework database (SQLite says: file is not a database); check CAREWORK_DATABASE"
    )
    assert fingerprint(tmp_path) == {"notes.db": hashlib.sha256(b"shopping list: milk, eggs\n").hexdigest()}


def test_the_invite_key_beside_the_database_is_ignored_by_git():
    for name in ("carework.db.key", "data/carework.db.key", "pre.db.key"):
        ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", name], cwd=ROOT)
        assert ignored.returncode == 0, f"{name} is not covered by .gitignore"


def test_extending_a_draft_round_whose_window_passed_opens_it(tmp_path):
    past = tmp_path / "past.yaml"
    past.write_text(
        MINI.read_text().replace(
            "    minutes: 5\n",
            "    minutes: 5\n    schedule:\n      opens: 2026-01-12 09:00\n      closes: 2026-01-21 21:00\n",
            1,
        )
    )
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(past)}
    assert carework("init", env=env).returncode == 0
    refused = carework("round", "open", "r1", env=env)
    assert refused.returncode == 1 and "give it a new closing time instead: carework round extend r1" in refused.stderr
    extended = carework("round", "extend", "r1", "2099-03-06 17:00", env=env)
    assert extended.returncode == 0, extended.stderr
    assert (
        extended.stdout.strip()
        == "round r1 now closes Fri 6 Mar 2099 17:00; its planned opening had passed, so it is open now"
    )
    assert round_statuses(carework("round", "status", env=env)) == ["r1", "open", "r2", "draft"]


def test_extending_a_draft_round_with_no_opening_says_that_round_open_comes_next(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    extended = carework("round", "extend", "r1", "2099-03-06 17:00", env=env)
    assert extended.returncode == 0, extended.stderr
    assert extended.stdout.strip() == (
        "round r1 now closes Fri 6 Mar 2099 17:00; it is still a draft: open it with `carework round open r1`"
    )
    assert round_statuses(carework("round", "status", env=env)) == ["r1", "draft", "r2", "draft"]


def test_a_pipe_is_not_taken_for_an_empty_file(tmp_path):
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe, 0o644)
    result = carework("init", env=env_for(pipe))
    assert result.returncode == 1 and result.stderr.strip() == (
        f"error: {pipe} is not a regular file, so not a carework database; check CAREWORK_DATABASE"
    )
    assert mode(pipe) == 0o644 and sorted(p.name for p in tmp_path.iterdir()) == ["pipe.db"]


def test_a_key_file_that_is_not_a_key_is_named_without_its_content(tmp_path):
    env = env_for(tmp_path / "c.db")
    assert carework("init", env=env).returncode == 0
    (tmp_path / "c.db.key").write_text("my shopping list\n")
    result = carework("round", "status", env=env)
    assert result.returncode == 1 and result.stderr.strip() == (
        f"error: {tmp_path / 'c.db.key'} is not an invite key (hex digits on one line); "
        "restore it from where you keep it safe, or set CAREWORK_INVITE_KEY"
    )
