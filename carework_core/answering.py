"""A participant's way through a round. Their position is always derived from stored answers."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.definitions import (
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
from carework_core.errors import (
    AnswerRejected,
    ConsentPending,
    ItemsLocked,
    NotRegistered,
    RoundNotOpen,
    StaleAction,
)
from carework_core.lifecycle import RoundStatus
from carework_core.onboarding import Participant, find_participant
from carework_core.rounds import round_status
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows, opened_rounds, replace_items
from carework_core.whereabouts import Elsewhere, elsewhere

NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Item:
    id: str
    text: str


@dataclass(frozen=True)
class Ask:
    """The question a participant should answer next."""

    round: Round
    round_number: int
    question: Question
    number: int
    total: int
    examples_given: int = 0
    item: Item | None = None
    criterion: Criterion | None = None
    item_index: int = 0  # the item's place in its set, from 0; with criterion_index it names the card
    items_total: int = 0
    criterion_index: int = 0

    @property
    def card(self) -> tuple[int, int] | None:
        """Returns (item position, criterion index) of an item-rating card, or None."""
        return (self.item_index, self.criterion_index) if self.item is not None else None


@dataclass(frozen=True)
class RoundDone:
    round: Round
    round_number: int


Step = Ask | RoundDone


@dataclass(frozen=True)
class TextSaved:
    """A typed answer was stored (or had been already); `step` is what comes next."""

    step: Step
    was_example: bool
    duplicate: bool


@dataclass(frozen=True)
class ButtonsExpected:
    """The person typed while the current question wants a button."""

    step: Ask


@dataclass(frozen=True)
class NothingToAnswer:
    """The person typed while no question is waiting; `where` says what they can do instead."""

    where: Elsewhere


class Answering:
    def __init__(self, env: Env):
        self.env = env
        self._numbers = {r.id: n for n, r in enumerate(env.consultation.rounds, start=1)}

    async def begin(self, telegram_user_id: int, round_id: str) -> Step:
        """Starts (or resumes) a round and returns the first unanswered question."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            await tx.execute(
                "INSERT INTO participations (participant_id, round_id, started_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO UPDATE SET started_at = COALESCE(started_at, excluded.started_at)",
                (person.id, round_id, self.env.stamp()),
            )
            return await self._advance(tx, person, rnd)

    async def receive_text(
        self, telegram_user_id: int, text: str, source: str
    ) -> TextSaved | ButtonsExpected | NothingToAnswer:
        """Stores typed text as the answer to the current examples or text question."""
        async with self.env.db.transaction() as tx:
            person = await self._person(tx, telegram_user_id)
            rnd = await self._active_round(tx, person)
            if rnd is None:
                return NothingToAnswer(await elsewhere(tx, self.env.consultation, person))
            step = await self._advance(tx, person, rnd)
            if await self._seen(tx, person, source):
                return TextSaved(step, isinstance(step, Ask) and isinstance(step.question, ExamplesQuestion), True)
            if not isinstance(step, Ask):
                return NothingToAnswer(await elsewhere(tx, self.env.consultation, person))
            q = step.question
            if not isinstance(q, (ExamplesQuestion, TextQuestion)):
                return ButtonsExpected(step)
            await self._store(tx, person, rnd, q.id, text, source)
            full = isinstance(q, ExamplesQuestion) and step.examples_given + 1 >= q.max_examples
            if isinstance(q, TextQuestion) or full:
                await self._mark_done(tx, person, rnd, q.id)
            return TextSaved(await self._advance(tx, person, rnd), isinstance(q, ExamplesQuestion), False)

    async def choose(
        self,
        telegram_user_id: int,
        round_id: str,
        number: int,
        value: str,
        source: str,
        card: tuple[int, int] | None = None,
    ) -> Step:
        """Stores a tapped answer (scale point, option, or NOT_SURE) for question `number`.

        An item-rating answer names its `card` (item position, criterion index); a tap for any
        other card than the one waiting is refused, so a quick repeat tap cannot rate unseen cards.
        """
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            step = await self._advance(tx, person, rnd)
            if await self._seen(tx, person, source):
                return step
            ask = self._expect(step, number, (RatingQuestion, ChoiceQuestion, ItemRatingQuestion))
            if ask.card != card:
                raise StaleAction("that card has already been answered")
            stored = _checked_value(ask, value)
            item_id = ask.item.id if ask.item else None
            crit_id = ask.criterion.id if ask.criterion else None
            await self._store(tx, person, rnd, ask.question.id, stored, source, item_id, crit_id)
            if not isinstance(ask.question, ItemRatingQuestion):
                await self._mark_done(tx, person, rnd, ask.question.id)
            return await self._advance(tx, person, rnd)

    async def finish_question(self, telegram_user_id: int, round_id: str, number: int, skip: bool = False) -> Step:
        """Moves past an examples question ("Next question") or skips an optional question."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            ask = self._expect(await self._advance(tx, person, rnd), number, None)
            if skip and ask.question.required:
                raise AnswerRejected("this question needs an answer before moving on")
            if not skip and isinstance(ask.question, ExamplesQuestion) and ask.examples_given == 0:
                raise AnswerRejected("please type an example first, or skip this question")
            await self._mark_done(tx, person, rnd, ask.question.id, skipped=skip)
            return await self._advance(tx, person, rnd)

    async def whereabouts(self, telegram_user_id: int) -> Ask | Elsewhere:
        """Returns a registered person's next question, or the round to start, or that none is open."""
        async with self.env.db.transaction() as tx:
            person = await self._person(tx, telegram_user_id)
            rnd = await self._active_round(tx, person)
            step = await self._advance(tx, person, rnd) if rnd else None
            return step if isinstance(step, Ask) else await elsewhere(tx, self.env.consultation, person)

    async def current(self, telegram_user_id: int, round_id: str) -> Step:
        """Returns where the participant is in a round, without changing anything."""
        async with self.env.db.transaction() as tx:
            person, rnd = await self._guard(tx, telegram_user_id, round_id)
            return await self._advance(tx, person, rnd)

    async def load_items(self, item_set: str, items: list[Item]) -> None:
        """Replaces an item set (the researchers' synthesis); refused once a round rating it has opened."""
        pairs = [(it.id, it.text) for it in items]
        users = [
            r.id
            for r in self.env.consultation.rounds
            if any(isinstance(q, ItemRatingQuestion) and q.item_set == item_set for q in r.questions)
        ]
        async with self.env.db.transaction() as tx:
            if await item_rows(tx, item_set) == pairs:
                return
            opened = await opened_rounds(tx, users) if users else []
            if opened:
                raise ItemsLocked(
                    f"item set {item_set!r} cannot change: round {', '.join(opened)} has opened and people rate "
                    "these items; to rate other items, add a round with a new item set"
                )
            await replace_items(tx, item_set, pairs)

    # -- derivation --------------------------------------------------------------------------

    async def _advance(self, tx: Tx, person: Participant, rnd: Round) -> Step:
        """Returns the first unfinished question; marks the round finished when none is left."""
        done = {
            r[0]
            for r in await tx.fetchall(
                "SELECT question_id FROM progress WHERE participant_id = ? AND round_id = ?", (person.id, rnd.id)
            )
        }
        for number, q in enumerate(rnd.questions, start=1):
            if q.id in done:
                continue
            ask = await self._ask(tx, person, rnd, q, number)
            if ask is not None:
                return ask
        await tx.execute(
            "UPDATE participations SET finished_at = COALESCE(finished_at, ?) WHERE participant_id = ? AND round_id = ?",
            (self.env.stamp(), person.id, rnd.id),
        )
        return RoundDone(rnd, self._numbers[rnd.id])

    async def _ask(self, tx: Tx, person: Participant, rnd: Round, q: Question, number: int) -> Ask | None:
        base = dict(round=rnd, round_number=self._numbers[rnd.id], question=q, number=number, total=len(rnd.questions))
        if isinstance(q, ItemRatingQuestion):
            return await self._next_unit(tx, person, rnd, q, base)
        row = await tx.fetchone(
            "SELECT COUNT(*) FROM answers WHERE participant_id = ? AND round_id = ? AND question_id = ?",
            (person.id, rnd.id, q.id),
        )
        return Ask(**base, examples_given=row[0])

    async def _next_unit(
        self, tx: Tx, person: Participant, rnd: Round, q: ItemRatingQuestion, base: dict
    ) -> Ask | None:
        items = await tx.fetchall("SELECT item_id, text FROM items WHERE item_set = ? ORDER BY position", (q.item_set,))
        answered = {
            (r[0], r[1])
            for r in await tx.fetchall(
                "SELECT item_id, criterion_id FROM answers WHERE participant_id = ? AND round_id = ? AND question_id = ?",
                (person.id, rnd.id, q.id),
            )
        }
        criteria = {c.id: c for c in self.env.consultation.criteria}
        for position, item in enumerate(items):
            for index, crit_id in enumerate(q.criteria):
                if (item[0], crit_id) not in answered:
                    return Ask(
                        **base,
                        item=Item(item[0], item[1]),
                        criterion=criteria[crit_id],
                        item_index=position,
                        items_total=len(items),
                        criterion_index=index,
                    )
        return None  # no items loaded yet, or every item rated

    async def _active_round(self, tx: Tx, person: Participant) -> Round | None:
        rows = await tx.fetchall(
            "SELECT x.round_id FROM participations x JOIN rounds r ON r.round_id = x.round_id"
            " WHERE x.participant_id = ? AND x.started_at IS NOT NULL AND x.finished_at IS NULL AND r.status = 'open'"
            " ORDER BY x.started_at DESC",
            (person.id,),
        )
        ids = {r.id: r for r in self.env.consultation.rounds}
        return next((ids[r[0]] for r in rows if r[0] in ids), None)

    # -- guards and writes -------------------------------------------------------------------

    async def _person(self, tx: Tx, telegram_user_id: int) -> Participant:
        person = await find_participant(tx, telegram_user_id)
        if person is not None and person.status == "consenting":
            raise ConsentPending("the consent questions are still waiting for an answer")
        if person is None or person.status != "consented":
            raise NotRegistered("you are not taking part yet")
        return person

    async def _guard(self, tx: Tx, telegram_user_id: int, round_id: str) -> tuple[Participant, Round]:
        person = await self._person(tx, telegram_user_id)
        rnd = next((r for r in self.env.consultation.rounds if r.id == round_id), None)
        if rnd is None or person.group_id not in rnd.groups:
            raise StaleAction(f"round {round_id!r} is not one for this participant")
        if await round_status(tx, round_id) != RoundStatus.OPEN:
            raise RoundNotOpen(f"round {round_id} is not open")
        return person, rnd

    @staticmethod
    def _expect(step: Step, number: int, kinds) -> Ask:
        if not isinstance(step, Ask) or step.number != number or (kinds and not isinstance(step.question, kinds)):
            raise StaleAction("that question has already been answered")
        return step

    async def _seen(self, tx: Tx, person: Participant, source: str) -> bool:
        row = await tx.fetchone("SELECT 1 FROM answers WHERE participant_id = ? AND source = ?", (person.id, source))
        return row is not None

    async def _store(self, tx, person, rnd, question_id, value, source, item_id=None, criterion_id=None) -> None:
        await tx.execute(
            "INSERT OR IGNORE INTO answers (participant_id, round_id, question_id, item_id, criterion_id, value, source,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (person.id, rnd.id, question_id, item_id, criterion_id, value, source, self.env.stamp()),
        )

    async def _mark_done(
        self, tx: Tx, person: Participant, rnd: Round, question_id: str, skipped: bool = False
    ) -> None:
        await tx.execute(
            "INSERT OR IGNORE INTO progress (participant_id, round_id, question_id, skipped, done_at) VALUES (?, ?, ?, ?, ?)",
            (person.id, rnd.id, question_id, int(skipped), self.env.stamp()),
        )


def _checked_value(ask: Ask, value: str) -> str:
    """Returns the value to store for a tapped answer, or raises AnswerRejected."""
    q = ask.question
    scale = q.scale if isinstance(q, RatingQuestion) else (ask.criterion.scale if ask.criterion else None)
    if scale is not None:
        if value == NOT_SURE and scale.not_sure:
            return NOT_SURE
        if value.isdigit() and 1 <= int(value) <= len(scale.labels):
            return value
    if isinstance(q, ChoiceQuestion):
        ids = value.split(",") if value else []
        known = {o.id for o in q.options}
        if ids and set(ids) <= known and (q.multiple or len(ids) == 1):
            return ",".join(o.id for o in q.options if o.id in ids)
    raise AnswerRejected("that answer does not fit this question")
