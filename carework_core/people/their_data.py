"""A person's own data: what is held about them (/mydata), and leaving the consultation (/withdraw)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from carework_core.answering.vocabulary import labels_of
from carework_core.clock import iso
from carework_core.definitions.model import Consultation, ExamplesQuestion, ItemRatingQuestion, TextQuestion
from carework_core.env import Env
from carework_core.errors import NotRegistered, SummaryError
from carework_core.results.scrub import trim_excerpt
from carework_core.results.summaries import Summaries
from carework_core.rounds.coming import coming_in
from carework_core.rounds.next_round import Coming
from carework_core.storage import details as stored_details
from carework_core.storage import history
from carework_core.storage import summaries as stored_summaries
from carework_core.storage import their_data as stored
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows
from carework_core.storage.outbox import forget_queued_words
from carework_core.storage.participants import find_participant, round_standings
from carework_core.storage.reasons import reason_ids_of
from carework_core.storage.voice import forget_voice_notes

# A Telegram id with no reason to keep it (no participant, coordinator or message still to send)
# stays this long, so someone who said no can still change their mind with the same chat.
KEEP_IDLE_IDS = timedelta(days=7)
WITHDRAWAL_ACTOR = "withdrawal"  # the audit log's actor when a withdrawal remakes a draft summary
WITHDRAWN_WORDS = "…"  # stands in a summary still on its way for the words of someone who has withdrawn


@dataclass(frozen=True)
class HeldConsent:
    statement: str
    agreed: bool
    at: str


@dataclass(frozen=True)
class HeldAnswer:
    """One answer as the person would recognise it. Texts from the definition, and item titles, keep every
    language they are written in (LocalText): the bot shows each in the language the person reads."""

    round_title: str
    question: str
    words: tuple[str, ...]  # the labels chosen, or the words typed; empty for a follow-up they skipped
    kind: str = "answer"  # answer, earlier (a value since changed), reason (why they differ), detail
    item: str | None = None  # the item's title, on an item card
    criterion: str | None = None  # the criterion's name, on an item card
    followup: str | None = None  # a detail's follow-up question; None for the words given with Other
    replaced_at: str = ""  # when an earlier answer was changed
    typed: bool = True  # words the person typed (or spoke), shown as they are; else labels from the definition


@dataclass(frozen=True)
class HeldData:
    """Everything held about one person."""

    code: str | None
    group: str
    joined_at: str
    consents: tuple[HeldConsent, ...]
    answers: tuple[HeldAnswer, ...]
    kept_if_withdrawn: bool = False  # /withdraw keeps their answers unlinked (on_withdraw: anonymise), else deletes
    coming: Coming | None = None  # what comes next for their group


@dataclass(frozen=True)
class Withdrawn:
    """A person has left; `anonymised` says their answers were kept under their code rather than deleted."""

    anonymised: bool


class TheirData:
    """Shows people what is held about them and lets them leave: their answers deleted, or kept unlinked
    from them when the definition's on_withdraw says anonymise."""

    def __init__(self, env: Env, summaries: Summaries):
        self.env = env
        self.summaries = summaries  # a withdrawal that empties a summary's quotes drafts it again

    @property
    def keeps_answers(self) -> bool:
        """Whether a withdrawal keeps answers under the person's code (the definition's on_withdraw)."""
        return self.env.consultation.on_withdraw == "anonymise"

    async def held(self, telegram_user_id: int) -> HeldData:
        """Returns everything held about the person behind this Telegram user; never anyone else's."""
        async with self.env.db.reading() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None:
                raise NotRegistered("no participant for this Telegram user")
            code, group_id, joined_at = await stored.joined(tx, person.id) or (None, person.group_id, "")
            consents = await stored.consents_given(tx, person.id)
            answers = await stored.answers_given(tx, person.id)
            reasons = await stored.reasons_given(tx, person.id)
            earlier = await history.earlier_answers(tx, person.id)
            added = await stored_details.details_of(tx, person.id)
            titles = await _item_titles(tx, self.env.consultation)
            done = [r for r, s in (await round_standings(tx, person.id)).items() if s.finished]
            coming = await coming_in(tx, self.env.consultation, group_id, self.env.clock.now(), done=done)
        c = self.env.consultation
        return HeldData(
            code,
            _name_of_group(c, group_id),
            joined_at,
            tuple(HeldConsent(_statement(c, s), agreed, at) for s, agreed, at in consents),
            tuple(_answer(c, titles, *a) for a in answers)
            + tuple(_detail(c, *d) for d in added)
            + tuple(_reason(c, titles, *r) for r in reasons)
            + tuple(_earlier(c, titles, e) for e in earlier),
            self.keeps_answers,
            coming,
        )

    async def withdraw(self, telegram_user_id: int) -> Withdrawn | None:
        """Removes the person's identity and, unless the definition keeps them, their answers; None if already gone."""
        async with self.env.db.transaction() as tx:
            person = await find_participant(tx, telegram_user_id)
            if person is None:
                return None
            await forget_voice_notes(tx, person.id)  # a voice is the person's own, even when answers are kept
            if not self.keeps_answers:
                await _unquote(tx, person.group_id, person.id)
                await _unquote_reasons(tx, person.id)
                await stored.erase_answers(tx, person.id)
            await stored.forget_identity(tx, person.id, telegram_user_id, person.chat_id)
            drafts = await stored.drafted_summaries(tx)
        await self._redraft(drafts)
        return Withdrawn(anonymised=self.keeps_answers)

    async def forget_idle_ids(self) -> int:
        """Deletes the Telegram ids kept with no reason for longer than KEEP_IDLE_IDS (people who declined,
        strangers' and withdrawn people's messages already sent); returns how many rows went."""
        cutoff = iso(self.env.clock.now() - KEEP_IDLE_IDS)
        async with self.env.db.transaction() as tx:
            gone = await stored.forget_idle_ids(tx, cutoff)
        if gone:
            await self.env.db.checkpoint()  # the WAL would keep the rows' old pages
        return gone

    async def _redraft(self, round_ids: list[str]) -> None:
        # A draft may quote the person; remade, it quotes only people still taking part. Approved and
        # sent summaries stay as the team approved them, less the person's words (_unquote).
        known = {r.id for r in self.env.consultation.rounds}
        for round_id in (r for r in round_ids if r in known):
            try:
                await self.summaries.draft(round_id, WITHDRAWAL_ACTOR)
            except SummaryError:
                pass  # reopened since: it is drafted afresh when it closes again


