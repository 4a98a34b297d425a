"""The ideas of a rating round, ranked by the definition's rank_by terms (report_rules.py), each with its
figures per criterion and group exactly as `carework summary stats` writes them (the same RoundStats),
folded groups left out. Pure: the figures, titles and the team's scores come in, the ranking goes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from carework_core.report.model import Idea, RoundRanking
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus, RoundStats

Term = tuple[str | None, str]  # (criterion id or None for every criterion, figure)


def term_value(cells: Sequence[CellStats], term: Term) -> float | None:
    """Returns one idea's value on a rank_by term from its all-groups cells; None when it has no figures."""
    criterion, figure = term
    rated = [c for c in cells if c.group_id == ALL_GROUPS and c.n and c.consensus is not None]
    if criterion is None:
        if not rated:
            return None
        if figure == "agreement":
            return float(sum(c.consensus == Consensus.AGREEMENT for c in rated))
        # Pooled over the criteria and weighted by their ratings, as the summary's chart orders ideas.
        return sum((c.top2_share or 0.0) * c.n for c in rated) / sum(c.n for c in rated)
    cell = next((c for c in rated if c.criterion_id == criterion), None)
    if cell is None:
        return None
    if figure == "agreement":
        return float(cell.consensus == Consensus.AGREEMENT)
    return cell.median if figure == "median" else cell.top2_share


def rank_round(
    stats: RoundStats,
    titles: Mapping[str, str],
    terms: Sequence[Term],
    group_order: Sequence[str],
    team: Mapping[tuple[str, str, str], int] | None = None,
) -> RoundRanking:
    """Returns the round's ideas best first: highest on the first term, ties broken by the next, then by the
    item list's order; an idea with no figure on a term comes below every idea with one."""
    team = team or {}
    shown = [c for c in stats.cells if not c.suppressed]
    by_idea: dict[tuple[str, str], list[CellStats]] = {}
    for cell in shown:
        if cell.item_id is not None:
            by_idea.setdefault((cell.question_id, cell.item_id), []).append(cell)
    # Each idea's cells by criterion in the round's order, all groups first, then groups as the definition lists them.
    crit_at = {k: n for n, k in enumerate(dict.fromkeys(c.criterion_id for c in stats.cells))}
    group_at = {g: n for n, g in enumerate(group_order)}

    def place(c: CellStats) -> tuple:
        return (crit_at.get(c.criterion_id, 0), c.group_id != ALL_GROUPS, group_at.get(c.group_id, 0))

    ideas = []
    for (question_id, item_id), cells in by_idea.items():
        cells.sort(key=place)
        apart = {k[2] for k in stats.disagreements if k[:2] == (question_id, item_id) and k[2]}
        differ = tuple(sorted(apart, key=lambda k: crit_at.get(k, 0)))
        scores = {k[2]: v for k, v in team.items() if k[:2] == (question_id, item_id)}
        key = tuple(term_value(cells, t) for t in terms)
        ideas.append(Idea(0, question_id, item_id, titles.get(item_id, item_id), tuple(cells), key, scores, differ))
    order = sorted(range(len(ideas)), key=lambda n: (*_descending(ideas[n].key), n))
    ranked = tuple(_numbered(ideas[n], place) for place, n in enumerate(order, start=1))
    criteria = tuple(dict.fromkeys(c.criterion_id for c in shown if c.item_id is not None and c.criterion_id))
    present = {c.group_id for c in shown}
    groups = tuple(g for g in group_order if g in present)
    questions = tuple(c for c in shown if c.item_id is None)
    return RoundRanking(stats.round_id, criteria, groups, ranked, questions)


def _descending(values: tuple[float | None, ...]) -> tuple:
    return tuple(x for v in values for x in (v is None, -(v or 0.0)))


def _numbered(idea: Idea, rank: int) -> Idea:
    return replace(idea, rank=rank)
