"""The consultation team: who is a coordinator, how someone becomes one, and announcements.

Coordinators are named by Telegram id in the settings, or join through a coordinator invite link.
Either way they get a row of their own, so the audit log names them `coordinator:N` and never by
Telegram id. A coordinator is not a participant: they never see the consent questions.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from carework_core.clock import iso
from carework_core.env import Env, audit
from carework_core.errors import CareworkError, InviteUsedUp, NotFound
from carework_core.messaging.messages import Lane, OutgoingMessage, utf16_units
from carework_core.people.invite_tokens import check_uses, token_hash
from carework_core.people.roles import COORDINATOR, RESEARCHER, Role, Roster, audit_granted, give_role, roster
from carework_core.rounds.effects import Effect, record_effects
from carework_core.rounds.schedule import quiet_end
from carework_core.storage import coordinators as stored
from carework_core.storage.coordinators import Announcement, TeamMember
from carework_core.storage.db import Tx

__all__ = ["Announcement", "Coordinator", "Coordinators", "Held", "Joined", "OnTeam", "Roster", "Sent", "TeamMember"]

EVERYONE = "all"
# Telegram takes 4,096 UTF-16 units in one message; the coordinator's preview adds a line of its own.
MAX_ANNOUNCEMENT = 4000


@dataclass(frozen=True)
class Coordinator:
    id: int
    role: str = COORDINATOR

    @property
    def researcher(self) -> bool:
        """Says whether this member may download the data (exports, voice notes, the report)."""
        return self.role == RESEARCHER

    @property
    def actor(self) -> str:
        """Returns how the audit log names this coordinator."""
        return f"coordinator:{self.id}"


@dataclass(frozen=True)
class Joined:
    """Someone has just joined the team through a coordinator link."""

    coordinator: Coordinator


@dataclass(frozen=True)
class OnTeam:
    """A coordinator opened the bot again (with or without a link)."""

    coordinator: Coordinator


@dataclass(frozen=True)
class Sent:
    announcement_id: int
    audience: str
    recipients: int


@dataclass(frozen=True)
class Held:
    """An announcement confirmed in quiet hours: it goes to its audience when they end."""

    announcement_id: int
    audience: str
    recipients: int  # how many it would reach now
    goes_at: datetime  # UTC


class Coordinators:
    def __init__(self, env: Env, invite_key: bytes):
        self.env = env
        self.invite_key = invite_key

    async def member(
        self, telegram_user_id: int, chat_id: int, configured: Roster | frozenset[int]
    ) -> Coordinator | None:
        """Returns the team member behind a Telegram user; one named in the settings is recorded on first use."""
        async with self.env.db.reading() as tx:
            found = await stored.member_role(tx, telegram_user_id)
        role = roster(configured).role_of(telegram_user_id)
        if found is None and role is not None:
            async with self.env.db.transaction() as tx:
                new = await stored.add_coordinator(tx, telegram_user_id, chat_id, self.env.stamp(), "settings", role)
                await audit_granted(tx, self.env, new, role, "settings", "settings")
            found = (new, role)
        return Coordinator(*found) if found is not None else None

    async def start(
        self, telegram_user_id: int, chat_id: int, token: str | None, configured: Roster | frozenset[int]
    ) -> Joined | OnTeam | None:
        """Handles /start for the team: a coordinator link makes a coordinator; None means not the team's."""
        known = await self.member(telegram_user_id, chat_id, configured)
        if known is not None:
            return OnTeam(known)
        if not token:
            return None
        digest = token_hash(self.invite_key, token)
        async with self.env.db.reading() as tx:  # most links are participants': no write lock for them
            if not await stored.is_coordinator_token(tx, digest):
                return None
        async with self.env.db.transaction() as tx:
            used = await stored.use_coordinator_invite(tx, digest)
            if used is None:
                return None  # not a coordinator link: perhaps a participant's
            if not used:
                raise InviteUsedUp("this coordinator link has already been used")
            role = str(used)
            added = await stored.add_coordinator(tx, telegram_user_id, chat_id, self.env.stamp(), "invite", role)
            joined = Coordinator(added, role)
            await audit(tx, self.env, joined.actor, "join_team", joined.actor)
            await audit_granted(tx, self.env, joined.id, role, joined.actor, "invite")
        return Joined(joined)

    async def team(self) -> list[TeamMember]:
        """Returns every coordinator on the team, in joining order."""
        async with self.env.db.reading() as tx:
            return await stored.team(tx)

    async def remove(self, coordinator_id: int, actor: str, configured: Roster | frozenset[int]) -> TeamMember:
        """Takes a coordinator off the team; one the settings name is refused, as they decide for them."""
        async with self.env.db.transaction() as tx:
            found = await self._unnamed(tx, coordinator_id, configured, "take their id out of it")
            await self._remove(tx, found, actor)
        return found

    async def set_role(
        self, coordinator_id: int, role: Role, actor: str, configured: Roster | frozenset[int]
    ) -> tuple[TeamMember, bool]:
        """Gives a team member a role; one the settings name is refused. Returns them and whether it changed."""
        async with self.env.db.transaction() as tx:
            found = await self._unnamed(tx, coordinator_id, configured, "move their id to the other setting")
            return found, await give_role(tx, self.env, found, role, actor)

    async def _unnamed(
        self, tx: Tx, coordinator_id: int, configured: Roster | frozenset[int], change: str
    ) -> TeamMember:
        """Returns a team member the settings do not name, or raises a CareworkError saying why not."""
        found = next((m for m in await stored.team(tx) if m.id == coordinator_id), None)
        if found is None:
            raise NotFound(f"there is no coordinator {coordinator_id} on the team; the list shows who is")
        named = roster(configured)
        if found.telegram_user_id in named:
            raise CareworkError(
                f"coordinator {coordinator_id} is named in {named.setting_of(found.telegram_user_id)}, which decides "
                f"for those it names: {change} and restart the bot"
            )
        return found

    async def settle(self, configured: Roster | frozenset[int]) -> list[int]:
        """At start-up: takes off the team everyone added from the settings whom they no longer name, and gives
        those they name the role they name; returns the ids taken off. Those who joined through a link stay."""
        named = roster(configured)
        async with self.env.db.transaction() as tx:
            members = await stored.team(tx)
            dropped = [m for m in members if m.added_by == "settings" and m.telegram_user_id not in named]
            for member in dropped:
                await self._remove(tx, member, "settings")
            for member in members:
                role = named.role_of(member.telegram_user_id)
                if role is not None:
                    await give_role(tx, self.env, member, role, "settings")
        return [m.id for m in dropped]

    async def _remove(self, tx: Tx, member: TeamMember, actor: str) -> None:
        await stored.remove_coordinator(tx, member.id, self.env.stamp())
        detail = json.dumps({"role": member.role})
        await audit(tx, self.env, actor, "remove_coordinator", Coordinator(member.id).actor, detail)

    async def create_invite(self, uses: int, actor: str, role: Role = COORDINATOR) -> str:
        """Creates an unguessable team invite token, making a coordinator or a researcher, usable `uses` times."""
        check_uses(uses)
        token = "team" + secrets.token_urlsafe(18)
        digest = token_hash(self.invite_key, token)
        async with self.env.db.transaction() as tx:
            await stored.add_coordinator_invite(tx, digest, uses, self.env.stamp(), actor, role)
            detail = json.dumps({"uses": uses, "role": role})
            await audit(tx, self.env, actor, "create_coordinator_invite", "team", detail)
        return token

    def groups_of(self, audience: str) -> list[str]:
        """Returns the groups an audience (a group id or "all") covers, or raises NotFound."""
        ids = [g.id for g in self.env.consultation.groups]
        if audience == EVERYONE:
            return ids
        if audience not in ids:
            raise NotFound(f"there is no group called {audience!r}; write one of {', '.join(ids)}, or all")
        return [audience]

    async def begin_announcement(self, coordinator: Coordinator, audience: str) -> int:
        """Starts an announcement to a group or everyone; the coordinator's next message is its text."""
        self.groups_of(audience)
        async with self.env.db.transaction() as tx:
            return await stored.add_announcement(tx, coordinator.id, audience, None, self.env.stamp())

    async def draft(self, text: str, audience: str) -> int:
        """Stores a ready announcement (the CLI gives its text at once); returns its id."""
        self.groups_of(audience)
        check_announcement(text)
        async with self.env.db.transaction() as tx:
            return await stored.add_announcement(tx, None, audience, text, self.env.stamp())

    async def take_text(self, coordinator: Coordinator, text: str) -> Announcement | None:
        """Stores the coordinator's message as the text of the announcement waiting for one, if any."""
        async with self.env.db.transaction() as tx:
            waiting = await stored.awaiting_text(tx, coordinator.id)
            if waiting is None:
                return None
            check_announcement(text)  # the announcement keeps waiting for a shorter text
            await stored.set_announcement(tx, waiting.id, "ready", text)
            return await stored.announcement(tx, waiting.id)

    async def reach(self, audience: str) -> int:
        """Returns how many people an announcement to this audience would reach now."""
        async with self.env.db.reading() as tx:
            return len(await stored.audience(tx, self.groups_of(audience)))

    async def announcement(self, announcement_id: int) -> Announcement:
        """Returns an announcement, or raises NotFound."""
        async with self.env.db.reading() as tx:
            found = await stored.announcement(tx, announcement_id)
        if found is None:
            raise NotFound(f"there is no announcement {announcement_id}")
        return found

    def quiet_until(self) -> datetime | None:
        """Returns when the quiet hours we are in end (UTC), or None outside them."""
        c = self.env.consultation
        return quiet_end(self.env.clock.now(), c.quiet_hours, c.zone)

    async def send_announcement(
        self, announcement_id: int, params: dict, actor: str, urgent: bool = False
    ) -> Sent | Held | None:
        """Queues a ready announcement for every consented, reachable person of its audience in one
        transaction, one message each; in quiet hours, unless urgent, holds it until they end (Held).
        None if it was sent or cancelled before."""
        quiet = None if urgent else self.quiet_until()
        async with self.env.db.transaction() as tx:
            ready = await stored.announcement(tx, announcement_id)
            if ready is None or ready.status != "ready":
                return None
            people = await stored.audience(tx, self.groups_of(ready.audience))
            if quiet is not None:
                await stored.hold_announcement(tx, ready.id, iso(quiet))
                detail = json.dumps({"announcement": ready.id, "at": iso(quiet)})
                await audit(tx, self.env, actor, "announce_after_quiet_hours", ready.audience, detail)
                return Held(ready.id, ready.audience, len(people), quiet)
            messages = [
                OutgoingMessage(
                    chat, {"chat_id": chat, **params}, f"announce:{ready.id}:{pid}", pid, lane=Lane.BROADCAST
                )
                for pid, chat in people
            ]
            await record_effects(tx, self.env, [Effect(None, tuple(messages))])
            await stored.set_announcement(tx, ready.id, "sent", recipients=len(messages), at=self.env.stamp())
            detail = json.dumps({"announcement": ready.id, "recipients": len(messages)})
            await audit(tx, self.env, actor, "announce", ready.audience, detail)
        return Sent(ready.id, ready.audience, len(messages))

    async def held_due(self) -> list[Announcement]:
        """Returns the announcements held for quiet hours that may go now (none while quiet hours last)."""
        if self.quiet_until() is not None:
            return []
        async with self.env.db.reading() as tx:
            return await stored.held_announcements(tx, self.env.stamp())

    async def cancel_announcement(self, announcement_id: int, actor: str) -> bool:
        """Cancels an announcement not yet sent; returns False if it was sent or cancelled before."""
        async with self.env.db.transaction() as tx:
            found = await stored.announcement(tx, announcement_id)
            if found is None or found.status in ("sent", "cancelled"):
                return False
            await stored.set_announcement(tx, announcement_id, "cancelled")
            await audit(tx, self.env, actor, "cancel_announcement", found.audience)
        return True


def check_announcement(text: str) -> None:
    """Refuses an empty announcement, or one too long for one Telegram message."""
    if not text.strip():
        raise CareworkError("an announcement needs some text")
    units = utf16_units(text)  # what Telegram counts: an emoji is two
    if units > MAX_ANNOUNCEMENT:
        raise CareworkError(
            f"this announcement is {units:,} Telegram characters (an emoji counts as two); one message takes at "
            f"most {MAX_ANNOUNCEMENT:,} here, so please shorten it or send it in parts"
        )
