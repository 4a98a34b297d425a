"""What answers mean: which scale a question uses, how a tap is checked, and what a stored value says.

Answering, rendering and export all ask here, so a scale point or an option means the same
thing when it is tapped, stored, shown back and written to the workbook.
"""

from __future__ import annotations

from typing import Any

from carework_core.definitions.model import ChoiceQuestion, Criterion, ItemRatingQuestion, RatingQuestion, Scale
from carework_core.errors import AnswerRejected, ButtonOutOfDate

NOT_SURE = "not_sure"  # stored for the "Not sure" button of a scale that offers it
DONT_KNOW = "dont_know"  # stored for each criterion of an idea the person tapped "I don't know this idea" on


class CatalogueWord(str):
    """A word the product adds beside the definition's own (a scale's "Not sure"): each reader's catalogue
    says it. Told apart by its type, never by its words, so a definition may use the same words."""


NOT_SURE_LABEL = CatalogueWord("Not sure")
DONT_KNOW_LABEL = CatalogueWord("I don't know this idea")


def scale_for(question: Any, criterion: Criterion | None) -> Scale | None:
    """Returns the scale an answer is given on: a rating question's own, or the criterion's of an item card."""
    if isinstance(question, RatingQuestion):
        return question.scale
    return criterion.scale if criterion is not None else None


def points(scale: Scale) -> list[tuple[str, str]]:
    """Returns a scale's (label, value) pairs as offered, lowest first, "Not sure" last when allowed."""
    offered = [(label, str(n)) for n, label in enumerate(scale.labels, start=1)]
    return offered + [(NOT_SURE_LABEL, NOT_SURE)] * scale.not_sure


def checked_value(question: Any, criterion: Criterion | None, tapped: str) -> str:
    """Returns the value to store for a tap, or raises AnswerRejected.

    A scale tap names a point ("1" is the lowest) or NOT_SURE, an item card's may say DONT_KNOW, and a
    single choice's names its option's id: what is stored. Only Done under several ticks names places
    ("0,2"): Telegram's 64 bytes of button data hold a bit per option, not a dozen ids, so places become ids here.
    """
    scale = scale_for(question, criterion)
    if scale is not None and tapped in _words(scale):
        return tapped
    if isinstance(question, ItemRatingQuestion) and tapped == DONT_KNOW:
        return tapped
    if isinstance(question, ChoiceQuestion) and not question.multiple:
        if tapped in {o.id for o in question.options}:
            return tapped
        # Only a button from before buttons carried ids (a place, "0") names none of them: out of date.
        raise ButtonOutOfDate("that choice names no option of this question")
    elif isinstance(question, ChoiceQuestion):
        places = tapped.split(",") if tapped else []
        if all(p.isdigit() and int(p) < len(question.options) for p in places):
            chosen = {int(p) for p in places}
            if chosen:
                return ",".join(o.id for n, o in enumerate(question.options) if n in chosen)
    raise AnswerRejected("that answer does not fit this question")


def labels_of(question: Any, criterion: Criterion | None, value: str) -> list[str]:
    """Returns the words a stored value stands for: a scale label, each chosen option, or the text itself."""
    scale = scale_for(question, criterion)
    if scale is not None:
        words = _words(scale) | {NOT_SURE: NOT_SURE_LABEL, DONT_KNOW: DONT_KNOW_LABEL}  # so, whatever the scale
        if value in words:
            return [words[value]]
    if isinstance(question, ChoiceQuestion):
        names = {o.id: o.label for o in question.options}
        return [names.get(v, v) for v in value.split(",")]
    return [value]


def _words(scale: Scale) -> dict[str, str]:
    return {value: label for label, value in points(scale)}
