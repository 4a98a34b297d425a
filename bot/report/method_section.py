"""Method: the rules behind every figure in plain words, with the definition's own values, so the report
can be cited."""

from __future__ import annotations

from bot.report.changes_section import stability_rule
from bot.report.markup import esc, tag
from carework_core.definitions.model import MedianRule
from carework_core.definitions.report_rules import DEFAULT_RANK_BY, POOLED
from carework_core.report.model import Report
from carework_core.results.summary_stats import DISAGREEMENT


def method_paragraphs(report: Report) -> list[str]:
    """Returns the method in sentences: figures, consensus, suppression, ranking, differing groups, stability."""
    c = report.consultation
    return [
        "Figures are counted from every rating given in the round, as carework summary stats writes them. "
        "n counts ratings on the scale; Not sure and I don't know this idea are counted apart and never enter "
        "the figures. The median and quartiles (Q1, Q3) use the linear method (R's type 7); 1 is the scale's "
        "lowest point. Top two is the share of ratings in the scale's top two points.",
        _consensus(report),
        f"A group with fewer than {c.min_group_size} ratings of an idea on a criterion (or, in Who took part, "
        f"fewer than {c.min_group_size} people who finished) is not shown on its own: its people count only in "
        "All groups. When exactly one group would be hidden, the smallest group shown is hidden with it, so that "
        "All groups minus the others never gives a small group's figures back. This is the rule of the "
        "between-round summaries.",
        _ranking(report),
        f"Groups differ on a criterion when the medians of the groups shown lie {DISAGREEMENT} or more scale "
        "points apart. Team is the research team's own score of the idea, beside the participants' figures.",
        stability_rule(c.report.stable_below, c.min_group_size).removeprefix("How to read this: "),
    ]


def method_section(report: Report) -> str:
    return "".join(tag("p", esc(text)) for text in method_paragraphs(report))


def _consensus(report: Report) -> str:
    rule = report.consultation.consensus
    if isinstance(rule, MedianRule):
        return (
            f"Consensus (RAND/UCLA style): agreement when the median is {rule.agree_at_least} or more and the "
            f"interquartile range (Q3 - Q1) is at most {rule.max_iqr:g}; agreement against when the median is "
            f"{rule.disagree_at_most} or less with the same range; otherwise no consensus."
        )
    return (
        f"Consensus: agreement when at least {rule.top_share:.0%} of ratings are in the top two points and the "
        f"interquartile range (Q3 - Q1) is at most {rule.max_iqr:g}; agreement against when as many are in the "
        "bottom two with the same range; otherwise no consensus."
    )


def _ranking(report: Report) -> str:
    rules = report.consultation.report
    said = []
    for criterion, figure in rules.terms():
        if criterion is None:
            said.append(
                "the share of ratings in the top two points over all the idea's criteria together (each criterion "
                "weighted by its ratings)"
                if figure == "top2_share"
                else "how many of its criteria reached agreement"
            )
        else:
            what = {
                "top2_share": "share in the top two points",
                "median": "median",
                "agreement": "agreement (yes first)",
            }
            said.append(f"its {what[figure]} on {criterion}")
    default = " (carework's default)" if rules.rank_by == DEFAULT_RANK_BY else ""
    return (
        f"Ranking{default}: ideas are ordered, highest first, by " + "; then by ".join(said) + ". Ties left after "
        f"that keep the order of the item list. An idea with no figure on a term comes last on it. Terms may be "
        f"set in the definition (report: rank_by), from {', '.join(POOLED)} and criterion ids."
    )
