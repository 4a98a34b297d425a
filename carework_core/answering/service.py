"""A participant's way through a round. Their position is always derived from stored answers."""

from __future__ import annotations

from dataclasses import replace

from carework_core.answering.card_walk import next_card
from carework_core.answering.cards import CardViews
from carework_core.answering.carry import Carry
from carework_core.answering.continuations import joined_on
from carework_core.answering.followups import FollowupActions, chooses_other
from carework_core.answering.review import Changed, Review
from carework_core.answering.shares import share_of
from carework_core.answering.steps import (  # re-exported: callers know them as answering's results
    Ask,
    ButtonsExpected,
    Continued,
    ExampleInvited,
    Item,
    NothingToAnswer,
    ReasonSaved,
    RoundDone,
    Step,
    StoredAnswer,
    TapResult,
    TextSaved,
)
from carework_core.answering.unknown_ideas import rest_of_idea
from carework_core.answering.vocabulary import checked_value, labels_of
from carework_core.answering.voice import VoiceNote, keep_voice
from carework_core.answering.whereabouts import Elsewhere, elsewhere
from carework_core.definitions.local_text import languages_of
from carework_core.definitions.model import (
    ChoiceQuestion,
    ExamplesQuestion,
    ItemRatingQuestion,
    RatingQuestion,
    Round,
    TextQuestion,
)
from carework_core.env import Env
from carework_core.errors import (
    AnswerRejected,
    ConsentReworded,
    ItemsLocked,
    StaleAction,
)
from carework_core.people.consents import reworded_required
from carework_core.people.onboarding import Participant
from carework_core.people.taking_part import in_open_round, taking_part
from carework_core.results.figures import Results
from carework_core.storage import answers as store
from carework_core.storage import reasons
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows, opened_rounds, replace_items

__all__ = [
    "Answering",
    "Ask",
    "ButtonsExpected",
    "Continued",
    "ExampleInvited",
    "Item",
    "NothingToAnswer",
    "ReasonSaved",
    "RoundDone",
    "Step",
    "StoredAnswer",
    "TapResult",
    "TextSaved",
]


