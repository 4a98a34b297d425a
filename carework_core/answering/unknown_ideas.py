""" "I don't know this idea": one tap answers every criterion of an idea still waiting, each on its own row.

One row per idea x criterion, like any rating, so progress, /review, reminders, carry-forward, the
statistics and the export read it as they read a rating; only the value (DONT_KNOW) sets it apart.
"""

from __future__ import annotations

from dataclasses import replace

from carework_core.answering.steps import Ask
from carework_core.answering.vocabulary import DONT_KNOW
from carework_core.definitions.model import ItemRatingQuestion
from carework_core.storage.answers import Answer


def rest_of_idea(ask: Ask, answer: Answer, rated: set[tuple[str | None, str | None]]) -> tuple[Answer, ...]:
    """Returns the answers a "don't know" tap also gives to its idea's other criteria not yet rated.

    Each takes the tap's source with its criterion after it, so a redelivered tap (found by its own
    source) stores none of them twice.
    """
    if answer.value != DONT_KNOW or ask.item is None or not isinstance(ask.question, ItemRatingQuestion):
        return ()
    return tuple(
        replace(answer, criterion_id=k, source=f"{answer.source}/{k}")
        for k in ask.item_criteria  # the idea's own criteria (its kind's), never the team's
        if k != answer.criterion_id and (ask.item.id, k) not in rated
    )
