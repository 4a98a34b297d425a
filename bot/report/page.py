"""The report page: a head, contents, then each section in SECTIONS, in one self-contained HTML file.

Nothing is fetched: the style is inline, charts are inline SVG, fonts are the reader's own, and there
is no script. The page is readable on screen and prints from a browser (each idea kept whole on a page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.report.changes_section import changes_section
from bot.report.glance import glance
from bot.report.markup import esc, tag
from bot.report.method_section import method_section
from bot.report.origins_section import origins_section
from bot.report.ranking_section import ranking_section
from bot.report.turnout_section import turnout_section
from carework_core.report.model import Report


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    render: Callable[[Report], str]  # returns the section's HTML fragment


def changes_of(report: Report) -> str:
    """Returns What changed between rounds, or a sentence saying it was not counted."""
    if report.changes is None:
        return tag("p", esc("What changed between rounds was not counted for this report."))
    return changes_section(report.changes, report.consultation, bare=True)


SECTIONS: list[Section] = [
    Section("who-took-part", "Who took part", turnout_section),
    Section("ideas-ranked", "The ideas, ranked", ranking_section),
    Section("where-ideas-came-from", "Where each idea came from", origins_section),
    Section("what-changed", "What changed between rounds", changes_of),
    Section("method", "Method", method_section),
]

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
  max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #1f3b57; padding-top: 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #b7c3cf; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
td[data-figure], .turnout td, .retention td { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #e8eef4; } caption { text-align: left; font-weight: bold; }
.note, .meta { color: #444; font-size: 0.9rem; } .id { color: #555; font-weight: normal; font-size: 0.85rem; }
.flag { font-weight: bold; } .flag::before { content: "\\26A0  "; }
figure.chart { margin: 0.5rem 0 1rem; } figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; max-width: 60rem; }
blockquote { margin: 0.3rem 0 0.3rem 1rem; padding-left: 0.6rem; border-left: 3px solid #b7c3cf; }
section.idea { break-inside: avoid; }
.glance { background: #f3f6f9; border: 1px solid #b7c3cf; padding: 0 1rem 0.4rem; margin: 0.6rem 0; }
.glance h2 { border: none; padding-top: 0.6rem; margin: 0; font-size: 1.1rem; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; } nav { display: none; }
  h2 { break-before: page; } }
"""


def report_page(report: Report, sections: list[Section] | None = None) -> str:
    """Returns the whole page for the report."""
    chosen = SECTIONS if sections is None else sections
    c = report.consultation
    rounds = ", ".join(report.round_ids) or "none opened yet"
    head = tag("h1", esc(f"{c.title}: results for the research team")) + tag(
        "p", esc(f"Run by {c.run_by}. Rounds: {rounds}. Made {report.made_at} ({c.timezone})."), class_="meta"
    )
    contents = tag("nav", tag("ol", "".join(tag("li", tag("a", esc(s.title), href=f"#{s.anchor}")) for s in chosen)))
    body = "".join(tag("section", tag("h2", esc(s.title)) + s.render(report), id=s.anchor) for s in chosen)
    return (
        "<!DOCTYPE html>\n"
        + tag(
            "html",
            tag("head", '<meta charset="utf-8">' + _viewport() + tag("title", esc(f"{c.title}: report")) + _style())
            + tag("body", tag("header", head) + glance(report) + contents + tag("main", body)),
            lang="en",
        )
        + "\n"
    )


def _viewport() -> str:
    return '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _style() -> str:
    # No network: a Content-Security-Policy that allows nothing from anywhere but the page itself.
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">' + tag("style", STYLE)
