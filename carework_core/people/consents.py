"""Consent that can be proven: each answer keeps the version of the wording shown, and can be revisited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from carework_core.definitions.local_text import text_in
from carework_core.definitions.model import Consent, ConsentStatement, Consultation
from carework_core.env import Env
from carework_core.errors import NotRegistered, StaleAction
from carework_core.people.model import Participant, ParticipantStatus
from carework_core.results.scrub import trim_excerpt
from carework_core.storage import participants as stored
from carework_core.storage import summaries as stored_summaries
from carework_core.storage.db import Tx
from carework_core.storage.examples import answers_of
from carework_core.storage.outbox import forget_queued_words
from carework_core.storage.reasons import reason_ids_of

UNQUOTED_WORDS = "…"  # stands in a summary still on its way for words whose writer no longer agrees to be quoted


def wording_version(consent: Consent, statement: ConsentStatement, language: str | None = None) -> str:
    """Returns a short hash of the exact words a statement is agreed under: the intro and its text, as
    shown in the person's language (a text not written in that language is shown in the first)."""
    words = f"{text_in(consent.intro, language)}\n\n{text_in(statement.text, language)}"
    return hashlib.sha256(words.encode()).hexdigest()[:12]


def _agreed_wording(consent: Consent, statement: ConsentStatement, version: str | None, languages: list[str]) -> bool:
    """A version agreed in any of the definition's languages still holds: switching language is not a rewording."""
    return version is None or any(version == wording_version(consent, statement, lang) for lang in languages)


def _changed(c: Consultation, versions: dict[str, str | None]) -> tuple[int, ...]:
    """Returns the numbers of statements never answered or answered under other words."""
    return tuple(
        n
        for n, s in enumerate(c.consent.statements)
        if s.id not in versions or not _agreed_wording(c.consent, s, versions[s.id], c.languages)
    )


async def reworded_required(tx: Tx, c: Consultation, person: Participant) -> tuple[int, ...]:
    """Returns the required statements a consented person must agree to again before answering on: a
    reworded optional one waits for their next round's Start."""
    if not any(s.required for s in c.consent.statements):
        return ()
    changed = _changed(c, await stored.consent_versions(tx, person.id))
    return tuple(n for n in changed if c.consent.statements[n].required)


@dataclass(frozen=True)
class Choice:
    """One statement and the person's answer to it (None: never asked)."""

    number: int
    statement: ConsentStatement
    agreed: bool | None


@dataclass(frozen=True)
class Reconsented:
    """A renewed answer: `declined` when a required statement was refused; `left` numbers still to ask."""

    declined: bool
    left: tuple[int, ...]


class Consents:
    """Shows and changes a participant's consent choices; asks again when the wording changed."""

    def __init__(self, env: Env):
        self.env = env

    def statement(self, number: int) -> ConsentStatement:
        """Returns consent statement `number` (its position in the definition), or raises StaleAction."""
        statements = self.env.consultation.consent.statements
        if not 0 <= number < len(statements):
            raise StaleAction("this consent question is not one we ask")
        return statements[number]

    async def choices(self, telegram_user_id: int) -> tuple[Choice, ...]:
        """Returns every statement with the participant's current answer."""
        async with self.env.db.reading() as tx:
            person = await _taking_part(tx, telegram_user_id)
            answered = await stored.consents_of(tx, person.id)
        statements = self.env.consultation.consent.statements
        return tuple(Choice(n, s, answered.get(s.id)) for n, s in enumerate(statements))

    async def change(self, telegram_user_id: int, number: int, agree: bool) -> tuple[Choice, ...]:
        """Changes the answer to an optional statement, stored with the wording shown now."""
        statement = self.statement(number)
        if statement.required:
            raise StaleAction("this statement is needed to take part and cannot be changed here")
        async with self.env.db.transaction() as tx:
            person = await _taking_part(tx, telegram_user_id)
            await self._store(tx, person, statement, agree)
        return await self.choices(telegram_user_id)

    async def changed_wording(self, telegram_user_id: int) -> tuple[int, ...]:
        """Returns the numbers of statements whose wording changed since the person answered them.

        A row from before versions were kept (NULL) is unknown, not changed: nobody is asked again
        merely because the bot was upgraded."""
        async with self.env.db.reading() as tx:
            person = await stored.find_participant(tx, telegram_user_id)
            if person is None or person.status != ParticipantStatus.CONSENTED:
                return ()
            versions = await stored.consent_versions(tx, person.id)
        return _changed(self.env.consultation, versions)

    async def renew(self, telegram_user_id: int, number: int, agree: bool) -> Reconsented:
        """Records an answer to reworded statement `number`; refusing a required one ends taking part."""
        statement = self.statement(number)
        if number not in await self.changed_wording(telegram_user_id):
            raise StaleAction("this consent question has already been answered")
        async with self.env.db.transaction() as tx:
            person = await _taking_part(tx, telegram_user_id)
            await self._store(tx, person, statement, agree)
            if statement.required and not agree:
                await stored.set_status(tx, person.id, ParticipantStatus.DECLINED)
                return Reconsented(True, ())
        return Reconsented(False, await self.changed_wording(telegram_user_id))

    async def _store(self, tx: Tx, person: Participant, statement: ConsentStatement, agree: bool) -> None:
        version = wording_version(self.env.consultation.consent, statement, person.language)
        await stored.set_consent(tx, person.id, statement.id, agree, version, self.env.stamp())
        if statement.id == self.env.consultation.consent.quotes and not agree:
            await _unquote_queued(tx, person)


async def _unquote_queued(tx: Tx, person: Participant) -> None:
    """Takes the person's quoted words out of summary messages still waiting to go: a summary is checked
    for consent when it is sent, but its messages may take minutes to reach everyone."""
    answers = await answers_of(tx, person.id)
    ids = {a[0] for a in answers}
    said = {(a[1], trim_excerpt(a[2])) for a in answers}
    quoted = [
        e.text
        for found in await stored_summaries.all_summaries(tx)
        for e in found.summary.excerpts
        if e.text and (e.answer_id in ids or (e.answer_id is None and (e.question_id, e.text) in said))
    ]
    reasons = await reason_ids_of(tx, person.id)
    quoted += [
        r.text
        for found in await stored_summaries.all_summaries(tx)
        for r in found.summary.chosen_reasons
        if r.reason_id in reasons
    ]
    await forget_queued_words(tx, quoted, UNQUOTED_WORDS)


async def _taking_part(tx: Tx, telegram_user_id: int) -> Participant:
    person = await stored.find_participant(tx, telegram_user_id)
    if person is None or person.status != ParticipantStatus.CONSENTED:
        raise NotRegistered("only people taking part have consent choices")
    return person
