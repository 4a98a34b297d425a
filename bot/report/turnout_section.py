"""Who took part: per round and group, invited, started, finished and the share finished (table and chart),
and how many of the first round's finishers finished each later round."""

from __future__ import annotations

from bot.report.charts import Bar, bar_chart
from bot.report.markup import esc, group_name, percent, row, table, tag
from carework_core.report.model import Report, RoundTurnout
from carework_core.results.summary import ALL_GROUPS


def turnout_section(report: Report) -> str:
    """Returns the tables and charts of who took part, round by round, then retention."""
    parts = [_round(report, t) for t in report.turnout] or [tag("p", "No round has opened yet.")]
    return "".join(parts) + _retention(report)


def _round(report: Report, found: RoundTurnout) -> str:
    c = report.consultation
    title = f"{found.round_id}: {c.round(found.round_id).title}"
    rows = [
        row([esc(group_name(c, t.group_id)), str(t.invited), str(t.started), str(t.finished), percent(t.share)])
        for t in found.rows
    ]
    header = ["Group", "Invited", "Started", "Finished", "Share finished"]
    bars = [Bar(group_name(c, t.group_id), t.share, t.group_id == ALL_GROUPS) for t in found.rows]
    chart = bar_chart(f"turnout-{found.round_id}", f"Share finished in round {found.round_id}, by group", bars)
    return tag("h3", esc(title)) + table(header, rows, class_="turnout") + chart + _folded(found.folded)


def _folded(count: int) -> str:
    if not count:
        return ""
    said = (
        "1 group is too small to be shown on its own"
        if count == 1
        else f"{count} groups are too small to be shown on their own"
    )
    return tag("p", f"{said} here: counted only in All groups.", class_="note")


def _retention(report: Report) -> str:
    kept = report.retention
    if kept is None or not kept.rows:
        return ""
    c = report.consultation
    rows = [
        row(
            [
                esc(k.round_id),
                esc(group_name(c, k.group_id)),
                str(k.kept),
                str(k.of),
                percent(k.kept / k.of if k.of else None),
            ]
        )
        for k in kept.rows
    ]
    header = ["Later round", "Group", "Finished it", f"Of those who finished {kept.first_round}", "Share"]
    intro = tag("p", esc(f"Of the people who finished round {kept.first_round}, how many finished each later round."))
    return tag("h3", "Retention") + intro + table(header, rows, class_="retention") + _folded(kept.folded)
