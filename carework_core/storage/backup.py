"""A consistent copy of the live database, safe to take while the bot runs.

Copying carework.db with `cp` can miss what is still in its write-ahead log (carework.db-wal) or catch
a page half-written; SQLite's online backup copies the database as one transaction sees it. The copy
is written to a private file (0600) beside the target, checked with `PRAGMA integrity_check`, flushed
to disk and only then given its name, so a target either is a whole, checked backup or does not exist.
The invite key (<database>.key) is not copied: it must be kept apart from the data.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from carework_core.errors import DatabaseUnavailable

# One step: in WAL mode the copy reads one snapshot while the bot goes on writing. Copying in
# slices instead would start again after every write the bot made, and a busy bot writes often.
PAGES_PER_STEP = -1


@dataclass(frozen=True)
class BackupFacts:
    """What a backup holds, for the line the command prints."""

    schema_version: int
    participants: int
    answers: int
    size_bytes: int


def backup_database(source: Path, target: Path) -> BackupFacts:
    """Copies the database at source into a new file at target; never overwrites, never leaves a part."""
    if target.exists():
        raise DatabaseUnavailable(f"{target} already exists; a backup never overwrites a file")
    if not target.parent.is_dir():
        raise DatabaseUnavailable(f"cannot back up to {target}: no such folder")
    if not source.is_file():
        raise DatabaseUnavailable(f"there is no database at {source}; check CAREWORK_DATABASE")
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)  # 0600
    os.close(fd)
    try:
        facts = _copy(source, Path(partial))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        _name(Path(partial), target)
        return facts
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)


def _name(partial: Path, target: Path) -> None:
    """Gives the checked copy its name without ever replacing a file that appeared there meanwhile."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise DatabaseUnavailable(f"{target} already exists; a backup never overwrites a file") from None
    except OSError:  # a file system without hard links: the existence check above has to do
        os.replace(partial, target)


def _copy(source: Path, partial: Path) -> BackupFacts:
    live = sqlite3.connect(f"file:{source}?mode=rw", uri=True)  # never creates a database where none was
    copy = sqlite3.connect(partial)
    try:
        live.execute("PRAGMA busy_timeout = 10000")
        live.backup(copy, pages=PAGES_PER_STEP)
        copy.execute("PRAGMA journal_mode = DELETE")  # the copy stands alone: one file, no -wal beside it
        checked = copy.execute("PRAGMA integrity_check").fetchall()
        if checked != [("ok",)]:
            problems = "; ".join(str(r[0]) for r in checked[:3])
            raise DatabaseUnavailable(f"the copy of {source} failed SQLite's integrity check: {problems}")
        return BackupFacts(
            _one(copy, "SELECT MAX(version) FROM schema_migrations", source),
            _one(copy, "SELECT COUNT(*) FROM participants", source),
            _one(copy, "SELECT COUNT(*) FROM answers", source),
            partial.stat().st_size,
        )
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"cannot back up {source}: {exc}") from None
    finally:
        copy.close()
        live.close()


def _one(conn: sqlite3.Connection, sql: str, source: Path) -> int:
    try:
        return int(conn.execute(sql).fetchone()[0] or 0)
    except sqlite3.OperationalError:
        raise DatabaseUnavailable(f"{source} is not a carework database; check CAREWORK_DATABASE") from None
