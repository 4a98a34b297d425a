"""At a glance, on the first screen: each round's turnout in one line, and each rating round's top three ideas."""

from __future__ import annotations

from bot.report.markup import esc, percent, tag
from bot.report.ranking_section import key_values, term_name
from carework_core.report.model import Report

TOP = 3


def glance(report: Report) -> str:
    """Returns the summary shown above the contents; empty when no round has opened."""
    lines = []
    for found in report.turnout:
        everyone = found.rows[-1]
        lines.append(
            f"Round {found.round_id}: {everyone.finished} of {everyone.invited} invited finished"
            + (f" ({percent(everyone.share)})." if everyone.share is not None else ".")
        )
    terms = report.consultation.report.terms()
    first = term_name(report.consultation, terms[0])
    for ranking in (r for r in report.rankings if r.ideas):
        best = [f"{i.rank}. {i.title} ({first}: {key_values(i, terms)[0] or 'none'})" for i in ranking.ideas[:TOP]]
        lines.append(f"Ranked highest in round {ranking.round_id}: " + "; ".join(best) + ".")
    if not lines:
        return ""
    return tag(
        "section", tag("h2", "At a glance") + tag("ul", "".join(tag("li", esc(x)) for x in lines)), class_="glance"
    )
