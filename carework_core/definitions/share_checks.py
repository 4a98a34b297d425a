"""Warnings, not errors: a share (items_per_person) that K participants would leave with too few raters per group.

Expected raters per item x group = K spread evenly over the round's groups, times N items each of the
set's I items. Below the consultation's min_group_size, that group's figures for the item would be
suppressed, so the round would say nothing about it for lack of data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from carework_core.definitions.loading import line_of
from carework_core.definitions.model import Consultation, ItemRatingQuestion
from carework_core.errors import Problem


def expected_raters(participants: int, groups: int, per_person: int, items: int) -> float:
    """Returns how many people of each group would rate each item, with everyone dealt an even share."""
    return participants / groups * min(per_person, items) / items


def thin_shares(
    c: Consultation, participants: int, loaded: Mapping[str, int] | None = None
) -> Iterator[tuple[tuple, str]]:
    """Yields (location, warning) for each share expected to give an item x group fewer than min_group_size
    raters; `loaded` counts the items of sets not written in the definition (loaded with items import)."""
    for r_index, rnd in enumerate(c.rounds):
        for q_index, q in enumerate(rnd.questions):
            if not isinstance(q, ItemRatingQuestion) or q.items_per_person is None:
                continue
            items = len(c.item_sets.get(q.item_set, ())) or (loaded or {}).get(q.item_set, 0)
            if not items:
                continue  # the set is loaded later: nothing to count yet
            expected = expected_raters(participants, len(rnd.groups), q.items_per_person, items)
            if expected < c.min_group_size:
                yield (
                    ("rounds", r_index, "questions", q_index, "items_per_person"),
                    f"warning: about {expected:.1f} raters per idea in each group ({participants} participants"
                    f" over {len(rnd.groups)} groups, {min(q.items_per_person, items)} of {items} ideas each),"
                    f" fewer than min_group_size {c.min_group_size}: those figures would be suppressed;"
                    " raise items_per_person or invite more people",
                )


def share_warnings(
    path: str | Path, c: Consultation, participants: int, loaded: Mapping[str, int] | None = None
) -> list[Problem]:
    """Returns the warnings of thin_shares, each naming FILE:LINE of its question's items_per_person."""
    return [
        Problem(str(path), line_of(path, loc), _dotted(loc), reason)
        for loc, reason in thin_shares(c, participants, loaded)
    ]


def _dotted(loc: tuple) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if n else part) for n, part in enumerate(loc))
