"""What /healthz answers: whether the database takes a write, updates still arrive, and the loops run.

Each check names what is wrong in a few plain words, so a supervisor's log or `curl` says it at once;
no check names a person, an id or a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

PROBE_SECONDS = 2.0  # a write waits this long for another process's lock before the database counts as down


class Health:
    """Keeps when the schedule last ran, and checks everything else when asked."""

    def __init__(
        self,
        write: Callable[[], Awaitable[object]],
        contact_at: Callable[[], float],
        tasks: Callable[[], Mapping[str, asyncio.Task]],
        *,
        updates_within: float,
        schedule_within: float,
    ) -> None:
        self._write, self._contact_at, self._tasks = write, contact_at, tasks
        self.updates_within, self.schedule_within = updates_within, schedule_within
        self.scheduled_at = time.monotonic()

    def scheduled(self) -> None:
        """Records that the schedule's reconcile has just run."""
        self.scheduled_at = time.monotonic()

    async def problems(self) -> list[str]:
        """Returns what is not healthy, one short line each; empty when all is well."""
        found = [await self._database()]
        now = time.monotonic()
        contact = now - self._contact_at()
        if contact > self.updates_within:
            found.append(f"updates: none fetched or delivered for {contact:.0f} s")
        if now - self.scheduled_at > self.schedule_within:
            found.append(f"schedule: last ran {now - self.scheduled_at:.0f} s ago")
        tasks = self._tasks()
        if not tasks:
            found.append("bot: still starting")
        found += [f"{name}: stopped" for name, task in tasks.items() if task.done()]
        return [line for line in found if line]

    async def _database(self) -> str:
        try:
            await asyncio.wait_for(self._write(), PROBE_SECONDS)
        except TimeoutError:
            return f"database: takes no write (waited {PROBE_SECONDS:.0f} s: locked by another process?)"
        except Exception as exc:  # a full disk, a read-only file: named by its kind, never its text
            return f"database: takes no write ({type(exc).__name__})"
        return ""
