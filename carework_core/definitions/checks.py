"""Checks that need more than one field: a written consensus rule against every scale it will label (a
rule that cannot be met on a scale is refused), and schedules once their local times are in UTC."""

from __future__ import annotations

from collections.abc import Iterator

from carework_core.definitions.kinds import every_criterion
from carework_core.definitions.local_text import languages_of
from carework_core.definitions.model import (
    ITEM_TEXT_MAX,
    Consultation,
    ItemRatingQuestion,
    MedianRule,
    RatingQuestion,
    Scale,
)
from carework_core.rounds.schedule import local_to_utc, wall_clock_problem

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
    used = {k for r in c.rounds for q in r.questions if isinstance(q, ItemRatingQuestion) for k in every_criterion(q)}
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


def schedule_problems(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each scheduled time the clocks skip or repeat, and each window empty or reversed in UTC."""
    zone = c.zone
    for r_index, rnd in enumerate(c.rounds):
        here: Loc = ("rounds", r_index, "schedule")
        s = rnd.schedule
        named = [("opens", s.opens), ("closes", s.closes), ("summary", s.summary)]
        named += [(("reminders", n), t) for n, t in enumerate(s.reminders)]
        for key, when in named:
            why = wall_clock_problem(when, zone) if when is not None else None
            if why:
                yield (*here, *(key if isinstance(key, tuple) else (key,))), why
        yield from _window_problems(here, s, zone)
        yield from _crowded_reminders(here, s, c)


def _crowded_reminders(here: Loc, s, c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each reminder too soon after the one before: nobody is reminded twice within reminder_gap."""
    times = [local_to_utc(t, c.zone) for t in s.reminders]
    for n in range(1, len(times)):
        if times[n] - times[n - 1] < c.reminder_gap:
            hours = c.reminder_gap.total_seconds() / 3600
            yield (
                (*here, "reminders", n),
                (
                    f"this reminder comes less than reminder_gap ({hours:g}h) after the one before, so it would reach "
                    "only people invited since; space them out or set a shorter reminder_gap"
                ),
            )


def _window_problems(here: Loc, s, zone) -> Iterator[tuple[Loc, str]]:
    """Yields the order problems a schedule has only once its times are moments (UTC), not wall-clock times."""
    opens, closes = (local_to_utc(t, zone) if t else None for t in (s.opens, s.closes))
    if opens and closes and closes <= opens:
        yield (
            (*here, "closes"),
            (
                f"the round would close before it opens: in UTC it opens {opens:%Y-%m-%d %H:%M} and closes "
                f"{closes:%Y-%m-%d %H:%M}, because the clocks change; move one of them"
            ),
        )
        return
    for n, when in enumerate(s.reminders):
        at = local_to_utc(when, zone)
        if (opens and at <= opens) or (closes and at >= closes):
            yield (*here, "reminders", n), "once the clocks change, this reminder falls outside the round's window"
    if s.summary and closes and local_to_utc(s.summary, zone) < closes:
        yield (*here, "summary"), "once the clocks change, the summary would go before the round closes"


def item_set_problems(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields what is wrong with the item sets written in the definition: ids, lengths, themes, sets nobody rates."""
    rated = {q.item_set for r in c.rounds for q in r.questions if isinstance(q, ItemRatingQuestion)}
    themes = {t.id for t in c.themes}
    for item_set, items in c.item_sets.items():
        here: Loc = ("item_sets", item_set)
        if item_set not in rated:
            yield here, f"item set {item_set!r} is rated by no round; name it in an item_rating question's item_set"
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                yield (*here, index, "id"), f"item id {item.id} is used twice in {item_set}; give each item its own id"
            seen.add(item.id)
            if item.theme is not None and item.theme not in themes:
                yield (*here, index, "theme"), f"no theme called {item.theme!r}; themes are {', '.join(sorted(themes))}"
            limits = (("title", c.synthesis.title_max, "fit on a card"), ("description", ITEM_TEXT_MAX, "fit"))
            for name, limit, where in (*limits, ("evidence", ITEM_TEXT_MAX, "fit")):
                longest = max([str(getattr(item, name)), *languages_of(getattr(item, name)).values()], key=len)
                if len(longest) > limit:
                    yield (*here, index, name), f"the {name} is {len(longest)} characters long; at most {limit} {where}"