class Answering(FollowupActions, CardViews):
    """A participant's actions in a round: each one call, returning everything the shell replies with."""

    def __init__(self, env: Env, results: Results, review: Review):
        self.env = env
        self.review = review  # taps and typing that change an earlier answer
        self._numbers = {r.id: n for n, r in enumerate(env.consultation.rounds, start=1)}
        self._criteria = {c.id: c for c in env.consultation.criteria}
        self._carry = Carry(env, results)  # carry-forward reads closed rounds' figures

    async def begin(self, telegram_user_id: int, round_id: str) -> Step:
        """Starts (or resumes) a round and returns the first unanswered question."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            await reasons.close_offers(tx, person.id, reasons.OfferStatus.PASSED)
            await store.start_participation(tx, person.id, round_id, self.env.stamp())
            step = await self._moved(tx, person, rnd, await store.round_progress(tx, person.id, rnd.id))
        return await self._carry.onto(person, step)

    async def receive_text(
        self, telegram_user_id: int, text: str, source: str, voice: VoiceNote | None = None
    ) -> TextSaved | ButtonsExpected | NothingToAnswer | ReasonSaved | Changed | Continued:
        """Stores typed text (or a voice note) as the rest of a text an app split, the reason the bot asked
        for, a changed answer, or the answer to the current question."""
        text = voice.marker if voice else text
        async with self.env.db.transaction() as tx:
            person = await self._person(tx, telegram_user_id)
            await self._still_agreed(tx, person)
            if voice is None and await joined_on(tx, person.id, text, source):
                return Continued()
            result = (
                await self._heard(tx, person, text, source)
                or await self._retyped(tx, person, text, source)
                or await self._typed(tx, person, text, source)
            )
            saved = isinstance(result, (TextSaved, ReasonSaved, Changed))
            if voice and saved and not getattr(result, "duplicate", False):  # a change is never a replay
                await keep_voice(tx, person.id, source, voice)
        if saved:
            return replace(result, step=await self._carry.onto(person, result.step))
        return result

    async def _typed(
        self, tx: Tx, person: Participant, text: str, source: str
    ) -> TextSaved | ButtonsExpected | NothingToAnswer:
        """Stores typed text as the answer to the current examples or text question."""
        rnd = await self._active_round(tx, person)
        if rnd is None:
            return NothingToAnswer(await elsewhere(tx, self.env.consultation, person, self.env.clock.now()))
        progress = await store.round_progress(tx, person.id, rnd.id)
        step = await self._step(tx, rnd, progress)
        detail = await self._detail(tx, person, rnd, step, text, source)  # a follow-up, or Other's words
        if detail is not None:
            return detail
        if await store.answer_from(tx, person.id, source):
            return TextSaved(step, isinstance(step, Ask) and isinstance(step.question, ExamplesQuestion), True)
        if not isinstance(step, Ask):
            return NothingToAnswer(await elsewhere(tx, self.env.consultation, person, self.env.clock.now()))
        q = step.question
        if not isinstance(q, (ExamplesQuestion, TextQuestion)):
            return ButtonsExpected(step)
        progress = await self._record(tx, person, progress, store.Answer(rnd.id, q.id, text, source))
        full = isinstance(q, ExamplesQuestion) and step.examples_given + 1 >= q.max_examples and not q.followups
        if isinstance(q, TextQuestion) or full:
            progress = await self._done(tx, person, rnd, progress, q.id)
        return TextSaved(await self._moved(tx, person, rnd, progress), isinstance(q, ExamplesQuestion), False)

    async def tap(
        self,
        telegram_user_id: int,
        round_id: str,
        number: int,
        value: str,
        source: str,
        card: tuple[int, int] | None = None,
    ) -> TapResult:
        """Stores a tapped answer to question `number` and returns it with its words and the next step.

        `value` is what the button carries (see vocabulary.checked_value). An item-rating answer
        names its `card` (item position, criterion index); a tap for a card not yet shown is refused,
        so a quick repeat tap cannot rate unseen cards. A tap for a question (or card) already
        answered changes that answer while the round is open (Review.retap).
        """
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            progress = await store.round_progress(tx, person.id, rnd.id)
            step = await self._step(tx, rnd, progress)
            earlier = next((a for a in progress.answers if a.source == source), None)  # a replayed tap's, in its round
            tap = (number, card, value, source)
            changed = None if earlier else await self.review.retap(tx, person, rnd, step, progress, tap)
            if changed is not None:  # a button of a question already answered: the tap changes that answer
                wants = await self.review.words_wanted(tx, person, rnd)  # Other chosen in the change: its words
                offered, result = False, self._tapped(changed, wants or step)
            elif earlier is not None:  # a replayed tap: show what it stored the first time
                waiting = await reasons.open_offer(tx, person.id)
                offered = waiting is not None and waiting.card == reasons.card_of(earlier)
                result = self._tapped(earlier, step)
            else:
                answer, *passed = await self._answer_tap(tx, person, rnd, step, tap, progress.cards)
                progress = progress.with_answer(answer, *passed)
                words = chooses_other(step.question, answer.value) and not step.question.multiple
                if not isinstance(step.question, ItemRatingQuestion) and not words:  # Other asks for words first
                    progress = await self._done(tx, person, rnd, progress, answer.question_id)
                result = self._tapped(answer, await self._moved(tx, person, rnd, progress))
        # Outside the write: the group's figures are read in transactions of their own.
        if earlier is None and changed is None:
            offered = await self._carry.offer_if_dissenting(person, answer)
        if offered:
            return replace(result, reason_offered=True)  # the next step waits for the reason or Skip
        return replace(result, step=await self._carry.onto(person, result.step))

    async def skip_reason(self, telegram_user_id: int, round_id: str) -> Step | None:
        """Goes on without the reason the bot offered to hear; None when no offer was waiting."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            offer = await reasons.open_offer(tx, person.id)
            if offer is None or offer.card.round_id != round_id:
                return None
            await reasons.close_offers(tx, person.id, reasons.OfferStatus.SKIPPED)
            step = await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id))
        return await self._carry.onto(person, step)

    async def toggle(self, telegram_user_id: int, round_id: str, number: int) -> Ask | None:
        """Returns the multiple-choice question a tick belongs to (waiting, or answered and being changed), else None."""
        step = await self.current(telegram_user_id, round_id)
        if isinstance(step, Ask) and step.number == number and isinstance(step.question, ChoiceQuestion):
            return step
        return await self.review.choice_again(telegram_user_id, round_id, number)  # changing earlier ticks

    async def add_example(self, telegram_user_id: int, round_id: str, number: int) -> ExampleInvited:
        """Says whether the examples question tapped still waits for another example."""
        step = await self.current(telegram_user_id, round_id)
        return ExampleInvited(step, isinstance(step, Ask) and step.number == number and step.waiting is None)

    async def finish_question(self, telegram_user_id: int, round_id: str, number: int, skip: bool = False) -> Step:
        """Moves past an examples question ("Next question") or skips an optional question."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            progress = await store.round_progress(tx, person.id, rnd.id)
            ask = _expect(await self._step(tx, rnd, progress), number, None)
            if skip and ask.question.required:
                raise AnswerRejected("this question needs an answer before moving on")
            if not skip and isinstance(ask.question, ExamplesQuestion) and ask.examples_given == 0:
                raise AnswerRejected("please type an example first, or skip this question")
            await reasons.close_offers(tx, person.id, reasons.OfferStatus.PASSED)
            progress = await self._done(tx, person, rnd, progress, ask.question.id, skipped=skip)
            step = await self._moved(tx, person, rnd, progress)
        return await self._carry.onto(person, step)

    async def whereabouts(self, telegram_user_id: int) -> Ask | Elsewhere:
        """Returns a registered person's next question, or the round to start, or that none is open."""
        async with self.env.db.reading() as tx:
            person = await self._person(tx, telegram_user_id)
            rnd = await self._active_round(tx, person)
            progress = await store.round_progress(tx, person.id, rnd.id) if rnd else None
            step = await self._step(tx, rnd, progress, keep=False) if rnd else None
            if not isinstance(step, Ask):
                return await elsewhere(tx, self.env.consultation, person, self.env.clock.now())
        return await self._carry.onto(person, step)

    async def current(self, telegram_user_id: int, round_id: str) -> Step:
        """Returns where the participant is in a round, without changing anything."""
        async with self.env.db.reading() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            return await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id), keep=False)

    async def load_items(self, item_set: str, items: list[Item]) -> None:
        """Replaces an item set (the researchers' synthesis); refused once a round rating it has opened."""
        pairs = [(it.id, it.text) for it in items]
        users = [
            r.id
            for r in self.env.consultation.rounds
            if any(isinstance(q, ItemRatingQuestion) and q.item_set == item_set for q in r.questions)
        ]
        async with self.env.db.transaction() as tx:
            if _spelled(await item_rows(tx, item_set)) == _spelled(pairs):
                return  # the same items in every language: nothing to do
            opened = await opened_rounds(tx, users) if users else []
            if opened:
                raise ItemsLocked(
                    f"item set {item_set!r} cannot change: round {', '.join(opened)} has opened and people rate "
                    "these items; to rate other items, add a round with a new item set"
                )
            await replace_items(tx, item_set, pairs)

    # -- derivation: reads only --------------------------------------------------------------

    async def _step(self, tx: Tx, rnd: Round, progress: store.RoundProgress, keep: bool = True) -> Step:
        """Returns the first unfinished question of a round, or RoundDone when none is left; a share of items
        reached for the first time is stored (`keep`, in a write) so that it stays the same."""
        for number, q in enumerate(rnd.questions, start=1):
            if q.id in progress.done:
                continue
            base = dict(
                round=rnd, round_number=self._numbers[rnd.id], question=q, number=number, total=len(rnd.questions)
            )
            if not isinstance(q, ItemRatingQuestion):
                return await self._attach(tx, progress, Ask(**base, examples_given=progress.count(q.id)))
            share = await share_of(tx, rnd.id, q, progress.participant_id, keep)
            ask = await next_card(tx, self.env.consultation, q, base, progress.cards(q.id), share)
            if ask is not None:
                return ask
        return RoundDone(rnd, self._numbers[rnd.id])

    async def _active_round(self, tx: Tx, person: Participant) -> Round | None:
        ids = {r.id: r for r in self.env.consultation.rounds}
        return next((ids[r] for r in await store.rounds_under_way(tx, person.id) if r in ids), None)

    def _tapped(self, answer: store.Answer, step: Step) -> TapResult:
        """Returns a tap's answer in words, and whether the next step is another card of the same question."""
        rnd = next((r for r in self.env.consultation.rounds if r.id == answer.round_id), None)
        q = next((q for q in rnd.questions if q.id == answer.question_id), None) if rnd else None
        criterion = self._criteria.get(answer.criterion_id or "")
        stored = StoredAnswer(answer.value, tuple(labels_of(q, criterion, answer.value)))
        same_card = (
            answer.item_id is not None
            and isinstance(step, Ask)
            and (step.round.id, step.question.id) == (answer.round_id, answer.question_id)
        )
        return TapResult(stored, step, same_card)

    # -- guards and writes -------------------------------------------------------------------

    async def _heard(self, tx: Tx, person: Participant, text: str, source: str) -> ReasonSaved | None:
        """Stores typed text as the reason the bot offered to hear; None when no offer waits for it."""
        offer = await reasons.reason_from(tx, person.id, source)  # a replayed message stores nothing twice
        duplicate = offer is not None
        if offer is None:
            offer = await reasons.open_offer(tx, person.id)
            if offer is None:
                return None
            await reasons.give_reason(tx, offer.id, text, source, self.env.stamp())
        rnd = self.env.consultation.round(offer.card.round_id)
        return ReasonSaved(await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id)), duplicate)

    async def _retyped(self, tx: Tx, person: Participant, text: str, source: str) -> Changed | None:
        """Stores typed text in place of the answer the person asked to change; None when no change waits."""
        rnd = await self.review.retype(tx, person, text, source)
        return Changed(await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id))) if rnd else None

    async def _person(self, tx: Tx, telegram_user_id: int) -> Participant:
        return await taking_part(tx, telegram_user_id)

    async def _still_agreed(self, tx: Tx, person: Participant) -> None:
        """Refuses words for a round under way while a required consent statement waits to be agreed again."""
        reworded = await reworded_required(tx, self.env.consultation, person)
        if reworded:
            rnd = await self._active_round(tx, person)
            if rnd is not None:
                raise ConsentReworded(rnd.id, reworded[0])

    async def _guard(self, tx: Tx, telegram_user_id: int, round_id: str) -> tuple[Participant, Round]:
        return await in_open_round(tx, self.env.consultation, telegram_user_id, round_id)

    async def _answer_tap(self, tx: Tx, person: Participant, rnd: Round, step: Step, tap: tuple, cards) -> list:
        """Stores a new tap (number, card, value, source) as the answer to the card waiting, and returns it
        first; "I don't know this idea" answers the idea's other criteria waiting too (`cards` finds them)."""
        number, card, value, source = tap
        ask = _expect(step, number, (RatingQuestion, ChoiceQuestion, ItemRatingQuestion))
        if ask.card != card:
            raise StaleAction("that card has already been answered")
        await reasons.close_offers(tx, person.id, reasons.OfferStatus.PASSED)
        answer = store.Answer(
            rnd.id,
            ask.question.id,
            checked_value(ask.question, ask.criterion, value),
            source,
            ask.item.id if ask.item else None,
            ask.criterion.id if ask.criterion else None,
        )
        if isinstance(ask.question, ChoiceQuestion):
            await self._store_choice(tx, person.id, answer)  # one waiting for Other's words is changed
            return [answer]
        answers = [answer, *rest_of_idea(ask, answer, cards(ask.question.id))]
        for one in answers:
            await store.record_answer(tx, person.id, one, self.env.stamp())
        return answers

    async def _record(
        self, tx: Tx, person: Participant, progress: store.RoundProgress, answer: store.Answer
    ) -> store.RoundProgress:
        await store.record_answer(tx, person.id, answer, self.env.stamp())
        return progress.with_answer(answer)

    async def _done(
        self, tx: Tx, person: Participant, rnd: Round, progress: store.RoundProgress, question_id: str, skipped=False
    ) -> store.RoundProgress:
        await store.mark_done(tx, person.id, rnd.id, question_id, skipped, self.env.stamp())
        return progress.with_done(question_id)

    async def _moved(self, tx: Tx, person: Participant, rnd: Round, progress: store.RoundProgress) -> Step:
        """Returns the next step after a write; the write that answers the last question finishes the round."""
        step = await self._step(tx, rnd, progress)
        if isinstance(step, RoundDone):
            await store.finish_participation(tx, person.id, rnd.id, self.env.stamp())
        return step


def _expect(step: Step, number: int, kinds) -> Ask:
    if not isinstance(step, Ask) or step.number != number or (kinds and not isinstance(step.question, kinds)):
        raise StaleAction("that question has already been answered")
    return step


def _spelled(pairs: list[tuple[str, str]]) -> list[tuple[str, str, dict[str, str]]]:
    """Returns items with their text in every language, so that a changed translation counts as a change."""
    return [(item_id, str(text), languages_of(text)) for item_id, text in pairs]
