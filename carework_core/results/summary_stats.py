"""The figures of a rating round, computed from histograms: medians, quartiles, consensus, digests.

Pure functions over counts of each scale point, so a million ratings cost one GROUP BY in SQLite
and a few thousand additions here, never a sort. "Not sure" and "I don't know this idea" are counted
apart and never enter the figures. A group with fewer ratings than the consultation's min_group_size is suppressed (Not
sure does not count towards it): its cells keep no figures, and its ratings count only in ALL_GROUPS.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from carework_core.answering.vocabulary import DONT_KNOW, NOT_SURE, labels_of, scale_for
from carework_core.definitions.kinds import every_criterion
from carework_core.definitions.model import Consultation, Criterion, ItemRatingQuestion, MedianRule, Round, TopShareRule
from carework_core.results.summary import (
    ALL_GROUPS,
    CellStats,
    Consensus,
    Digest,
    DigestLine,
    Rating,
    RoundStats,
    Spread,
    hidden_groups,
)

Key = tuple[str, str | None, str | None]  # (question, item, criterion)
CountRow = tuple[str, str | None, str | None, str, str, int]  # key, group, value, how many
DISAGREEMENT = 2  # groups' medians this many scale points apart are flagged


def quantiles(counts: Mapping[int, int]) -> tuple[float, float, float]:
    """Returns (q1, median, q3) of a histogram by the linear method (R's type 7, numpy's default)."""
    ordered = sorted((point, n) for point, n in counts.items() if n > 0)
    total = sum(n for _, n in ordered)
    if total == 0:
        raise ValueError("no ratings to take quantiles of")

    def nth(k: int) -> int:  # the k-th smallest rating, from 0
        seen = 0
        for point, n in ordered:
            seen += n
            if k < seen:
                return point
        return ordered[-1][0]

    def at(p: float) -> float:
        h = (total - 1) * p
        low = math.floor(h)
        below, above = nth(low), nth(min(low + 1, total - 1))
        return below + (h - low) * (above - below)

    return at(0.25), at(0.5), at(0.75)


def cell_stats(
    key: Key,
    group_id: str,
    counts: Mapping[int, int],
    not_sure: int,
    points: int,
    rule: TopShareRule | MedianRule,
    suppressed: bool,
    dont_know: int = 0,
) -> CellStats:
    """Returns one cell's figures; a suppressed cell keeps none, not even its counts."""
    if suppressed:
        return CellStats(*key, group_id, n=0, not_sure=0, suppressed=True)
    n = sum(counts.values())
    if n == 0:
        return CellStats(*key, group_id, n=0, not_sure=not_sure, dont_know=dont_know)
    q1, median, q3 = quantiles(counts)
    top2 = (counts.get(points, 0) + counts.get(points - 1, 0)) / n
    bottom2 = (counts.get(1, 0) + counts.get(2, 0)) / n
    return CellStats(
        *key,
        group_id,
        n=n,
        not_sure=not_sure,
        median=median,
        q1=q1,
        q3=q3,
        top2_share=top2,
        bottom2_share=bottom2,
        consensus=_consensus(rule, median, q3 - q1, top2, bottom2),
        dont_know=dont_know,
    )


def _consensus(rule: TopShareRule | MedianRule, median: float, iqr: float, top2: float, bottom2: float) -> Consensus:
    if iqr > rule.max_iqr:
        return Consensus.NONE
    if isinstance(rule, MedianRule):
        agree, against = median >= rule.agree_at_least, median <= rule.disagree_at_most
    else:
        agree, against = top2 >= rule.top_share, bottom2 >= rule.top_share
    return Consensus.AGREEMENT if agree else Consensus.AGAINST if against else Consensus.NONE


