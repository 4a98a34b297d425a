"""Invite links not yet used up, a group's or the team's, and revoking them."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.storage.db import Tx

# A short reference names a link without its token (kept only as a hash): g12 is row 12 of invites
# (a group's link), c3 row 3 of coordinator_invites (a link that makes someone a coordinator).
TABLES = {"g": "invites", "c": "coordinator_invites"}
COORDINATOR = "coordinator"
RESEARCHER = "researcher"


@dataclass(frozen=True)
class OpenLink:
    """An invite link with uses left: its short reference, when it was made, for whom, and by whom."""

    ref: str
    created_at: str
    group: str  # a group id, or "coordinator" or "researcher" (the role a team link gives)
    uses_left: int
    created_by: str


_OPEN = (
    "SELECT 'g' || id, created_at, group_id, max_uses - uses, created_by FROM invites"
    " WHERE uses < max_uses AND revoked_at IS NULL"
    " UNION ALL SELECT 'c' || id, created_at, role, max_uses - uses, created_by FROM coordinator_invites"
    " WHERE uses < max_uses AND revoked_at IS NULL"
)


async def open_links(tx: Tx) -> list[OpenLink]:
    """Returns every link with uses left that has not been revoked, oldest first."""
    rows = await tx.fetchall(f"SELECT * FROM ({_OPEN}) ORDER BY 2, 1")
    return [OpenLink(*r) for r in rows]


async def revoke_link(tx: Tx, ref: str, at: str) -> None:
    """Revokes a link by its short reference: it counts as used up from now on."""
    table = TABLES[ref[0]]
    await tx.execute(f"UPDATE {table} SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (at, int(ref[1:])))
