"""Checks of the criteria an item_rating question names, per kind, and of the kinds its written items carry."""

from __future__ import annotations

from collections.abc import Iterator

from carework_core.definitions.kinds import kind_problem, team_rated
from carework_core.definitions.model import Consultation, ItemRatingQuestion

Loc = tuple[str | int, ...]


def question_criteria_problems(c: Consultation, q: ItemRatingQuestion, here: Loc) -> Iterator[tuple[Loc, str]]:
    """Yields unknown or repeated criteria, and lists that would leave participants nothing to rate."""
    known, team = {k.id for k in c.criteria}, team_rated(c)
    lists: list[tuple[Loc, list[str], str]] = []
    if q.criteria:
        lists.append(((*here, "criteria"), q.criteria, "an item without a kind"))
    for kind, listed in q.criteria_by_kind.items():
        lists.append(((*here, "criteria_by_kind", kind), listed, f"an item of kind {kind!r}"))
    for where, listed, whose in lists:
        for index, crit in enumerate(listed):
            if crit in listed[:index]:
                yield (*where, index), f"duplicate id {crit!r}; each id must be used once"
            elif crit not in known:
                names = ", ".join(sorted(known)) or "(the definition has no criteria)"
                yield (*where, index), f"no criterion called {crit!r}; criteria are {names}"
        if listed and all(crit in team for crit in listed):
            yield where, f"every criterion of {whose} is rated_by: team, so participants would have nothing to rate"
    if team and q.item_set in c.item_sets and any(crit in team for _, listed, _ in lists for crit in listed):
        yield (
            (*here, "item_set"),
            f"item set {q.item_set!r} is written in the definition, which has no team scores; load it with "
            "`carework items import` (score_<criterion> columns) to rate it on a rated_by: team criterion",
        )


def item_kind_problems(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each written item whose kind a question rating its set does not know."""
    for r in c.rounds:
        for q in r.questions:
            if not isinstance(q, ItemRatingQuestion):
                continue
            for index, item in enumerate(c.item_sets.get(q.item_set, [])):
                why = kind_problem(q, item.kind)
                if why:
                    yield ("item_sets", q.item_set, index, "kind" if item.kind else "id"), why
