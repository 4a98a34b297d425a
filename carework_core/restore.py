"""Restoring a backup: what `carework restore BACKUP` asks of the core.

The copy is checked first (whole, carework's, a schema this code knows), then the running-bot lock is
taken so no bot runs on the database meanwhile (and none is running now). The current database is
kept aside under a dated name, with its write-ahead log (which may hold its latest commits), and the
checked copy takes its place whole: a private file written beside it, flushed, then renamed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from carework_core.errors import DatabaseUnavailable
from carework_core.run_lock import RunLock
from carework_core.storage.backup import BackupFacts
from carework_core.storage.migrations import MIGRATIONS
from carework_core.storage.restore import copy_backup, inspect_backup

__all__ = ["Restored", "restore"]


@dataclass(frozen=True)
class Restored:
    """What a restore did: what the restored copy holds, and where the file it replaced was kept."""

    facts: BackupFacts
    kept_aside: Path | None  # None: there was no database at the path before


def restore(backup: Path, database: Path, now: datetime) -> Restored:
    """Puts a checked backup where the database is, keeping the current file aside as
    <name>-before-restore-YYYYMMDD-HHMMSS<suffix>; refused while a bot runs on the database."""
    if not database.parent.is_dir():
        raise DatabaseUnavailable(f"cannot restore to {database}: no such folder; check CAREWORK_DATABASE")
    if backup.resolve() == database.resolve():
        raise DatabaseUnavailable(f"{backup} is the database itself; give a backup made by `carework backup`")
    facts = inspect_backup(backup, max(m.version for m in MIGRATIONS))
    lock = RunLock.take(database, "stop it before restoring")
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{database.name}.", suffix=".restoring", dir=database.parent)  # 0600
        os.close(fd)
        try:
            copy_backup(backup, Path(partial))
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            aside = _keep_aside(database, now)
            os.replace(partial, database)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
    finally:
        lock.release()
    return Restored(facts, aside)


def _keep_aside(database: Path, now: datetime) -> Path | None:
    """Renames the database, with its write-ahead log, to a dated name; the shared-memory index is only a
    cache of the log and is removed. Returns the new name, or None when there was no database."""
    if not database.exists():
        return None
    aside = database.with_name(f"{database.stem}-before-restore-{now:%Y%m%d-%H%M%S}{database.suffix}")
    if aside.exists():
        raise DatabaseUnavailable(f"{aside} already exists; try again in a second")
    os.rename(database, aside)
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        os.rename(wal, aside.with_name(aside.name + "-wal"))  # SQLite reads it with the file it now sits beside
    with contextlib.suppress(FileNotFoundError):
        os.unlink(database.with_name(database.name + "-shm"))
    return aside
