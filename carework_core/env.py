"""What every core service needs: the database, the validated definition and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.clock import Clock, iso
from carework_core.definitions.model import Consultation
from carework_core.storage.audit import record_audit
from carework_core.storage.db import Database, Tx


@dataclass(frozen=True)
class Env:
    db: Database
    consultation: Consultation
    clock: Clock

    def stamp(self) -> str:
        """Returns the current time as stored in the database."""
        return iso(self.clock.now())


async def audit(tx: Tx, env: Env, actor: str, action: str, subject: str, detail: str = "{}") -> None:
    """Records a coordinator or researcher action in the audit log, stamped with the env's clock."""
    await record_audit(tx, env.stamp(), actor, action, subject, detail)
