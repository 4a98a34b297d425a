"""A person's digest of a rating round on a phone: per idea, a compact "you / your group / everyone",
ideas where they stand furthest from everyone first, a screenful a page.

Pure: a Digest in, one page of Telegram HTML out. A group too small to be shown (an empty `group` on
a line) is left out rather than named.
"""

from __future__ import annotations

from html import escape

from bot.text.catalogue import ENGLISH, Html, Words
from bot.text.telegram_html import shown_units
from carework_core.answering.vocabulary import CatalogueWord
from carework_core.definitions.model import Consultation
from carework_core.results.summary import Digest, DigestLine, Spread

PAGE_UNITS = 700  # a page is one screen, as the summary's first message is


def digest_page(digest: Digest, consultation: Consultation, page: int, w: Words = ENGLISH) -> tuple[str, bool]:
    """Returns one page of a person's answers beside everyone's, and whether a later page exists."""
    title = Html(w.text(consultation.round(digest.round_id).title))
    if not digest.lines:
        return (
            w(
                "You did not rate anything in <b>{title}</b>, so there are no answers of yours to show here.",
                title=title,
            ),
            False,
        )
    head = w("<b>Your answers beside everyone's: {title}</b>", title=title)
    first = w("First, where your answers are furthest from everyone else's.")
    room = PAGE_UNITS - shown_units(f"{head} (page 10 of 10)\n{first}\n\n")  # the longest head a page has
    pages = _pages([_idea(w, lines) for lines in _by_idea(digest.lines)], room)
    page = min(max(page, 0), len(pages) - 1)
    if len(pages) > 1:
        head += " " + w("(page {page} of {pages})", page=page + 1, pages=len(pages))
    if page == 0 and len(pages) > 1:
        head += "\n" + first
    return "\n\n".join([head, *pages[page]]), page < len(pages) - 1


def _by_idea(lines: tuple[DigestLine, ...]) -> list[list[DigestLine]]:
    """Returns the lines grouped by idea, the idea with the line furthest from everyone first (the digest's
    order, which is furthest first, decides)."""
    ideas: dict[tuple[str, str | None], list[DigestLine]] = {}
    for line in sorted(lines, key=lambda line: -line.distance):  # stable: ties keep the digest's order
        ideas.setdefault(line.key[:2], []).append(line)
    return list(ideas.values())


def _pages(blocks: list[str], room: int) -> list[list[str]]:
    """Returns the ideas' blocks packed into pages of at most `room` units each, at least one idea a page."""
    pages: list[list[str]] = [[]]
    for block in blocks:
        if pages[-1] and shown_units("\n\n".join([*pages[-1], block])) > room:
            pages.append([])
        pages[-1].append(block)
    return pages


def _idea(w: Words, lines: list[DigestLine]) -> str:
    """Returns e.g. "Idea 1\nEvidence\nyou A lot · your group mostly Some · everyone Some to A lot"."""
    rows = [f"<b>{w.text(lines[0].title)}</b>"]
    for line in lines:
        said = [w("you {answer}", answer=Html(escape(_label(w, line.yours))))]
        if line.group:
            said.append(w("your group {answer}", answer=Html(spread_words(w, line.group))))
        if line.everyone:
            said.append(w("everyone {answer}", answer=Html(spread_words(w, line.everyone))))
        name = f"<i>{w.text(line.criterion)}</i>\n" if line.criterion else ""  # a heading: shorter lines read easier
        rows.append(name + " · ".join(said))
    return "\n".join(rows)


def _label(w: Words, label: str) -> str:
    """A scale label in w's language; the "Not sure" every scale may add comes from the catalogue."""
    return w(str(label)) if isinstance(label, CatalogueWord) else w.label(label)


def spread_words(w: Words, text: str) -> str:
    """Returns "mostly Some" or "Some to A lot" in w's language (HTML); a plain text escaped as it is."""
    if not isinstance(text, Spread):
        return escape(text)
    low, high = _label(w, text.low), _label(w, text.high)
    return w("mostly {label}", label=low) if text.low == text.high else w("{low} to {high}", low=low, high=high)
