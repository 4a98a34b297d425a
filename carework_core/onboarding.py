"""Invites, the consent conversation and registration into a stakeholder group."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from carework_core.definitions import ConsentStatement
from carework_core.env import Env, audit
from carework_core.errors import InviteError, InviteUnknown, InviteUsedUp, NotFound, NotRegistered, StaleAction
from carework_core.storage.db import Tx


@dataclass(frozen=True)
class Participant:
    id: int
    code: str | None
    group_id: str
    status: str
    chat_id: int
    reachable: bool


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


PARTICIPANT_SQL = """
SELECT p.id, p.code, p.group_id, p.status, t.chat_id, p.reachable
FROM participants p JOIN telegram_identities t ON t.participant_id = p.id
"""


async def find_participant(tx: Tx, telegram_user_id: int) -> Participant | None:
    """Returns the participant behind a Telegram user, if there is one."""
    row = await tx.fetchone(PARTICIPANT_SQL + " WHERE t.telegram_user_id = ?", (telegram_user_id,))
    return Participant(*row[:5], bool(row[5])) if row else None


class Onboarding:
    """Turns an invite link into a consented participant of one stakeholder group."""

    def __init__(self, env: Env):
        self.env = env

    async def code_of(self, telegram_user_id: int) -> str | None:
        """Returns the pseudonymous code of a registered participant."""
        async with self.env.db.reading() as tx:
            person = await find_participant(tx, telegram_user_id)
        return person.code if person else None

    async def heard_from(self, telegram_user_id: int) -> bool:
        """Marks a person reachable again once they write or tap; returns whether they were not."""
        async with self.env.db.reading() as tx:  # nearly always reachable already: no write lock
            person = await find_participant(tx, telegram_user_id)
        if person is None or person.reachable:
            return False
        async with self.env.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE participants SET reachable = 1 WHERE reachable = 0"
                " AND id = (SELECT participant_id FROM telegram_identities WHERE telegram_user_id = ?)",
                (telegram_user_id,),
            )
            return cursor.rowcount > 0

    async def create_invites(self, group_id: str, count: int, uses: int, actor: str) -> list[str]:
        """Creates count unguessable invite tokens for a group, each usable `uses` times."""
        if group_id not in {g.id for g in self.env.consultation.groups}:
            names = ", ".join(g.id for g in self.env.consultation.groups)
            raise NotFound(f"there is no group called {group_id!r}; groups are {names}")
        if count < 1 or uses < 1:
            raise ValueError("count and uses must be at least 1")
        tokens = [secrets.token_urlsafe(18) for _ in range(count)]
        async with self.env.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO invites (token, group_id, max_uses, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                [(t, group_id, uses, self.env.stamp(), actor) for t in tokens],
            )
            await audit(tx, self.env, actor, "create_invites", group_id, f'{{"count": {count}, "uses": {uses}}}')
        return tokens

    async def start(self, telegram_user_id: int, chat_id: int, language: str | None, token: str | None):
        """Handles /start: resumes, or checks the invite and begins the consent conversation."""
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person and person.status == "consented":
                return AlreadyTakingPart(person)
            if person and person.status == "consenting":
                return await self._resume(tx, person, token)
            if token is None:
                raise NotRegistered("taking part needs an invite link")
            invite = await self._usable_invite(tx, token)
            if person:  # declined before, and has come back through a valid link
                await tx.execute("DELETE FROM consents WHERE participant_id = ?", (person.id,))
                await tx.execute(
                    "UPDATE participants SET status = 'consenting', group_id = ?, invite_id = ? WHERE id = ?",
                    (invite["group_id"], invite["id"], person.id),
                )
            else:
                pid = await tx.insert(
                    "INSERT INTO participants (group_id, invite_id, status, language, created_at)"
                    " VALUES (?, ?, 'consenting', ?, ?)",
                    (invite["group_id"], invite["id"], language, self.env.stamp()),
                )
                await tx.execute(
                    "INSERT INTO telegram_identities (participant_id, telegram_user_id, chat_id) VALUES (?, ?, ?)",
                    (pid, telegram_user_id, chat_id),
                )
            person = await find_participant(tx, telegram_user_id)
            assert person is not None
            return await self._step(tx, person, first=True)

    async def consent(self, telegram_user_id: int, step: int, agree: bool):
        """Records one consent answer and returns the next step, Registered or Declined."""
        statements = self.env.consultation.consent.statements
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None or person.status != "consenting":
                raise StaleAction("this consent question is no longer waiting for an answer")
            current = await self._current_step(tx, person)
            if step != current:
                raise StaleAction("this consent question has already been answered")
            chosen = [s for s in statements if s.required] if step == 0 else [_optional(statements)[step - 1]]
            await tx.executemany(
                "INSERT INTO consents (participant_id, statement_id, agreed, at) VALUES (?, ?, ?, ?)",
                [(person.id, s.id, int(agree), self.env.stamp()) for s in chosen],
            )
            if step == 0 and not agree:
                await tx.execute("UPDATE participants SET status = 'declined' WHERE id = ?", (person.id,))
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
                await tx.execute(
                    "UPDATE participants SET group_id = ?, invite_id = ? WHERE id = ?",
                    (invite["group_id"], invite["id"], person.id),
                )
                person = replace(person, group_id=invite["group_id"])
        elif not await self._holds_place(tx, person):
            raise InviteUsedUp("the invite link this person opened has been used up by others")
        return await self._step(tx, person, first=True)

    async def _usable_invite(self, tx: Tx, token: str, newcomer: int = 0):
        """Returns the invite if it has a place left, counting people still answering the consent questions.

        Holding a place from /start means a second account on a one-use link is told at once,
        rather than after every consent question.
        """
        row = await tx.fetchone(
            "SELECT i.id, i.group_id, i.max_uses, i.uses, (SELECT COUNT(*) FROM participants p"
            "  WHERE p.invite_id = i.id AND p.status = 'consenting' AND p.id != ?) AS held"
            " FROM invites i WHERE i.token = ?",
            (newcomer, token),
        )
        if row is None:
            raise InviteUnknown("this invite link is not one we know")
        if row["uses"] + row["held"] >= row["max_uses"]:
            raise InviteUsedUp("this invite link has already been used")
        return row

    async def _holds_place(self, tx: Tx, person: Participant) -> bool:
        """Says whether a half-consented person's own link still has a place for them (first come first)."""
        row = await tx.fetchone(
            "SELECT i.uses + (SELECT COUNT(*) FROM participants p WHERE p.invite_id = i.id"
            "  AND p.status = 'consenting' AND p.id < ?) < i.max_uses"
            " FROM invites i JOIN participants me ON me.invite_id = i.id WHERE me.id = ?",
            (person.id, person.id),
        )
        return bool(row and row[0])

    async def _register(self, tx: Tx, person: Participant, telegram_user_id: int) -> Participant:
        invite = await tx.fetchone(
            "SELECT i.id, i.uses, i.max_uses FROM invites i JOIN participants p ON p.invite_id = i.id WHERE p.id = ?",
            (person.id,),
        )
        if invite["uses"] >= invite["max_uses"]:
            raise InviteUsedUp("this invite link was used up while you were reading")
        await tx.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite["id"],))
        await tx.execute(
            "UPDATE participants SET status = 'consented', code = ?, consented_at = ? WHERE id = ?",
            (f"P-{person.id:04d}", self.env.stamp(), person.id),
        )
        registered = await find_participant(tx, telegram_user_id)
        assert registered is not None
        return registered

    async def _current_step(self, tx: Tx, person: Participant) -> int:
        rows = await tx.fetchall("SELECT statement_id FROM consents WHERE participant_id = ?", (person.id,))
        answered = {r[0] for r in rows}
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
