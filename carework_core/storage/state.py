"""Small pieces of the bot's own state, such as its username, by key."""

from __future__ import annotations

from carework_core.storage.db import Tx


async def read_state(tx: Tx, key: str) -> str | None:
    """Returns the value stored under key, if any."""
    row = await tx.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
    return row[0] if row else None


async def write_state(tx: Tx, key: str, value: str) -> None:
    """Stores value under key, replacing what was there."""
    await tx.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