def round_stats(
    rnd: Round, consultation: Consultation, counts: Iterable[CountRow], keys: Iterable[Key] = ()
) -> RoundStats:
    """Returns every cell of a round: each key for each of its groups and ALL_GROUPS, small groups suppressed.

    `counts` are (question, item, criterion, group, value, count) rows; `keys` names what was
    offered for rating, so an item nobody rated still gets an ALL_GROUPS cell with n = 0.
    """
    hist, unsure, unknown = _histograms(counts)
    criteria = {k.id: k for k in consultation.criteria}
    groups = list(rnd.groups)
    cells: list[CellStats] = []
    disagreements: set[Key] = set()
    for key in _in_round_order(rnd, list(keys), hist):
        points = _points(rnd, criteria, key)
        if not points:
            continue  # a choice or a text: not a rating, so no figures
        rated = hist.get(key, {})
        everyone: dict[int, int] = defaultdict(int)
        for per_group in rated.values():
            for point, n in per_group.items():
                everyone[point] += n
        total_unsure = sum(unsure.get((key, g), 0) for g in rated)
        total_unknown = sum(unknown.get((key, g), 0) for g in rated)
        rule = consultation.consensus
        cells.append(cell_stats(key, ALL_GROUPS, everyone, total_unsure, points, rule, False, total_unknown))
        shown = []
        named = groups + sorted(set(rated) - set(groups))
        # Shown or not by the ratings behind the figures: two ratings and three Not sure give q1 and q3
        # back as the two ratings themselves.
        sizes = {g: sum(rated.get(g, {}).values()) for g in named}
        said_not_sure = {g for g in named if unsure.get((key, g), 0) or unknown.get((key, g), 0)}
        hidden = hidden_groups(sizes, consultation.min_group_size, said_not_sure)
        for group_id in named:
            mine, not_sure, dont_know = (
                rated.get(group_id, {}),
                unsure.get((key, group_id), 0),
                unknown.get((key, group_id), 0),
            )
            cell = cell_stats(key, group_id, mine, not_sure, points, rule, group_id in hidden, dont_know)
            cells.append(cell)
            if cell.median is not None:
                shown.append(cell.median)
        if shown and max(shown) - min(shown) >= DISAGREEMENT:
            disagreements.add(key)
    return RoundStats(rnd.id, tuple(cells), frozenset(disagreements))


def hide_few_ratings(stats: RoundStats | None, min_group_size: int) -> RoundStats | None:
    """Returns stored figures with every group shown on fewer than min_group_size ratings hidden.

    Summaries drafted before suppression counted ratings kept groups shown by their respondents, Not
    sure included. A cell already hidden kept no counts, so it counts as a group with respondents:
    the lone-hidden-group rule errs towards hiding. Figures drafted since come back unchanged.
    """
    if stats is None or not any(
        c.group_id != ALL_GROUPS and not c.suppressed and c.n < min_group_size for c in stats.cells
    ):
        return stats
    hidden: dict[Key, set[str]] = {}
    for key in {c.key for c in stats.cells}:
        groups = [c for c in stats.cells if c.key == key and c.group_id != ALL_GROUPS]
        sizes = {c.group_id: c.n for c in groups}
        present = {c.group_id for c in groups if c.suppressed or c.not_sure or c.dont_know}
        hidden[key] = hidden_groups(sizes, min_group_size, present)
    cells = tuple(
        CellStats(*c.key, c.group_id, n=0, not_sure=0, suppressed=True) if c.group_id in hidden[c.key] else c
        for c in stats.cells
    )
    medians: dict[Key, list[float]] = defaultdict(list)
    for c in cells:
        if c.group_id != ALL_GROUPS and c.median is not None:
            medians[c.key].append(c.median)
    apart = {k for k in stats.disagreements if medians[k] and max(medians[k]) - min(medians[k]) >= DISAGREEMENT}
    return RoundStats(stats.round_id, cells, frozenset(apart))


