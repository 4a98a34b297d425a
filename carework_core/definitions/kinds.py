"""Which criteria an item is rated on: its kind's (criteria_by_kind), else the question's own `criteria`;
criteria the team scores (rated_by: team) are never asked of participants."""

from __future__ import annotations

from carework_core.definitions.model import Consultation, ItemRatingQuestion


def criteria_of(q: ItemRatingQuestion, kind: str | None) -> list[str]:
    """Returns every criterion an item of this kind is rated on, by participants or the team, in order."""
    if kind and kind in q.criteria_by_kind:
        return list(q.criteria_by_kind[kind])
    return list(q.criteria)  # no kind, or one the question does not list: items import refuses the latter


def team_rated(c: Consultation) -> set[str]:
    """Returns the ids of the criteria the research team scores."""
    return {k.id for k in c.criteria if k.rated_by == "team"}


def asked_of(c: Consultation, q: ItemRatingQuestion, kind: str | None) -> list[str]:
    """Returns the criteria participants rate an item of this kind on: its cards, in order."""
    return asked_with(team_rated(c), q, kind)


def asked_with(team: set[str], q: ItemRatingQuestion, kind: str | None) -> list[str]:
    """Returns the criteria of an item of this kind that are not among the team's (`team`), in order."""
    return [k for k in criteria_of(q, kind) if k not in team]


def every_criterion(q: ItemRatingQuestion) -> list[str]:
    """Returns every criterion the question names for any kind, `criteria` first, each once."""
    named = [*q.criteria, *(k for listed in q.criteria_by_kind.values() for k in listed)]
    return list(dict.fromkeys(named))


def asked_anywhere(c: Consultation, q: ItemRatingQuestion) -> list[str]:
    """Returns every criterion participants rate some item of the question on, each once."""
    team = team_rated(c)
    return [k for k in every_criterion(q) if k not in team]


def kind_problem(q: ItemRatingQuestion, kind: str | None) -> str | None:
    """Says why an item of this kind cannot be rated by the question, or None when it can."""
    if not q.criteria_by_kind:
        return None  # the question rates every item on `criteria`, whatever its kind
    kinds = ", ".join(q.criteria_by_kind)
    if kind and kind not in q.criteria_by_kind:
        return f"kind {kind!r} is not one question {q.id!r} rates; its kinds are {kinds}"
    if not kind and not q.criteria:
        return (
            f"question {q.id!r} rates items by kind and has no criteria for an item without one; give a kind: {kinds}"
        )
    return None
