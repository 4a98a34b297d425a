"""Review and change: a person's answers in their open round, and changing one while the round is open.

A change replaces the answer in `answers` (so summaries count only the current answer) and keeps
the value it replaced in history. A typed change waits in SQLite between "Change" and the new words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from carework_core.answering.card_walk import asked_by_item, card_key, cards_of
from carework_core.answering.followups import chooses_other, other_option, with_other
from carework_core.answering.shares import share_of
from carework_core.answering.steps import Ask, Item, Step, Waiting
from carework_core.answering.vocabulary import checked_value, labels_of
from carework_core.definitions.model import (
    ChoiceQuestion,
    Criterion,
    ExamplesQuestion,
    ItemRatingQuestion,
    Question,
    RatingQuestion,
    Round,
    TextQuestion,
)
from carework_core.env import Env
from carework_core.errors import StaleAction
from carework_core.people.model import Participant
from carework_core.people.taking_part import in_open_round, taking_part
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.service import round_status
from carework_core.storage import details, history
from carework_core.storage import reasons as stored_reasons
from carework_core.storage.answers import Answer, RoundProgress
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows

PAGE_SIZE = 5  # answers on one page of /review: a phone screen, with a Change button each
_TAPPED = (RatingQuestion, ChoiceQuestion, ItemRatingQuestion)


@dataclass(frozen=True)
class Entry:
    """One current answer as the person would recognise it, with the id its Change button names."""

    answer_id: int
    number: int  # the question's number in the round
    question: Question
    item_text: str | None
    criterion: Criterion | None
    words: tuple[str, ...]  # the typed text, or the labels chosen
    value: str  # as stored: the typed text, a scale point, or the option ids chosen ("pay,hours")

    @property
    def typed(self) -> bool:
        """Says the answer was typed (an example or a text answer), so a change is typed too."""
        return isinstance(self.question, (ExamplesQuestion, TextQuestion))


@dataclass(frozen=True)
class Listing:
    """One page of a person's answers in an open round."""

    round: Round
    round_number: int
    entries: tuple[Entry, ...]
    page: int
    pages: int
    first: int  # the place of the page's first entry among all the round's answers, from 1


@dataclass(frozen=True)
class NothingToReview:
    """No open round of theirs (round_number 0), or nothing answered yet in it."""

    round_number: int = 0


@dataclass(frozen=True)
class Changing:
    """The question asked again for a change, with the answer it has now."""

    ask: Ask
    entry: Entry


@dataclass(frozen=True)
class Changed:
    """A typed change replaced an answer; `step` is where the person was in the round."""

    step: Step


