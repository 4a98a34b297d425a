"""The audit log: what coordinators and researchers did, and when."""

from __future__ import annotations

from carework_core.storage.db import Tx


async def record_audit(tx: Tx, at: str, actor: str, action: str, subject: str, detail: str = "{}") -> None:
    """Records a coordinator or researcher action in the audit log."""
    await tx.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (at, actor, action, subject, detail),
    )


async def audit_entries(tx: Tx) -> list[tuple[str, str, str, str]]:
    """Returns every audit entry as (actor, action, subject, detail), oldest first."""
    rows = await tx.fetchall("SELECT actor, action, subject, detail FROM audit_log ORDER BY id")
    return [(r[0], r[1], r[2], r[3]) for r in rows]
