"""Checks of a written consensus rule against every scale it will label: a rule that cannot be met
on a scale (a threshold past its top point, a top two that overlaps the bottom two) is refused."""

from __future__ import annotations

from collections.abc import Iterator

from carework_core.definitions import Consultation, ItemRatingQuestion, MedianRule, RatingQuestion, Scale

Loc = tuple[str | int, ...]


def consensus_problems(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each scale the definition's consensus rule cannot be applied to, naming it.

    Only a rule written in the file is checked: the default (top_share) is the product's choice,
    and a definition without the key keeps validating as it always did.
    """
    if "consensus" not in c.model_fields_set:
        return
    rule = c.consensus
    if isinstance(rule, MedianRule) and rule.disagree_at_most >= rule.agree_at_least:
        yield ("consensus", "disagree_at_most"), "disagree_at_most must be below agree_at_least"
    for where, name, scale in _rated_scales(c):
        for field, why in _scale_problems(rule, scale):
            yield (*where, "scale", "labels"), f"{name} has {len(scale.labels)} points, so {field} {why}"


def _rated_scales(c: Consultation) -> Iterator[tuple[Loc, str, Scale]]:
    """Yields the criteria item-rating questions use and the rating questions' own scales."""
    used = {k for r in c.rounds for q in r.questions if isinstance(q, ItemRatingQuestion) for k in q.criteria}
    for index, criterion in enumerate(c.criteria):
        if criterion.id in used:
            yield ("criteria", index), f"criterion {criterion.id!r}", criterion.scale
    for r_index, rnd in enumerate(c.rounds):
        for q_index, q in enumerate(rnd.questions):
            if isinstance(q, RatingQuestion):
                yield ("rounds", r_index, "questions", q_index), f"question {q.id!r} of round {rnd.id}", q.scale


def _scale_problems(rule, scale: Scale) -> Iterator[tuple[str, str]]:
    points = len(scale.labels)
    if isinstance(rule, MedianRule):
        for field in ("agree_at_least", "disagree_at_most"):
            value = getattr(rule, field)
            if not 1 <= value <= points:
                yield f"the consensus rule's {field}", f"{value} is not one of its points (1 to {points})"
    elif points < 4:
        yield (
            "the consensus rule top_share",
            "cannot tell its top two points from its bottom two; give it 4 or more points or use rule: median",
        )
