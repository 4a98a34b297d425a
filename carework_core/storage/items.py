"""The item sets people rate (the researchers' synthesis), and the rounds that use them."""

from __future__ import annotations

from carework_core.storage.db import Tx


async def item_rows(tx: Tx, item_set: str) -> list[tuple[str, str]]:
    """Returns an item set's (item id, text) pairs in order; empty when none are loaded."""
    rows = await tx.fetchall("SELECT item_id, text FROM items WHERE item_set = ? ORDER BY position", (item_set,))
    return [(r[0], r[1]) for r in rows]


async def replace_items(tx: Tx, item_set: str, items: list[tuple[str, str]]) -> None:
    """Replaces an item set with the given (item id, text) pairs, in order."""
    await tx.execute("DELETE FROM items WHERE item_set = ?", (item_set,))
    await tx.executemany(
        "INSERT INTO items (item_set, item_id, position, text) VALUES (?, ?, ?, ?)",
        [(item_set, item_id, n, text) for n, (item_id, text) in enumerate(items)],
    )


async def opened_rounds(tx: Tx, round_ids: list[str]) -> list[str]:
    """Returns which of these rounds have ever opened (a round gets its row when it first opens)."""
    marks = ",".join("?" * len(round_ids))
    rows = await tx.fetchall(f"SELECT round_id FROM rounds WHERE round_id IN ({marks}) ORDER BY round_id", round_ids)
    return [r[0] for r in rows]


async def item_texts(tx: Tx) -> dict[tuple[str, str], str]:
    """Returns the text of every loaded item, by (item set, item id)."""
    return {(r[0], r[1]): r[2] for r in await tx.fetchall("SELECT item_set, item_id, text FROM items")}
