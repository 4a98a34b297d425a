"""Reading a backup before it is restored: is it whole, is it carework's, and what does it hold.

The copy is opened read-only, so looking at it never changes it; it is then copied with SQLite's
online backup into a private file beside the database, which only then takes the database's name.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from carework_core.errors import DatabaseUnavailable
from carework_core.storage.backup import BackupFacts


def inspect_backup(backup: Path, newest: int) -> BackupFacts:
    """Checks a backup (SQLite's integrity check, a schema no newer than `newest`) and returns what it holds;
    raises DatabaseUnavailable naming the file and what is wrong."""
    if not backup.is_file():
        raise DatabaseUnavailable(f"there is no backup at {backup}")
    copy = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        checked = copy.execute("PRAGMA integrity_check").fetchall()
        if checked != [("ok",)]:
            problems = "; ".join(str(r[0]) for r in checked[:3])
            raise DatabaseUnavailable(f"{backup} failed SQLite's integrity check ({problems}); nothing was restored")
        version = _count(copy, "SELECT MAX(version) FROM schema_migrations", backup)
        if version > newest:
            raise DatabaseUnavailable(
                f"{backup} is at schema version {version} but this carework knows only up to {newest}; "
                "upgrade carework before restoring it"
            )
        participants = _count(copy, "SELECT COUNT(*) FROM participants", backup)
        answers = _count(copy, "SELECT COUNT(*) FROM answers", backup)
        return BackupFacts(version, participants, answers, backup.stat().st_size)
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"{backup} is not a readable SQLite database ({exc}); nothing was restored") from None
    finally:
        copy.close()


def copy_backup(backup: Path, partial: Path) -> None:
    """Copies a checked backup into the file at `partial` (made private by the caller), as one file."""
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one file; the bot turns WAL on when it opens it
    finally:
        target.close()
        source.close()


def _count(conn: sqlite3.Connection, sql: str, backup: Path) -> int:
    try:
        return int(conn.execute(sql).fetchone()[0] or 0)
    except sqlite3.OperationalError:
        raise DatabaseUnavailable(f"{backup} is not a carework database; nothing was restored") from None
