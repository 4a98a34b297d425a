"""What a person has left of a round, as a reminder counts it: the ideas still to rate, then questions."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.answering.card_walk import asked_by_item, cards_of
from carework_core.answering.shares import share_of
from carework_core.definitions.model import Consultation, ItemRatingQuestion, Round
from carework_core.storage.answers import RoundProgress
from carework_core.storage.db import Tx


@dataclass(frozen=True)
class Left:
    """What is left: `ideas` of the item-rating question the person is on (0 when they are on another
    question), and the other questions still to answer; `share` is the part of the round left, for minutes."""

    questions: int
    ideas: int = 0
    share: float = 1.0


async def left_in_round(tx: Tx, c: Consultation, rnd: Round, progress: RoundProgress) -> Left:
    """Returns what a person has left of a round: an idea counts while any of its own criteria is unanswered,
    and only the ideas of their share (items_per_person) count."""
    left: list[tuple[int, int] | None] = []  # per unfinished question: (ideas left, ideas in all), or None
    for q in rnd.questions:
        if q.id in progress.done:
            continue
        if not isinstance(q, ItemRatingQuestion):
            left.append(None)
            continue
        ideas = await ideas_left(tx, c, rnd.id, q, progress)
        if ideas[0]:  # every idea rated (or none loaded): the walk goes past the question
            left.append(ideas)
    if not left:
        return Left(questions=1, share=1 / max(1, len(rnd.questions)))  # finishing is all that is left
    units = sum(1.0 if one is None else one[0] / one[1] for one in left)
    share = units / max(1, len(rnd.questions))
    first = left[0]
    if first is None:
        return Left(questions=len(left), share=share)
    return Left(questions=len(left) - 1, ideas=first[0], share=share)


async def ideas_left(
    tx: Tx, c: Consultation, round_id: str, q: ItemRatingQuestion, progress: RoundProgress
) -> tuple[int, int]:
    """Returns (ideas with a criterion still unanswered, ideas the person rates) in an item-rating question."""
    share = await share_of(tx, round_id, q, progress.participant_id, keep=False)
    asked = await asked_by_item(tx, c, q)
    rated = progress.cards(q.id)
    ideas = [(item_id, asked.get(item_id, [])) for item_id, *_ in await cards_of(tx, q, share)]
    waiting = [item_id for item_id, criteria in ideas if any((item_id, k) not in rated for k in criteria)]
    return len(waiting), len([1 for _, criteria in ideas if criteria])
