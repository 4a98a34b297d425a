"""Where each idea came from: the examples it was made from (by example id, as in the export and the
synthesis workbook) and up to three scrubbed excerpts from people who agree to be quoted."""

from __future__ import annotations

from bot.report.markup import esc, tag
from carework_core.report.model import Report


def origins_section(report: Report) -> str:
    """Returns, per rating round, each idea's source example ids and excerpts."""
    parts = []
    for ranking in (r for r in report.rankings if r.ideas):
        items = []
        for idea in ranking.ideas:
            sources = ", ".join(idea.sources) if idea.sources else "none recorded (the idea came from the team's list)"
            quotes = "".join(tag("blockquote", esc(text)) for text in idea.excerpts)
            body = tag("p", esc(f"From examples: {sources}")) + quotes
            items.append(tag("li", tag("strong", esc(f"{idea.rank}. {idea.title}")) + body))
        parts.append(tag("h3", esc(f"Round {ranking.round_id}")) + tag("ul", "".join(items), class_="origins"))
    return "".join(parts) or tag("p", "No round in this report rates ideas.")
