"""Carry-forward: a person's earlier answer to the same card, beside their group's, and when to ask why.

A card is carried forward from the latest closed round before this one that asked the same thing on
the same scale: an item of the same item set on the same criterion, or a rating question with the
same id. When the new answer sits two or more points from the group's median there, the bot offers
to hear why (only then: a first rating round has no group figure to differ from).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from carework_core.answering.steps import Ask, Carried, Step
from carework_core.answering.vocabulary import DONT_KNOW, DONT_KNOW_LABEL, NOT_SURE, points, scale_for
from carework_core.definitions.kinds import every_criterion
from carework_core.definitions.model import Consultation, Criterion, ItemRatingQuestion, RatingQuestion, Round, Scale
from carework_core.env import Env
from carework_core.people.model import Participant
from carework_core.results.figures import Results
from carework_core.results.summary import RoundStats
from carework_core.storage import answers as store
from carework_core.storage import reasons

DISSENT_POINTS = 2  # this far from the group's median, on the scale, the bot asks why


def earlier_places(c: Consultation, rnd: Round, question: Any, criterion: Criterion | None) -> list[tuple[str, str]]:
    """Returns the (round, question) pairs before `rnd` that asked the same card on the same scale."""
    before = c.rounds[: next(i for i, r in enumerate(c.rounds) if r.id == rnd.id)]
    places = []
    for r in before:
        for q in r.questions:
            same_items = (
                isinstance(question, ItemRatingQuestion)
                and isinstance(q, ItemRatingQuestion)
                and q.item_set == question.item_set
                and criterion is not None
                and criterion.id in every_criterion(q)
            )
            same_rating = isinstance(question, RatingQuestion) and isinstance(q, RatingQuestion) and q == question
            if same_items or same_rating:
                places.append((r.id, q.id))
    return places


def nearest_label(scale: Scale, median: float) -> str:
    """Returns the scale label nearest a median; a half point goes up."""
    point = min(max(math.floor(median + 0.5), 1), len(scale.labels))
    return scale.labels[point - 1]


def carried(round_id: str, value: str, scale: Scale, group_median: float | None) -> Carried | None:
    """Returns what to show of an earlier answer, or None when the scale no longer offers it."""
    words = {v: label for label, v in points(scale)} | {DONT_KNOW: DONT_KNOW_LABEL}  # any item card offers it
    if value not in words:
        return None
    group = nearest_label(scale, group_median) if group_median is not None else ""
    return Carried(round_id, value, words[value], group_median, group)


def dissents(value: str, before: Carried | None) -> bool:
    """Says whether a new answer is far enough from the group's earlier median to ask why."""
    if before is None or before.group_median is None or value == NOT_SURE or not value.isdigit():
        return False
    return abs(int(value) - before.group_median) >= DISSENT_POINTS


class Carry:
    """Finds a person's earlier answer to a card and records the offer to hear why they differ."""

    def __init__(self, env: Env, results: Results):
        self.env = env
        self.results = results
        # A closed round's figures stay put until it reopens, and every tap on a carried card
        # needs one: keep them whole (one counting query a round), keyed by when the round closed.
        self._figures: dict[tuple[str, str], RoundStats] = {}

    async def find(
        self, person: Participant, rnd: Round, question: Any, item_id: str | None, criterion: Criterion | None
    ) -> Carried | None:
        """Returns the person's answer to this card in the latest closed round before, with their group's."""
        scale = scale_for(question, criterion)
        places = earlier_places(self.env.consultation, rnd, question, criterion) if scale else []
        if not places:
            return None
        crit_id = criterion.id if criterion else None
        async with self.env.db.reading() as tx:
            found = await store.earlier_rating(tx, person.id, places, item_id, crit_id)
        if found is None or scale is None:
            return None
        before, closed_at = found
        key = (before.question_id, before.item_id, before.criterion_id)
        remembered = (before.round_id, closed_at)
        if remembered not in self._figures:
            self._figures[remembered] = await self.results.round_stats(before.round_id)
        cell = self._figures[remembered].cell(key, person.group_id)
        return carried(before.round_id, before.value, scale, cell.median if cell is not None else None)

    async def onto(self, person: Participant, step: Step) -> Step:
        """Returns a rating card with the person's earlier answer to it, when they gave one."""
        if not isinstance(step, Ask) or not isinstance(step.question, (RatingQuestion, ItemRatingQuestion)):
            return step
        found = await self.find(person, step.round, step.question, step.item.id if step.item else None, step.criterion)
        return replace(step, carried=found) if found else step

    async def offer_if_dissenting(self, person: Participant, answer: store.Answer) -> bool:
        """Records an offer to hear why when a new answer is 2+ points from the group's; says if it did."""
        rnd = self.env.consultation.round(answer.round_id)
        question = rnd.question(answer.question_id)
        criterion = next((c for c in self.env.consultation.criteria if c.id == answer.criterion_id), None)
        if not dissents(answer.value, await self.find(person, rnd, question, answer.item_id, criterion)):
            return False
        async with self.env.db.transaction() as tx:
            return await reasons.offer_reason(tx, person.id, reasons.card_of(answer), answer.value, self.env.stamp())
