"""Anonymised excerpts: contact details and links taken out, trimmed at a sentence end, spread across groups.

A quotation in a summary reaches every participant of the round, so anything that could reach
or identify a person (an email address, a phone number, an @handle, a link) is replaced by a
marker before a coordinator ever sees it; the coordinator can still drop a whole excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from carework_core.results.summary import Excerpt, Quotable

CONTACT = "[contact removed]"
LINK = "[link removed]"
MIN_EXCERPT = 40  # shorter than this after trimming says too little to be worth quoting
_TRAILING = ".,;:!?)]}'\"…"  # punctuation that ends the sentence around a link, not the link
# Lower case only: "It helped.Info sessions…" is a missing space, not a link.
_TLDS = "com|org|net|uk|io|info|gov|nhs|edu|ac|co|biz|eu|ie"

_SCHEME_LINK = re.compile(r"\b(?:https?|ftp)://[^\s<>]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_BARE_LINK = re.compile(
    r"(?<![\w@.-])(?:www\.[^\s<>]+|t\.me/[^\s<>]+"
    rf"|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?-i:{_TLDS})\b(?:/[^\s<>]*)?)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{2,31}\b")
# A phone number starts with +, 0 or a bracketed area code, so years, counts and money never match.
_PHONE = re.compile(r"(?<![\w£$€.,+])(?:\+\d{1,3}|\(0?\d{1,4}\)|0\d{1,4})(?:[ -]?(?:\(\d{1,5}\)|\d{1,5})){1,5}(?!\d)")
_SENTENCE_END = re.compile(r"[.!?](?= |$)")
_SPACE = re.compile(r"\s+")


def scrub(text: str) -> str:
    """Returns the text with email addresses, phone numbers, @handles and links replaced by markers."""
    text = _SCHEME_LINK.sub(_keeping_punctuation(LINK), text)
    text = _EMAIL.sub(CONTACT, text)
    text = _BARE_LINK.sub(_keeping_punctuation(LINK), text)
    text = _HANDLE.sub(CONTACT, text)
    return _PHONE.sub(_phone, text)


def _keeping_punctuation(marker: str) -> Callable[[re.Match[str]], str]:
    """Returns a replacer that keeps the full stop or bracket after a link in the sentence."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        link = found.rstrip(_TRAILING)
        return marker + found[len(link) :]

    return replace


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return CONTACT if 9 <= digits <= 15 else match.group(0)


def trim_excerpt(text: str, limit: int = 280) -> str:
    """Returns the scrubbed text on one line, cut at the last sentence end that fits the limit."""
    text = _SPACE.sub(" ", scrub(text)).strip()
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit) if m.end() <= limit]
    if ends:
        return text[: ends[-1]]
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def choose_excerpts(candidates: Sequence[tuple], count: int = 5) -> tuple[Excerpt, ...]:
    """Picks up to count excerpts, taking each group in turn so that different groups are heard."""
    queues: dict[str, list[Quotable]] = {}
    for candidate in map(lambda c: Quotable(*c), candidates):
        queues.setdefault(candidate.group_id, []).append(candidate)
    chosen: list[Excerpt] = []
    seen: set[str] = set()
    while len(chosen) < count and any(queues.values()):
        for group_id, queue in queues.items():
            picked = _next_fit(queue, seen)
            if picked is not None and len(chosen) < count:
                question_id, text, answer_id = picked
                chosen.append(Excerpt(len(chosen) + 1, group_id, question_id, text, answer_id=answer_id))
    return tuple(chosen)


def _next_fit(queue: list[Quotable], seen: set[str]) -> tuple[str, str, int | None] | None:
    """Takes the group's next answer long enough to quote and not a repeat of one already chosen."""
    while queue:
        candidate = queue.pop(0)
        text = trim_excerpt(candidate.text)
        same = "".join(ch for ch in text.casefold() if ch.isalnum())
        if len(text) >= MIN_EXCERPT and not any(same in other or other in same for other in seen):
            seen.add(same)
            return candidate.question_id, text, candidate.answer_id
    return None
