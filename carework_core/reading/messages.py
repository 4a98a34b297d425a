"""How the messages people received read, taken together: the rehearsal's `reading:` line.

Only the product's own words count. A participant's words are shown inside curly quotes (“...”), the
quotation markup the bot uses for what people wrote, and are left out before measuring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from carework_core.reading.limits import ReadingLimits
from carework_core.reading.measure import measure, plain

QUOTED = re.compile(r"“[^”]*”")


@dataclass(frozen=True)
class ReadingFigures:
    """The distinct messages read, how many are over the grade limit, the hardest grade and the longest screen."""

    messages: int = 0
    over_grade: int = 0
    max_grade: float | None = None  # None: no message was long enough to grade
    longest_screen_chars: int = 0

    def line(self) -> str:
        """Returns e.g. "reading: messages=41 over_grade=0 max_grade=7.9 longest_screen_chars=812"."""
        grade = "-" if self.max_grade is None else f"{self.max_grade:.1f}"
        return (
            f"reading: messages={self.messages} over_grade={self.over_grade} max_grade={grade} "
            f"longest_screen_chars={self.longest_screen_chars}"
        )


def own_words(text: str) -> str:
    """Returns a message without the participants' words quoted in it (the quotation marks stay, empty)."""
    return QUOTED.sub("“”", plain(text))


def read_messages(texts: Iterable[str], language: str, limits: ReadingLimits) -> ReadingFigures:
    """Measures each distinct message once (its own words only) and returns the figures for them all."""
    distinct = {own_words(t) for t in texts}
    distinct.discard("")
    measured = [measure(t, language) for t in distinct]
    grades = [m.grade for m in measured if m.grade is not None]
    return ReadingFigures(
        len(distinct),
        sum(g > limits.max_grade for g in grades),
        max(grades, default=None),
        max((m.chars for m in measured), default=0),
    )