class Review:
    """Shows a person their answers in the open round and changes one, keeping the earlier value."""

    def __init__(self, env: Env):
        self.env = env
        self._numbers = {r.id: n for n, r in enumerate(env.consultation.rounds, start=1)}
        self._criteria = {c.id: c for c in env.consultation.criteria}

    async def listing(
        self, telegram_user_id: int, page: int = 0, round_id: str | None = None
    ) -> Listing | NothingToReview:
        """Returns a page of the person's answers in their open round, or why there is nothing to show."""
        async with self.env.db.reading() as tx:
            person = await self._person(tx, telegram_user_id)
            rounds = await history.reviewable_rounds(tx, person.id)
            known = {r.id: r for r in self.env.consultation.rounds}
            rnd = next((known[r] for r in rounds if r in known and round_id in (None, r)), None)
            if rnd is None or person.group_id not in rnd.groups:
                return NothingToReview()
            texts: dict[str, dict[str, str]] = {}  # item texts by item set, read once per listing
            own = await history.own_answers(tx, person.id, rnd.id)
            entries = [await self._entry(tx, rnd, o.id, o.answer, texts) for o in own]
        entries = [e for e in entries if e is not None]
        if not entries:
            return NothingToReview(self._numbers[rnd.id])
        pages = (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE
        page = min(max(page, 0), pages - 1)
        shown = tuple(entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
        return Listing(rnd, self._numbers[rnd.id], shown, page, pages, page * PAGE_SIZE + 1)

    async def change(self, telegram_user_id: int, round_id: str, answer_id: int) -> Changing:
        """Asks a question again to change one answer; a typed answer's change waits for the next message."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            shown = await self._changing(tx, person, rnd, answer_id)
            if shown.entry.typed:
                await stored_reasons.close_offers(tx, person.id, stored_reasons.OfferStatus.PASSED)
                await history.ask_change(tx, person.id, answer_id, self.env.stamp())
            else:
                await history.drop_change(tx, person.id)
        return shown

    async def changing(self, telegram_user_id: int, round_id: str, answer_id: int) -> Changing:
        """Returns the idea card of an answer as Change asks it again, changing nothing ("More about this idea")."""
        async with self.env.db.reading() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            shown = await self._changing(tx, person, rnd, answer_id)
        if shown.ask.item is None:
            raise StaleAction(f"answer {answer_id} in round {round_id} rates no idea: it has nothing more to show")
        return shown

    async def _changing(self, tx: Tx, person: Participant, rnd: Round, answer_id: int) -> Changing:
        own = await history.own_answer(tx, person.id, answer_id)
        entry = await self._entry(tx, rnd, own.id, own.answer) if own and own.answer.round_id == rnd.id else None
        if entry is None:
            raise StaleAction(f"answer {answer_id} is not one of this person's in round {rnd.id}")
        return Changing(await self._ask(tx, rnd, entry.number, own.answer, person.id), entry)

    async def keep(self, telegram_user_id: int, round_id: str) -> None:
        """Forgets a typed change the person asked for: their answer stays as it was."""
        async with self.env.db.transaction() as tx:
            person, _ = await self._guard(tx, telegram_user_id, round_id)
            await history.drop_change(tx, person.id)

    async def choice_again(self, telegram_user_id: int, round_id: str, number: int) -> Ask | None:
        """Returns an answered multiple-choice question whose ticks are being changed, else None."""
        async with self.env.db.reading() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            q = rnd.questions[number - 1] if 1 <= number <= len(rnd.questions) else None
            if not isinstance(q, ChoiceQuestion):
                return None
            mine = [o for o in await history.own_answers(tx, person.id, rnd.id) if o.answer.question_id == q.id]
            return await self._ask(tx, rnd, number, mine[-1].answer, person.id) if mine else None

    # -- used inside answering's transactions ------------------------------------------------

    async def retap(
        self, tx: Tx, person: Participant, rnd: Round, step: Step, progress: RoundProgress, tap: tuple
    ) -> Answer | None:
        """Changes an earlier answer when a tap (number, card, value, source) is for a question already
        answered; None when the tap is for the question waiting, so answering stores it as usual."""
        number, card, value, source = tap
        q = rnd.questions[number - 1] if 1 <= number <= len(rnd.questions) else None
        if not isinstance(q, _TAPPED) or (isinstance(step, Ask) and (step.number, step.card) == (number, card)):
            return None
        if isinstance(q, ItemRatingQuestion):
            share = await share_of(tx, rnd.id, q, person.id, keep=False)
            key = await card_key(tx, self.env.consultation, q, card, share) if card is not None else None
            if key is None or key not in progress.cards(q.id):
                return None
        elif q.id not in progress.done:
            return None
        mine = [o for o in await history.own_answers(tx, person.id, rnd.id) if o.answer.question_id == q.id]
        if isinstance(q, ItemRatingQuestion):
            mine = [o for o in mine if (o.answer.item_id, o.answer.criterion_id) == key]
        if not mine:
            return None  # skipped: nothing to change
        old = mine[-1]
        new = checked_value(q, self._criteria.get(old.answer.criterion_id or ""), value)
        if new == old.answer.value or await history.replaced_from(tx, person.id, source):
            raise StaleAction("that question has already been answered")  # a repeat tap changes nothing
        at = self.env.stamp()
        await history.replace_answer(tx, person.id, old.id, new, source, at)
        await history.drop_change(tx, person.id)
        if isinstance(q, ChoiceQuestion):
            await self._other_words(tx, person, q, old.id, new, at)
        return replace(old.answer, value=new, source=source)

    async def other_ticked(
        self, tx: Tx, person: Participant, rnd: Round, number: int, mask: int, source: str
    ) -> Ask | None:
        """Ticks Other while changing an answered multiple choice: stores the ticks and returns the question
        waiting for Other's words (the next typed message); None when that question has no answer to change."""
        q = rnd.questions[number - 1] if 1 <= number <= len(rnd.questions) else None
        place = other_option(q)
        mine = [o for o in await history.own_answers(tx, person.id, rnd.id) if q and o.answer.question_id == q.id]
        if place is None or not mine:
            return None
        old, new, at = mine[-1], checked_value(q, None, with_other(q, mask, place)), self.env.stamp()
        if new != old.answer.value:
            await history.replace_answer(tx, person.id, old.id, new, source, at)
        await history.ask_change(tx, person.id, old.id, at)
        return await self.words_wanted(tx, person, rnd)

    async def words_wanted(self, tx: Tx, person: Participant, rnd: Round) -> Ask | None:
        """Returns the changed choice whose Other's words the next typed message gives, else None."""
        pending = await history.pending_change(tx, person.id)
        own = pending[0] if pending else None
        if own is None or own.answer.round_id != rnd.id:
            return None
        number, q = next(
            ((n, q) for n, q in enumerate(rnd.questions, start=1) if q.id == own.answer.question_id), (0, None)
        )
        if not isinstance(q, ChoiceQuestion):
            return None  # a typed answer's change, or a question the definition no longer has: no words for Other
        return replace(await self._ask(tx, rnd, number, own.answer, person.id), waiting=Waiting(own.id, details.OTHER))

    async def _other_words(self, tx: Tx, person: Participant, q: ChoiceQuestion, answer_id: int, value: str, at: str):
        """After a choice changed: Other newly chosen waits for its words; Other no longer chosen loses them."""
        if not chooses_other(q, value):
            await details.forget(tx, answer_id, details.OTHER)
        elif details.OTHER not in await details.fields_of(tx, answer_id):
            await history.ask_change(tx, person.id, answer_id, at)

    async def retype(self, tx: Tx, person: Participant, text: str, source: str) -> Round | None:
        """Stores typed text in place of the answer the person asked to change; returns its round, or None."""
        pending = await history.pending_change(tx, person.id)
        if pending is None:
            return None
        own, asked_at = pending
        await history.drop_change(tx, person.id)
        if await history.acted_since(tx, person.id, asked_at):
            return None  # they went on answering instead: the text belongs to the question waiting
        rnd = next((r for r in self.env.consultation.rounds if r.id == own.answer.round_id), None)
        if rnd is None or await round_status(tx, rnd.id) != RoundStatus.OPEN:
            return None  # the round closed meanwhile: the text is heard as anything else typed
        q = rnd.question(own.answer.question_id)
        if isinstance(q, ChoiceQuestion):  # Other was ticked in a change: these are its words
            await details.forget(tx, own.id, details.OTHER)
            await details.give(tx, own.id, details.OTHER, text, source, self.env.stamp())
        else:
            await history.replace_answer(tx, person.id, own.id, text, source, self.env.stamp())
        return rnd

    # -- reads -------------------------------------------------------------------------------

    async def _entry(self, tx: Tx, rnd: Round, answer_id: int, a: Answer, texts: dict | None = None) -> Entry | None:
        number, q = next(((n, q) for n, q in enumerate(rnd.questions, start=1) if q.id == a.question_id), (0, None))
        if q is None:
            return None  # a question the definition no longer has
        criterion = self._criteria.get(a.criterion_id or "")
        item = None
        if isinstance(q, ItemRatingQuestion):
            texts = {} if texts is None else texts
            if q.item_set not in texts:
                texts[q.item_set] = dict(await item_rows(tx, q.item_set))
            item = texts[q.item_set].get(a.item_id or "", a.item_id)
        return Entry(answer_id, number, q, item, criterion, tuple(labels_of(q, criterion, a.value)), a.value)

    async def _ask(self, tx: Tx, rnd: Round, number: int, a: Answer, participant_id: int) -> Ask:
        """Returns the question (or item card) an answer was given to, as it was asked (in the person's share)."""
        q = rnd.questions[number - 1]
        base = dict(round=rnd, round_number=self._numbers[rnd.id], question=q, number=number, total=len(rnd.questions))
        if not isinstance(q, ItemRatingQuestion):
            return Ask(**base)
        items = await cards_of(tx, q, await share_of(tx, rnd.id, q, participant_id, keep=False))  # as in the round
        asked = await asked_by_item(tx, self.env.consultation, q)
        position = next((i for i, (item_id, *_) in enumerate(items) if item_id == a.item_id), 0)
        return Ask(
            **base,
            item=Item(*items[position]) if items else Item(a.item_id or "", a.item_id or ""),
            criterion=self._criteria[a.criterion_id or ""],
            item_index=position,
            items_total=len(items),
            criterion_index=_place(asked.get(a.item_id or "", []), a.criterion_id or ""),
            item_criteria=tuple(asked.get(a.item_id or "", [])),
        )

    async def _person(self, tx: Tx, telegram_user_id: int) -> Participant:
        return await taking_part(tx, telegram_user_id)

    async def _guard(self, tx: Tx, telegram_user_id: int, round_id: str) -> tuple[Participant, Round]:
        return await in_open_round(tx, self.env.consultation, telegram_user_id, round_id)


def _place(criteria: list[str], criterion_id: str) -> int:
    """Returns a criterion's place among an item's cards; 0 for one no longer asked (its card is shown first)."""
    return criteria.index(criterion_id) if criterion_id in criteria else 0
