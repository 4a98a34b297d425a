"""The report's ranking as a sheet of the csv export (`ranking.csv`), long format for R, SPSS and Stata:
one row per ranked idea x criterion x group shown, with the rank, the values it rests on, and the same
figures as Item statistics. Folded groups have no row, as in the report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from carework_core.definitions.model import Consultation
from carework_core.report.model import RoundRanking
from carework_core.research.sheets import Column, Sheet

Term = tuple[str | None, str]


def term_column(term: Term) -> str:
    """Returns a rank value's column name: rank_top2_share, rank_major_issue_median (at most 32 characters)."""
    criterion, figure = term
    return ("rank_" + (f"{criterion}_" if criterion else "") + figure).replace("-", "_")[:32]


def ranking_sheet(c: Consultation) -> Sheet:
    """Returns the Ranking sheet's columns for this definition's rank_by terms."""
    terms = c.report.terms()
    values = [
        Column(term_column(t), f"rank_by term {n} ({c.report.rank_by[n - 1]}): the value ranked on, highest first")
        for n, t in enumerate(terms, start=1)
    ]
    return Sheet(
        "Ranking",
        (
            Column("round", "the rating round"),
            Column("rank", "the idea's place in its round, 1 first, by the definition's report.rank_by"),
            Column("item_id", "item id"),
            *values,
            Column("criterion", "criterion id"),
            Column("group", "stakeholder group id, or all for everyone; a group too small to show has no row"),
            Column("n", "ratings on the scale (not sure excluded)"),
            Column("not_sure", "how many said not sure"),
            Column("dont_know", "how many did not know this idea; not in n or the figures"),
            Column("median", "median scale point"),
            Column("q1", "first quartile (linear method)"),
            Column("q3", "third quartile (linear method)"),
            Column("top2_share", "share of n in the top two points"),
            Column("consensus", "agreement, agreement against, or no consensus"),
            Column("groups_differ", "1 when the groups' medians on this criterion lie 2 or more points apart"),
            Column("team_score", "the research team's own score of the item on the criterion, empty when none"),
        ),
        note="The ranking of the research team's report (carework report), one row per idea x criterion x group.",
    )


def ranking_rows(rankings: Iterable[RoundRanking]) -> Iterable[list[Any]]:
    """Yields the Ranking sheet's rows, best idea first in each round."""
    for ranking in rankings:
        for idea in ranking.ideas:
            for cell in idea.cells:
                figures = [
                    cell.median,
                    cell.q1,
                    cell.q3,
                    None if cell.top2_share is None else round(cell.top2_share, 4),
                ]
                yield [
                    ranking.round_id,
                    idea.rank,
                    idea.item_id,
                    *[None if v is None else round(v, 4) for v in idea.key],
                    cell.criterion_id,
                    cell.group_id,
                    cell.n,
                    cell.not_sure,
                    cell.dont_know,
                    *figures,
                    cell.consensus.value if cell.consensus else None,
                    int(cell.criterion_id in idea.differ),
                    idea.team.get(cell.criterion_id or ""),
                ]
