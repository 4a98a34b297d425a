"""Follow-ups about examples, the words given with an Other option, and "I have no example".

Answering takes these actions as a mixin, so the walk through a round stays in one place. What a
question still waits for (the next follow-up, Other's words) is always read from stored rows: the
latest answer to the question and the details given for it. A restart or a replayed update finds
the same place.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from carework_core.answering.steps import Ask, Step, TextSaved, Waiting
from carework_core.answering.vocabulary import checked_value
from carework_core.definitions.model import ChoiceQuestion, ExamplesQuestion, Question
from carework_core.errors import StaleAction
from carework_core.storage import answers as store
from carework_core.storage import details
from carework_core.storage.db import Tx

if TYPE_CHECKING:
    from carework_core.definitions.model import Round
    from carework_core.people.onboarding import Participant


class Walk(Protocol):
    """What the follow-up actions need of the walk through a round that takes them (Answering).

    Named here, not imported, so that answering's service imports this module and not the reverse."""

    env: Any
    review: Any

    async def _guard(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _step(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _after_detail(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _carry(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _done(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _moved(self, *args: Any, **kwargs: Any) -> Any: ...
    async def _store_choice(self, *args: Any, **kwargs: Any) -> Any: ...


def other_option(q: Question) -> int | None:
    """Returns the place of a choice question's Other option, or None when it has none."""
    if not isinstance(q, ChoiceQuestion):
        return None
    return next((n for n, o in enumerate(q.options) if o.other), None)


def with_other(q: ChoiceQuestion, mask: int, place: int) -> str:
    """Returns the positions ticked (one bit each in `mask`) with Other's added, such as "0,2"."""
    return ",".join(str(i) for i in range(len(q.options)) if (mask | 1 << place) >> i & 1)


def chooses_other(q: Question, value: str) -> bool:
    """Says whether a stored choice includes the question's Other option."""
    place = other_option(q)
    return place is not None and q.options[place].id in value.split(",")


class FollowupActions:
    """The actions of follow-ups and Other, taken by Answering (which supplies the guards and writes)."""

    async def skip_followup(
        self: Walk, telegram_user_id: int, round_id: str, number: int, nth: int, index: int, source: str
    ) -> Step:
        """Skips the follow-up waiting about an example and returns what comes next."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            progress = await store.round_progress(tx, person.id, rnd.id)
            step = await self._step(tx, rnd, progress)
            if not await details.detail_from(tx, person.id, source):  # a replayed Skip changes nothing
                waiting = step.waiting if isinstance(step, Ask) and step.number == number else None
                if waiting is None or (waiting.nth, waiting.index) != (nth, index):
                    raise StaleAction("that follow-up has already been answered")
                await details.give(tx, waiting.answer_id, waiting.field, None, source, self.env.stamp())
                step = await self._after_detail(tx, person, rnd, progress, step)
        return await self._carry.onto(person, step)

    async def no_example(self: Walk, telegram_user_id: int, round_id: str, number: int) -> Step:
        """Finishes an examples question the person has no example for, stored as skipped."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            progress = await store.round_progress(tx, person.id, rnd.id)
            ask = await self._step(tx, rnd, progress)
            if not isinstance(ask, Ask) or ask.number != number or not isinstance(ask.question, ExamplesQuestion):
                raise StaleAction("that question has already been answered")
            if ask.examples_given:
                raise StaleAction("an example has been given: tap Next question")
            progress = await self._done(tx, person, rnd, progress, ask.question.id, skipped=True)
            step = await self._moved(tx, person, rnd, progress)
        return await self._carry.onto(person, step)

    async def choose_other(
        self: Walk, telegram_user_id: int, round_id: str, number: int, mask: int, source: str
    ) -> Step:
        """Ticks Other on a multiple choice: stores the choice so far and asks for Other's words."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            progress = await store.round_progress(tx, person.id, rnd.id)
            ask = await self._step(tx, rnd, progress)
            if await store.answer_from(tx, person.id, source) is None:  # a replayed tap changes nothing
                place = other_option(ask.question) if isinstance(ask, Ask) and ask.number == number else None
                if place is None:  # not the question waiting: Other ticked while changing an answer
                    changing = await self.review.other_ticked(tx, person, rnd, number, mask, source)
                    if changing is None:
                        raise StaleAction("that question has already been answered")
                    return changing
                value = checked_value(ask.question, None, with_other(ask.question, mask, place))
                await self._store_choice(tx, person.id, store.Answer(rnd.id, ask.question.id, value, source))
                ask = await self._step(tx, rnd, await store.round_progress(tx, person.id, rnd.id))
        return ask

    # -- hooks Answering calls ----------------------------------------------------------------

    async def _attach(self: Walk, tx: Tx, progress: store.RoundProgress, ask: Ask) -> Ask:
        """Returns the question with what it still waits for: a follow-up, Other's words, or the ticks so far."""
        q = ask.question
        wants = (isinstance(q, ExamplesQuestion) and q.followups) or other_option(q) is not None
        if not wants or not progress.count(q.id):
            return ask
        latest = await details.latest_answer(tx, progress.participant_id, ask.round.id, q.id)
        if latest is None:
            return ask
        answer_id, value = latest
        given = await details.fields_of(tx, answer_id)
        if isinstance(q, ExamplesQuestion):
            for index, f in enumerate(q.followups):
                if f.id not in given:
                    waiting = Waiting(answer_id, f.id, f.text, ask.examples_given, index, len(q.followups))
                    return replace(ask, waiting=waiting)
            return ask
        if chooses_other(q, value) and details.OTHER not in given:
            return replace(ask, waiting=Waiting(answer_id, details.OTHER))
        return replace(ask, ticked=value)

    async def _detail(
        self: Walk, tx: Tx, person: Participant, rnd: Round, step: Step, text: str, source: str
    ) -> TextSaved | None:
        """Stores typed text as the follow-up or Other's words waiting; None when nothing waits for it."""
        examples = isinstance(step, Ask) and isinstance(step.question, ExamplesQuestion)
        if await details.detail_from(tx, person.id, source):
            return TextSaved(step, examples, True)
        if not isinstance(step, Ask) or step.waiting is None:
            return None
        await details.give(tx, step.waiting.answer_id, step.waiting.field, text, source, self.env.stamp())
        progress = await store.round_progress(tx, person.id, rnd.id)
        return TextSaved(await self._after_detail(tx, person, rnd, progress, step), examples, False)

    async def _after_detail(
        self: Walk, tx: Tx, person: Participant, rnd: Round, progress: store.RoundProgress, step: Ask
    ) -> Step:
        """Returns the next step once a detail is stored; Other's words finish a single choice, the last
        follow-up of the last example allowed finishes an examples question."""
        q, waiting = step.question, step.waiting
        single = isinstance(q, ChoiceQuestion) and not q.multiple
        last = isinstance(q, ExamplesQuestion) and waiting.index + 1 >= waiting.of
        if single or (last and step.examples_given >= q.max_examples):
            progress = await self._done(tx, person, rnd, progress, q.id)
        return await self._moved(tx, person, rnd, progress)

    async def _store_choice(self: Walk, tx: Tx, participant_id: int, answer: store.Answer) -> None:
        """Stores a choice; one still waiting (for Other's words, or Done) is changed, never doubled."""
        rnd = self.env.consultation.round(answer.round_id)
        q = rnd.question(answer.question_id)
        latest = await details.latest_answer(tx, participant_id, answer.round_id, answer.question_id)
        if other_option(q) is not None and latest is not None:
            await details.change_choice(tx, latest[0], answer.value, chooses_other(q, answer.value))
            return
        await store.record_answer(tx, participant_id, answer, self.env.stamp())
