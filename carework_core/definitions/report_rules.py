"""How the research team's report reads the figures: `report: {rank_by: [major_issue, top2_share], stable_below: 0.15}`.

A card's ratings are stable between two rounds when fewer than stable_below of the people who rated it in
both moved (What changed between rounds). How ideas are ranked:

Each term of rank_by is one sort key, compared highest first; a later term breaks ties left by the ones
before it, and the item list's own order breaks the rest. A term is a figure over every criterion the
idea was rated on (`top2_share`: the share of ratings in the top two points, pooled over the criteria and
weighted by their ratings, as the summary's chart orders ideas; `agreement`: how many criteria reached
consensus agreement), or a criterion id, optionally with a figure (`major_issue` is its top-two share;
`major_issue.median`, `major_issue.agreement`). Criterion ids are checked against the definition.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

POOLED = ("top2_share", "agreement")  # figures over every criterion an idea was rated on
PER_CRITERION = ("top2_share", "median", "agreement")
DEFAULT_RANK_BY = ["top2_share", "agreement"]


class ReportRules(BaseModel):
    """The report's own rules: how ideas are ranked and when ratings are stable (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # A card's ratings are stable between two rounds when fewer than this share of people moved.
    stable_below: float = Field(default=0.15, gt=0, le=1)
    rank_by: list[str] = Field(default_factory=lambda: list(DEFAULT_RANK_BY), min_length=1)

    @field_validator("rank_by")
    @classmethod
    def _known_figures(cls, terms: list[str]) -> list[str]:
        for term in terms:
            criterion, _, figure = term.partition(".")
            if figure and figure not in PER_CRITERION:
                raise ValueError(f"{term!r}: a criterion's figure is one of {', '.join(PER_CRITERION)}")
            if not criterion:
                raise ValueError(f"{term!r}: name a criterion before the dot")
        return terms

    def terms(self) -> list[tuple[str | None, str]]:
        """Returns each term as (criterion id or None for every criterion, figure)."""
        out: list[tuple[str | None, str]] = []
        for term in self.rank_by:
            criterion, _, figure = term.partition(".")
            if figure:
                out.append((criterion, figure))
            elif criterion in POOLED:
                out.append((None, criterion))
            else:
                out.append((criterion, "top2_share"))
        return out


def rank_problems(rules: ReportRules, criteria: list[str]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yields each rank_by term naming neither a pooled figure nor a criterion of the definition."""
    for index, (criterion, _) in enumerate(rules.terms()):
        if criterion is not None and criterion not in criteria:
            known = ", ".join([*POOLED, *criteria])
            yield ("report", "rank_by", index), f"no criterion or figure called {criterion!r}; use one of {known}"
