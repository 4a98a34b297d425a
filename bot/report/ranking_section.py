"""The ideas, ranked: per rating round, the order with what it rests on, a chart, and each idea's figures per
criterion and group as `carework summary stats` writes them, the team's score beside, groups that differ flagged."""

from __future__ import annotations

from bot.report.charts import Bar, bar_chart
from bot.report.markup import criterion_name, esc, figure, group_name, number, percent, row, table, tag
from carework_core.definitions.model import Consultation
from carework_core.report.model import Idea, Report, RoundRanking
from carework_core.report.ranking import term_value
from carework_core.results.summary import ALL_GROUPS, CellStats, Consensus

FIGURES = ["Criterion", "Group", "n", "Not sure", "Don't know", "Median", "Q1", "Q3", "Top two", "Consensus", "Team"]


def ranking_section(report: Report) -> str:
    """Returns every rating round's ranking; a report without one says so."""
    if not report.rankings:
        return tag("p", "No round in this report rates anything on a scale.")
    return "".join(_round(report, r) for r in report.rankings)


def _round(report: Report, ranking: RoundRanking) -> str:
    c = report.consultation
    terms = c.report.terms()
    header = ["Rank", "Idea", *[term_name(c, t) for t in terms], "Consensus", "Groups differ on"]
    rows = [
        row([str(i.rank), esc(i.title), *key_values(i, terms), _agreed(i), esc(_differ(c, i))]) for i in ranking.ideas
    ]
    pooled = [Bar(f"{i.rank}. {i.title}", _pooled(i)) for i in ranking.ideas]
    chart = bar_chart(
        f"ideas-{ranking.round_id}", f"Share of ratings in the top two points, round {ranking.round_id}", pooled
    )
    cards = "".join(_card(c, ranking, i) for i in ranking.ideas)
    ranked = table(header, rows, class_="ranking") + chart if ranking.ideas else ""
    heading = tag("h3", esc(f"{ranking.round_id}: {c.round(ranking.round_id).title}"))
    return heading + ranked + _questions(c, ranking) + cards


def _card(c: Consultation, ranking: RoundRanking, idea: Idea) -> str:
    """Returns one idea's heading and its figures, one row per criterion and group."""
    rows = [_figures_row(c, ranking.round_id, cell, idea.team.get(cell.criterion_id or "")) for cell in idea.cells]
    for criterion in ranking.team_only:
        if criterion in idea.team:
            blank = [""] * (len(FIGURES) - 3)
            rows.append(row([esc(criterion_name(c, criterion)), "Team only", *blank, str(idea.team[criterion])]))
    flag = tag("p", esc(f"Groups differ on {_differ(c, idea)}."), class_="flag") if idea.differ else ""
    heading = tag("h4", esc(f"{idea.rank}. {idea.title}") + tag("span", esc(f" ({idea.item_id})"), class_="id"))
    return tag(
        "section",
        heading + flag + table(FIGURES, rows, class_="figures"),
        class_="idea",
        id=f"{ranking.round_id}-{idea.item_id}",
    )


def _figures_row(c: Consultation, round_id: str, cell: CellStats, team: int | None) -> str:
    consensus = cell.consensus.value if cell.consensus else ""
    said = criterion_name(c, cell.criterion_id) if cell.criterion_id else str(_question_text(c, round_id, cell))
    cells = [
        tag("th", esc(said), scope="row"),
        tag("td", esc(group_name(c, cell.group_id))),
        figure(round_id, cell, "n", cell.n, str(cell.n)),
        figure(round_id, cell, "not_sure", cell.not_sure, str(cell.not_sure)),
        figure(round_id, cell, "dont_know", cell.dont_know, str(cell.dont_know)),
        figure(round_id, cell, "median", cell.median, number(cell.median)),
        figure(round_id, cell, "q1", cell.q1, number(cell.q1)),
        figure(round_id, cell, "q3", cell.q3, number(cell.q3)),
        figure(round_id, cell, "top2_share", cell.top2_share, percent(cell.top2_share)),
        figure(round_id, cell, "consensus", consensus, consensus),
        tag("td", "" if team is None else str(team)),
    ]
    return tag("tr", "".join(cells))


def _questions(c: Consultation, ranking: RoundRanking) -> str:
    """Returns the round's rating questions that are not about ideas, with the same figures."""
    if not ranking.questions:
        return ""
    rows = [_figures_row(c, ranking.round_id, cell, None) for cell in ranking.questions]
    header = ["Question", *FIGURES[1:]]
    said = "Other questions rated on a scale" if ranking.ideas else "Questions rated on a scale"
    return tag("h4", said) + table(header, rows, class_="figures")


def _question_text(c: Consultation, round_id: str, cell: CellStats) -> str:
    question = next((q for q in c.round(round_id).questions if q.id == cell.question_id), None)
    return str(question.text) if question else cell.question_id


def term_name(c: Consultation, term: tuple[str | None, str]) -> str:
    criterion, figure_name = term
    said = {"top2_share": "top two", "median": "median", "agreement": "agreement"}[figure_name]
    return f"{said}, all criteria" if criterion is None else f"{said}, {criterion_name(c, criterion)}"


def key_values(idea: Idea, terms: list[tuple[str | None, str]]) -> list[str]:
    out = []
    for (_, name), value in zip(terms, idea.key, strict=True):
        if value is None:
            out.append("")
        elif name == "top2_share":
            out.append(percent(value))
        else:
            out.append(number(value))
    return out


def _pooled(idea: Idea) -> float | None:
    """Returns the idea's top-two share pooled over its criteria (all groups), as the summary's chart draws it."""
    return term_value(idea.cells, (None, "top2_share"))


def _agreed(idea: Idea) -> str:
    everyone = [cell for cell in idea.cells if cell.group_id == ALL_GROUPS and cell.consensus is not None]
    agreed = sum(cell.consensus == Consensus.AGREEMENT for cell in everyone)
    return f"agreement on {agreed} of {len(everyone)}" if everyone else "nobody rated it"


def _differ(c: Consultation, idea: Idea) -> str:
    return ", ".join(criterion_name(c, k) for k in idea.differ)
