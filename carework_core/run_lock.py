"""The mark of a running bot: `carework run` holds an advisory lock on <database>.lock while it runs.

SQLite's own locks last one transaction, so they cannot say whether a bot is running; a lock held by
the process itself can, and the kernel lets go of it however the process ends (even SIGKILL), so a
crash never leaves a stale mark. `carework restore` takes the same lock while it swaps the files: a
restore refuses while a bot runs, and a bot started during a restore refuses to run.
"""

from __future__ import annotations

import os
from pathlib import Path

from carework_core.errors import DatabaseUnavailable

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; the bot runs on Linux or macOS in production
    fcntl = None  # type: ignore[assignment]


def lock_path(database: Path) -> Path:
    """Returns the lock file of a database: <database>.lock beside it."""
    return database.with_name(database.name + ".lock")


class RunLock:
    """An exclusive advisory lock on a database's lock file, held until released or the process ends."""

    def __init__(self, database: Path, descriptor: int | None):
        self.database = database
        self._descriptor = descriptor

    @classmethod
    def take(cls, database: Path, then: str) -> RunLock:
        """Takes the lock, or raises DatabaseUnavailable naming the database and what to do `then`."""
        if fcntl is None:
            return cls(database, None)
        descriptor = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise DatabaseUnavailable(f"a bot is running on {database} (or a restore is under way); {then}") from None
        return cls(database, descriptor)

    def release(self) -> None:
        """Lets go of the lock (closing the file lets go of it)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None