def _histograms(counts: Iterable[CountRow]) -> tuple[dict, dict, dict]:
    """Returns point -> count by key and group, and Not sure and don't-know counts by (key, group)."""
    hist: dict[Key, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    unsure: dict[tuple[Key, str], int] = defaultdict(int)
    unknown: dict[tuple[Key, str], int] = defaultdict(int)
    for question_id, item_id, criterion_id, group_id, value, n in counts:
        key = (question_id, item_id, criterion_id)
        per_group = hist[key][group_id]  # a group that only said Not sure still gets a cell
        if value == NOT_SURE:
            unsure[key, group_id] += n
        elif value == DONT_KNOW:
            unknown[key, group_id] += n
        elif value.isdigit():
            per_group[int(value)] += n
    return hist, unsure, unknown


def _in_round_order(rnd: Round, keys: list[Key], rated: Mapping[Key, Any]) -> list[Key]:
    """Returns the keys given, in their order, then any other rated keys by question and criterion."""
    place = {q.id: n for n, q in enumerate(rnd.questions)}

    def order(key: Key) -> tuple:
        question = rnd.question(key[0]) if key[0] in place else None
        crits = every_criterion(question) if isinstance(question, ItemRatingQuestion) else []
        return (place.get(key[0], len(place)), key[1] or "", crits.index(key[2]) if key[2] in crits else len(crits))

    known = set(keys)
    return list(dict.fromkeys(keys)) + sorted((k for k in rated if k not in known), key=order)


def _points(rnd: Round, criteria: Mapping[str, Criterion], key: Key) -> int:
    """Returns how many points the scale of a key has (0 when the question is not a rating)."""
    question = next((q for q in rnd.questions if q.id == key[0]), None)
    scale = scale_for(question, criteria.get(key[2] or ""))
    return len(scale.labels) if scale else 0


def digest_of(
    participant_id: int,
    group_id: str,
    ratings: list[Rating],
    stats: RoundStats,
    consultation: Consultation,
    rnd: Round,
    titles: Mapping[str, str],
    shared: dict | None = None,
) -> Digest:
    """Returns a person's lines, each beside their group's and everyone's, furthest from everyone first.

    `shared` keeps what every digest of the round has in common (each card's title, scale and figures'
    words): pass one dict for a whole round, and a million lines cost look-ups, not a million phrasings."""
    shared = {} if shared is None else shared
    if "order" not in shared:
        shared["order"] = {c.key: n for n, c in enumerate(c for c in stats.cells if c.group_id == ALL_GROUPS)}
    order = shared["order"]
    latest = {(r.question_id, r.item_id, r.criterion_id): r for r in ratings}  # a later answer replaces one before
    lines = []
    for key, rating in latest.items():
        if key not in shared:
            shared[key] = _card(key, stats, consultation, rnd, titles)
        card = shared[key]
        if card is None:
            continue
        question, criterion, scale, title, everyone, said = card
        if (key, group_id) not in shared:
            shared[key, group_id] = phrase(stats.cell(key, group_id), scale.labels)
        if (key, rating.value) not in shared:
            shared[key, rating.value] = labels_of(question, criterion, rating.value)[0]
        distance = 0.0
        if rating.value.isdigit() and everyone is not None and everyone.median is not None:
            distance = abs(int(rating.value) - everyone.median)
        name = criterion.name if criterion else ""
        mine, group = shared[key, rating.value], shared[key, group_id]
        lines.append(DigestLine(key, title, name, mine, group, said, distance))
    lines.sort(key=lambda line: (-line.distance, order.get(line.key, len(order))))
    return Digest(participant_id, rnd.id, group_id, tuple(lines))


def _card(key: Key, stats: RoundStats, consultation: Consultation, rnd: Round, titles: Mapping[str, str]):
    """Returns what every digest line about one card shares, or None when the card is not on a scale."""
    question = next((q for q in rnd.questions if q.id == key[0]), None)
    criterion = next((k for k in consultation.criteria if k.id == key[2]), None) if key[2] else None
    scale = scale_for(question, criterion)
    if question is None or scale is None:
        return None
    everyone = stats.cell(key)
    title = titles.get(key[1], key[1]) if key[1] else question.text
    return question, criterion, scale, title, everyone, phrase(everyone, scale.labels)


def phrase(cell: CellStats | None, labels: list[str]) -> Spread | str:
    """Returns "mostly L" when a cell's quartiles fall on one label, else "L1 to L3"; "" without figures."""
    if cell is None or cell.suppressed or cell.q1 is None or cell.q3 is None:
        return ""
    low, high = (labels[min(max(math.floor(q + 0.5), 1), len(labels)) - 1] for q in (cell.q1, cell.q3))
    return Spread(low, high)
