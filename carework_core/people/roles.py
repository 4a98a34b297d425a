"""Team roles: a coordinator runs rounds, reminds, announces and approves summaries; a researcher does all
that and also downloads the data (exports, voice notes, the report).

CAREWORK_COORDINATORS and CAREWORK_RESEARCHERS name team members by Telegram id and decide their role
(an id in both is a researcher); a team link says which role it gives. Every role given, changed or
taken away is in the audit log, naming the member `coordinator:N`, never by Telegram id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from carework_core.env import Env, audit
from carework_core.errors import CareworkError
from carework_core.storage import coordinators as stored
from carework_core.storage.coordinators import TeamMember
from carework_core.storage.db import Tx

Role = Literal["coordinator", "researcher"]
COORDINATOR: Role = "coordinator"
RESEARCHER: Role = "researcher"
ROLES: tuple[Role, ...] = (COORDINATOR, RESEARCHER)


@dataclass(frozen=True)
class Roster:
    """Who the settings name, by Telegram id: they decide the role of those they name."""

    coordinators: frozenset[int] = frozenset()
    researchers: frozenset[int] = frozenset()

    def __contains__(self, telegram_user_id: object) -> bool:
        return telegram_user_id in self.coordinators or telegram_user_id in self.researchers

    def role_of(self, telegram_user_id: int) -> Role | None:
        """Returns the role the settings give this Telegram user, or None when they do not name them."""
        if telegram_user_id in self.researchers:
            return RESEARCHER
        return COORDINATOR if telegram_user_id in self.coordinators else None

    def setting_of(self, telegram_user_id: int) -> str:
        """Returns the name of the setting that names this Telegram user."""
        return "CAREWORK_RESEARCHERS" if telegram_user_id in self.researchers else "CAREWORK_COORDINATORS"


def roster(named: Roster | frozenset[int]) -> Roster:
    """Returns the settings' roster; a plain set of ids names coordinators."""
    return named if isinstance(named, Roster) else Roster(coordinators=frozenset(named))


def check_role(role: str) -> Role:
    """Returns the role, or raises a CareworkError naming the two there are."""
    if role not in ROLES:
        raise CareworkError(f"there is no role {role[:30]!r}; a team member is a {COORDINATOR} or a {RESEARCHER}")
    return role  # type: ignore[return-value]


async def give_role(tx: Tx, env: Env, member: TeamMember, role: Role, actor: str) -> bool:
    """Gives a team member a new role and audits it; returns False when they had it already."""
    if member.role == role:
        return False
    await stored.set_role(tx, member.id, role)
    detail = json.dumps({"from": member.role, "to": role})
    await audit(tx, env, actor, "change_role", f"coordinator:{member.id}", detail)
    return True


async def audit_granted(tx: Tx, env: Env, coordinator_id: int, role: str, actor: str, by: str) -> None:
    """Audits a role given to someone new on the team, and how (settings or invite)."""
    detail = json.dumps({"role": role, "by": by})
    await audit(tx, env, actor, "grant_role", f"coordinator:{coordinator_id}", detail)
