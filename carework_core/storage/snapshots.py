"""Each opened round's definition as people first saw it, stored as JSON."""

from __future__ import annotations

from carework_core.storage.db import Tx


async def keep_first_snapshot(tx: Tx, round_id: str, definition: str, stamp: str) -> None:
    """Stores a round's definition the first time it opens; later opens keep the first."""
    await tx.execute(
        "INSERT OR IGNORE INTO round_snapshots (round_id, definition, taken_at) VALUES (?, ?, ?)",
        (round_id, definition, stamp),
    )


async def snapshot_texts(tx: Tx) -> dict[str, str]:
    """Returns every stored round definition (JSON) by round id."""
    return {r[0]: r[1] for r in await tx.fetchall("SELECT round_id, definition FROM round_snapshots ORDER BY round_id")}