async def _unquote(tx: Tx, group_id: str, participant_id: int) -> None:
    """Takes the person's quoted words out of every summary, even one approved or sent, and out of any
    summary message still waiting to go; their words are then nowhere in the database."""
    answers = await stored.answers_given(tx, participant_id)
    earlier = await history.earlier_answers(tx, participant_id)
    said = {trim_excerpt(a[4]) for a in answers} | {trim_excerpt(e.answer.value) for e in earlier}
    for found in await stored_summaries.all_summaries(tx):
        theirs = [e for e in found.summary.excerpts if e.text and e.group_id == group_id and e.text in said]
        if theirs:
            excerpts = tuple(replace(e, text="", dropped=True) if e in theirs else e for e in found.summary.excerpts)
            await stored_summaries.save_summary(tx, replace(found, summary=replace(found.summary, excerpts=excerpts)))
            await forget_queued_words(tx, [e.text for e in theirs], WITHDRAWN_WORDS)


async def _unquote_reasons(tx: Tx, participant_id: int) -> None:
    """Takes the person's reasons out of every summary that shows them, sent ones too, and out of any
    summary message still waiting to go."""
    theirs = await reason_ids_of(tx, participant_id)
    for found in await stored_summaries.all_summaries(tx):
        gone = [r for r in found.summary.chosen_reasons if r.reason_id in theirs]
        if gone:
            kept = tuple(r for r in found.summary.chosen_reasons if r not in gone)
            await stored_summaries.save_summary(tx, replace(found, summary=replace(found.summary, chosen_reasons=kept)))
            await forget_queued_words(tx, [r.text for r in gone], WITHDRAWN_WORDS)


def _name_of_group(c: Consultation, group_id: str) -> str:
    return next((g.name for g in c.groups if g.id == group_id), group_id)


def _statement(c: Consultation, statement_id: str) -> str:
    return next((s.text for s in c.consent.statements if s.id == statement_id), statement_id)


async def _item_titles(tx: Tx, c: Consultation) -> dict[tuple[str, str], str]:
    """Returns the title of every item people rate, by (item set, item id), in each language it was given."""
    sets = {q.item_set for r in c.rounds for q in r.questions if isinstance(q, ItemRatingQuestion)}
    return {(s, item_id): title for s in sorted(sets) for item_id, title in await item_rows(tx, s)}


def _answer(
    c: Consultation,
    titles: dict[tuple[str, str], str],
    round_id: str,
    question_id: str,
    item: str | None,
    criterion: str | None,
    value: str,
) -> HeldAnswer:
    # A definition may have changed since: an answer to a question no longer defined still shows, by its ids.
    rnd = next((r for r in c.rounds if r.id == round_id), None)
    question = next((q for q in rnd.questions if q.id == question_id), None) if rnd else None
    scale_of = next((k for k in c.criteria if k.id == criterion), None)
    typed = question is None or isinstance(question, (ExamplesQuestion, TextQuestion))
    words = (value,) if typed else tuple(labels_of(question, scale_of, value))
    title = titles.get((getattr(question, "item_set", ""), item or ""), item) if item else None
    return HeldAnswer(
        rnd.title if rnd else round_id,
        question.text if question else question_id,
        words,
        item=title,
        criterion=(scale_of.name if scale_of else criterion) if item else None,
        typed=typed,
    )


def _earlier(c: Consultation, titles: dict, e: history.EarlierAnswer) -> HeldAnswer:
    a = e.answer
    answer = _answer(c, titles, a.round_id, a.question_id, a.item_id, a.criterion_id, a.value)
    return replace(answer, kind="earlier", replaced_at=e.replaced_at)


def _reason(c: Consultation, titles: dict, round_id: str, question_id: str, item: str, criterion: str, text: str):
    answer = _answer(c, titles, round_id, question_id, item or None, criterion or None, text)
    return replace(answer, kind="reason", words=(text,), typed=True)


def _detail(c: Consultation, round_id: str, question_id: str, field: str, words: str | None) -> HeldAnswer:
    """A follow-up answer about an example, or the words given with Other, as the person would recognise it."""
    answer = _answer(c, {}, round_id, question_id, None, None, "")
    rnd = next((r for r in c.rounds if r.id == round_id), None)
    question = next((q for q in rnd.questions if q.id == question_id), None) if rnd else None
    asked = next((f.text for f in getattr(question, "followups", ()) if f.id == field), None)
    return replace(answer, kind="detail", followup=asked, words=(words,) if words is not None else (), typed=True)
