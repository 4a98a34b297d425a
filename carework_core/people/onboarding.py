"""Invites, the consent conversation and registration into a stakeholder group."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from carework_core.definitions.model import ConsentStatement
from carework_core.env import Env, audit
from carework_core.errors import InviteError, InviteUnknown, InviteUsedUp, NotFound, NotRegistered, StaleAction
from carework_core.people.consents import wording_version
from carework_core.people.invite_tokens import check_uses, token_hash
from carework_core.people.language import fitting_language
from carework_core.people.model import Participant, ParticipantStatus
from carework_core.storage import participants as stored
from carework_core.storage.audit import record_audit
from carework_core.storage.db import Tx

# Kept importable from here while answering and rounds move to storage.participants.
from carework_core.storage.participants import PARTICIPANT_SQL, Invite, find_participant  # noqa: F401


@dataclass(frozen=True)
class ConsentStep:
    """Asks for consent: step 0 covers every required statement, later steps one optional each."""

    step: int
    statements: tuple[ConsentStatement, ...]
    first: bool
    group_id: str


@dataclass(frozen=True)
class AlreadyTakingPart:
    participant: Participant


@dataclass(frozen=True)
class Registered:
    participant: Participant


@dataclass(frozen=True)
class Declined:
    participant: Participant


class Onboarding:
    """Turns an invite link into a consented participant of one stakeholder group."""

    def __init__(self, env: Env, invite_key: bytes):
        self.env = env
        self.invite_key = invite_key

    async def participant(self, telegram_user_id: int) -> Participant | None:
        """Returns the participant behind a Telegram user, if there is one."""
        async with self.env.db.reading() as tx:
            return await find_participant(tx, telegram_user_id)

    async def code_of(self, telegram_user_id: int) -> str | None:
        """Returns the pseudonymous code of a registered participant."""
        person = await self.participant(telegram_user_id)
        return person.code if person else None

    async def pause(self, telegram_user_id: int) -> bool:
        """Stops reminders, announcements and summaries for a person; False if they were paused already."""
        return await self._set_paused(telegram_user_id, pause=True)

    async def resume(self, telegram_user_id: int) -> bool:
        """Starts them again; False if they were not paused."""
        return await self._set_paused(telegram_user_id, pause=False)

    async def _set_paused(self, telegram_user_id: int, pause: bool) -> bool:
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None or person.code is None or person.status != ParticipantStatus.CONSENTED:
                raise NotRegistered("only a registered participant can pause or resume reminders")
            changed = await stored.set_paused(tx, person.id, self.env.stamp() if pause else None)
            if changed:  # the audit names the person by code only, never by Telegram id
                await audit(tx, self.env, person.code, "pause" if pause else "resume", person.code)
            return changed

    async def choose_language(self, telegram_user_id: int, language: str) -> str:
        """Stores the definition's language a person chose to read the bot in; returns it."""
        if language not in self.env.consultation.languages:
            raise StaleAction(f"{language!r} is not one of this consultation's languages")
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None or person.status not in (ParticipantStatus.CONSENTING, ParticipantStatus.CONSENTED):
                raise NotRegistered("only someone taking part can choose a language")
            await stored.set_language(tx, person.id, language)
        return language

    async def registered_count(self) -> int:
        """Returns how many people have registered under a code."""
        async with self.env.db.reading() as tx:
            return await stored.registered_count(tx)

    async def status_counts(self) -> dict[tuple[str, str], int]:
        """Returns how many people stand in each status, by (status, group id): counts for /metrics."""
        async with self.env.db.reading() as tx:
            return await stored.status_counts(tx)

    async def heard_from(self, telegram_user_id: int) -> bool:
        """Marks a person reachable again once they write or tap; returns whether they were not."""
        person = await self.participant(telegram_user_id)  # nearly always reachable already: no write lock
        if person is None or person.reachable:
            return False
        async with self.env.db.transaction() as tx:
            return await stored.mark_reachable(tx, telegram_user_id)

    async def create_invites(self, group_id: str, count: int, uses: int, actor: str) -> list[str]:
        """Creates count unguessable invite tokens for a group, each usable `uses` times."""
        if group_id not in {g.id for g in self.env.consultation.groups}:
            names = ", ".join(g.id for g in self.env.consultation.groups)
            raise NotFound(f"there is no group called {group_id!r}; groups are {names}")
        if count < 1:
            raise ValueError("count must be at least 1")
        check_uses(uses)
        tokens = [secrets.token_urlsafe(18) for _ in range(count)]
        async with self.env.db.transaction() as tx:
            digests = [token_hash(self.invite_key, t) for t in tokens]
            await stored.add_invites(tx, group_id, digests, uses, self.env.stamp(), actor)
            await record_audit(
                tx, self.env.stamp(), actor, "create_invites", group_id, f'{{"count": {count}, "uses": {uses}}}'
            )
        return tokens

    async def start(self, telegram_user_id: int, chat_id: int, language: str | None, token: str | None):
        """Handles /start: resumes, or checks the invite and begins the consent conversation."""
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person and person.status == ParticipantStatus.CONSENTED:
                return AlreadyTakingPart(person)
            if person and person.status == ParticipantStatus.CONSENTING:
                return await self._resume(tx, person, token)
            if token is None:
                raise NotRegistered("taking part needs an invite link")
            invite = await self._usable_invite(tx, token)
            if person:  # declined before, and has come back through a valid link
                await stored.restart_consent(tx, person.id, invite.group_id, invite.id)
                pid = person.id
            else:
                pid = await stored.add_participant(
                    tx, telegram_user_id, chat_id, invite.group_id, invite.id, language, self.env.stamp()
                )
            await stored.set_language(tx, pid, fitting_language(self.env.consultation.languages, language))
            person = await find_participant(tx, telegram_user_id)
            assert person is not None
            return await self._step(tx, person, first=True)

    async def consent(self, telegram_user_id: int, step: int, agree: bool):
        """Records one consent answer and returns the next step, Registered or Declined."""
        statements = self.env.consultation.consent.statements
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None or person.status != ParticipantStatus.CONSENTING:
                raise StaleAction("this consent question is no longer waiting for an answer")
            current = await self._current_step(tx, person)
            if step != current:
                raise StaleAction("this consent question has already been answered")
            chosen = [s for s in statements if s.required] if step == 0 else [_optional(statements)[step - 1]]
            versions = [(s.id, wording_version(self.env.consultation.consent, s, person.language)) for s in chosen]
            await stored.record_consents(tx, person.id, versions, agree, self.env.stamp())
            if step == 0 and not agree:
                await stored.set_status(tx, person.id, ParticipantStatus.DECLINED)
                return Declined(person)
            if step < len(_optional(statements)):
                return await self._step(tx, person, first=False)
            return Registered(await self._register(tx, person, telegram_user_id))

    async def _resume(self, tx: Tx, person: Participant, token: str | None) -> ConsentStep:
        """Carries a half-consented person on: through a new link if they opened one, else their own."""
        if token:
            try:
                invite = await self._usable_invite(tx, token, person.id)
            except InviteError:
                if not await self._holds_place(tx, person):
                    raise
            else:
                await stored.move_to_invite(tx, person.id, invite.group_id, invite.id)
                person = replace(person, group_id=invite.group_id)
        elif not await self._holds_place(tx, person):
            raise InviteUsedUp("the invite link this person opened has been used up by others")
        return await self._step(tx, person, first=True)

    async def _usable_invite(self, tx: Tx, token: str, newcomer: int = 0) -> Invite:
        """Returns the invite if it has a place left, counting people still answering the consent questions.

        Holding a place from /start means a second account on a one-use link is told at once,
        rather than after every consent question.
        """
        invite = await stored.invite_by_token(tx, token_hash(self.invite_key, token), newcomer)
        if invite is None:
            raise InviteUnknown("this invite link is not one we know")
        if invite.uses + invite.held >= invite.max_uses:
            raise InviteUsedUp("this invite link has already been used")
        return invite

    async def _holds_place(self, tx: Tx, person: Participant) -> bool:
        """Says whether a half-consented person's own link still has a place for them (first come first)."""
        invite = await stored.own_invite(tx, person.id)
        return invite is not None and invite.uses + invite.held < invite.max_uses

    async def _register(self, tx: Tx, person: Participant, telegram_user_id: int) -> Participant:
        invite = await stored.own_invite(tx, person.id)
        assert invite is not None  # everyone consenting came through an invite
        if invite.uses >= invite.max_uses:
            raise InviteUsedUp("this invite link was used up while you were reading")
        await stored.use_invite(tx, invite.id)
        await stored.mark_consented(tx, person.id, f"P-{person.id:04d}", self.env.stamp())
        registered = await find_participant(tx, telegram_user_id)
        assert registered is not None
        return registered

    async def _current_step(self, tx: Tx, person: Participant) -> int:
        answered = await stored.consents_of(tx, person.id)
        if not answered:
            return 0
        optional = _optional(self.env.consultation.consent.statements)
        return 1 + sum(1 for s in optional if s.id in answered)

    async def _step(self, tx: Tx, person: Participant, first: bool) -> ConsentStep:
        step = await self._current_step(tx, person)
        statements = self.env.consultation.consent.statements
        chosen = tuple(s for s in statements if s.required) if step == 0 else (_optional(statements)[step - 1],)
        return ConsentStep(step, chosen, first and step == 0, person.group_id)


def _optional(statements) -> list[ConsentStatement]:
    return [s for s in statements if not s.required]
