"""How a summary and a digest read on a phone.

A temporary version by engineer flow, enough to send and review summaries: engineer texts'
module of the same name replaces it (same functions).
"""

from __future__ import annotations

from html import escape

from carework_core.definitions import Consultation
from carework_core.summary import Digest, Summary


def summary_messages(summary: Summary, consultation: Consultation, group_id: str) -> list[str]:
    """Returns the shared part of a summary as HTML messages."""
    quotes = [f"“{escape(e.text)}”" for e in summary.excerpts if not e.dropped]
    parts = [escape(summary.opening), *quotes, escape(summary.next_step)]
    return ["\n\n".join(parts)]


def digest_page(digest: Digest, consultation: Consultation, page: int, per_page: int = 5) -> tuple[str, bool]:
    """Returns one page of a person's digest and whether a later page exists."""
    lines = digest.lines[page * per_page : (page + 1) * per_page]
    if not digest.lines:
        return "You did not rate anything in this round.", False
    text = "\n".join(f"{escape(line.title)}: you said {escape(line.yours)}." for line in lines)
    return f"<b>Your answers</b>\n{text}", len(digest.lines) > (page + 1) * per_page
