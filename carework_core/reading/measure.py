"""Measures a text as a phone reader meets it: its grade, its longest sentence, its length, words to avoid.

The grade is Flesch-Kincaid's US school grade, from textstat (syllables from the CMU pronouncing
dictionary). Grade formulas are made for passages: on a few words one long word decides the grade
("Information and technology" is grade 21), so texts shorter than GRADE_WORDS get no grade; their
sentence and length are still measured. Other languages get no grade: the formula is English's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

GRADE_WORDS = 12  # fewer words than this: a grade would measure one word, not the text
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# A sentence ends at . ! ? or … before a space, or at a line break (a heading, a list entry, a button row).
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")


@dataclass(frozen=True)
class Measures:
    """How one text reads: grade None when not measured (short, or not English)."""

    grade: float | None
    longest_sentence: int  # words
    chars: int
    avoided: tuple[str, ...] = ()


def measure(text: str, language: str, avoid: list[str] | tuple[str, ...] = ()) -> Measures:
    """Measures a text (plain, or Telegram HTML whose tags are not read) written in a language."""
    shown = plain(text)
    parts = sentences(shown)
    counts = [len(WORD.findall(s)) for s in parts]
    english = language.split("-")[0].split("_")[0].lower() == "en"
    grade = _grade(parts) if english and sum(counts) >= GRADE_WORDS else None
    return Measures(grade, max(counts, default=0), len(shown), tuple(a for a in avoid if _uses(shown, a)))


def plain(text: str) -> str:
    """Returns a text as a reader sees it: HTML tags dropped, entities such as &amp; read."""
    return unescape(TAG.sub("", text)).strip()


def sentences(text: str) -> list[str]:
    """Returns a text's sentences; a line break ends one too, as a reader takes a heading or a list entry."""
    return [s for s in SENTENCE_END.split(text) if WORD.search(s)]


def _grade(parts: list[str]) -> float:
    import textstat  # its dictionary loads on first use: only `validate` and the rehearsal measure grades

    # Every sentence ends in a full stop, so a heading is not read as the start of the next sentence.
    text = " ".join(s if s[-1] in ".!?…" else f"{s}." for s in parts)
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def _uses(text: str, phrase: str) -> bool:
    """Says whether a text uses a word or phrase (or its plural), whatever its case."""
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?:s|es)?(?!\w)"
    return bool(phrase.strip()) and re.search(pattern, text, re.IGNORECASE) is not None
