"""Backing up the database: what `carework backup` asks of the core (the shell never reaches storage).

It does not open the database through Services: a backup must not migrate, seal invites or start
anything, only copy what is there (see carework_core.storage.backup for how)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from carework_core.errors import DatabaseUnavailable
from carework_core.storage.backup import BackupFacts, backup_database

__all__ = ["BackupFacts", "back_up", "daily_backup"]


def back_up(database: Path, target: Path) -> BackupFacts:
    """Copies the live database into a new private file at target, checked before it gets its name."""
    return backup_database(database, target)


def daily_backup(database: Path, folder: Path, day: date, keep: int) -> Path | None:
    """Makes the day's copy, <database name>-YYYYMMDD.db in a private folder, unless it exists; then
    deletes all but the newest `keep`. Returns the new copy, or None when the day had one already."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot make the backup folder {folder}: {exc.strerror}") from None
    target = folder / f"{database.stem}-{day:%Y%m%d}.db"
    if target.exists():
        return None
    back_up(database, target)
    ours = re.compile(rf"{re.escape(database.stem)}-\d{{8}}\.db")
    copies = sorted(p for p in folder.iterdir() if ours.fullmatch(p.name))
    for old in copies[:-keep]:
        os.unlink(old)
    return target
