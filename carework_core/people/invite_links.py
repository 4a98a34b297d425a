"""Invite links still open, and revoking them: tokens are kept only as hashes, so a link is named by a
short reference (g12, c3) with when it was made, for which group and how many uses it has left."""

from __future__ import annotations

import json
import re

from carework_core.env import Env, audit
from carework_core.errors import NotFound
from carework_core.storage import invite_links as stored
from carework_core.storage.db import Tx
from carework_core.storage.invite_links import COORDINATOR, RESEARCHER, OpenLink

__all__ = ["COORDINATOR", "RESEARCHER", "InviteLinks", "OpenLink"]
REFERENCE = re.compile(r"[gcGC][0-9]{1,9}", re.ASCII)


class InviteLinks:
    def __init__(self, env: Env):
        self.env = env

    async def unused(self) -> list[OpenLink]:
        """Returns every invite link that still has uses left, oldest first."""
        async with self.env.db.reading() as tx:
            return await stored.open_links(tx)

    async def revoke(self, refs: list[str], actor: str) -> list[OpenLink]:
        """Revokes these links (all or none): a link that is not open is refused by name."""
        async with self.env.db.transaction() as tx:
            links = {link.ref: link for link in await stored.open_links(tx)}
            for ref in refs:
                if not REFERENCE.fullmatch(ref):
                    raise NotFound(f"{ref[:20]!r} is not a link reference such as g12 or c3; /revoke lists them")
                if ref.lower() not in links:
                    raise NotFound(
                        f"there is no unused invite link {ref}; `carework invite list` (or /revoke) shows them"
                    )
            chosen = [links[r.lower()] for r in dict.fromkeys(refs)]
            await self._revoke(tx, chosen, actor)
        return chosen

    async def revoke_unused(self, actor: str, group: str | None = None) -> list[OpenLink]:
        """Revokes every unused link, or those of one group (or "coordinator" or "researcher"); returns them."""
        known = [g.id for g in self.env.consultation.groups]
        if group is not None and group not in [*known, COORDINATOR, RESEARCHER]:
            raise NotFound(
                f"there is no group called {group[:40]!r}; write one of {', '.join(known)}, {COORDINATOR} or "
                f"{RESEARCHER}"
            )
        async with self.env.db.transaction() as tx:
            chosen = [link for link in await stored.open_links(tx) if group in (None, link.group)]
            await self._revoke(tx, chosen, actor)
        return chosen

    async def _revoke(self, tx: Tx, links: list[OpenLink], actor: str) -> None:
        for link in links:
            await stored.revoke_link(tx, link.ref, self.env.stamp())
            detail = json.dumps({"group": link.group, "uses_left": link.uses_left})
            await audit(tx, self.env, actor, "revoke_invite", link.ref, detail)
