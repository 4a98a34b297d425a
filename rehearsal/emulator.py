"""The emulator in a process of its own, as Telegram is a server of its own.

In the bot's process the emulator would meet the bot's requests only when the bot's event loop let
it, so a busy moment (a hundred /mydata texts being written) reached it as one clump: flood control
that Telegram, stamping each request as it arrives, would not have applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

STARTING_SECONDS = 60.0


@contextlib.asynccontextmanager
async def emulator_process(
    *, trace: Path | None = None, faults: float = 0.0, seed: int | None = None, flood_control: bool = True
) -> AsyncIterator[str]:
    """Runs `carework emulator` on a free loopback port for the block and yields its URL."""
    command = [sys.executable, "-m", "bot.cli.main", "emulator", "--port", "0", "--faults", str(faults)]
    command += ["--trace", str(trace)] if trace is not None else []
    command += ["--seed", str(seed)] if seed is not None else []
    command += [] if flood_control else ["--no-flood-control"]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    draining: asyncio.Task | None = None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), STARTING_SECONDS)
        if not line:
            raise RuntimeError(f"the emulator stopped before it listened (exit code {await process.wait()})")
        draining = asyncio.create_task(process.stdout.read())  # anything it prints later never fills the pipe
        yield line.decode().split()[-1]
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()
        if draining is not None:
            await draining  # at its end of file, now that it has stopped
