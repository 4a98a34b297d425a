"""The one-time pass that hashes invite tokens stored in clear before migration 14."""

from __future__ import annotations

from carework_core.storage.db import Tx

# The token column stays (NOT NULL UNIQUE since migration 1); a sealed row holds "#" and the hash
# there, which no clear token (URL-safe base64) can begin with.
TABLES = ("invites", "coordinator_invites")


async def clear_tokens(tx: Tx) -> list[tuple[str, int, str]]:
    """Returns (table, id, token) for every invite whose token is still stored in clear."""
    found = []
    for table in TABLES:
        rows = await tx.fetchall(f"SELECT id, token FROM {table} WHERE token_hash IS NULL")
        found += [(table, r[0], r[1]) for r in rows]
    return found


async def seal(tx: Tx, table: str, row_id: int, digest: str) -> None:
    """Stores an invite's token hash in place of its clear token."""
    assert table in TABLES
    await tx.execute(f"UPDATE {table} SET token_hash = ?, token = '#' || ? WHERE id = ?", (digest, digest, row_id))
