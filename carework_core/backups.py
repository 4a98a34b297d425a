"""Backing up the database: what `carework backup` asks of the core (the shell never reaches storage).

It does not open the database through Services: a backup must not migrate, seal invites or start
anything, only copy what is there (see carework_core.storage.backup for how)."""

from __future__ import annotations

from pathlib import Path

from carework_core.storage.backup import BackupFacts, backup_database

__all__ = ["BackupFacts", "back_up"]


def back_up(database: Path, target: Path) -> BackupFacts:
    """Copies the live database into a new private file at target, checked before it gets its name."""
    return backup_database(database, target)
