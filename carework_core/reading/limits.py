"""The reading limits a definition may set (`reading:`), and what a text over them is told."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from carework_core.reading.measure import Measures, measure


class ReadingLimits(BaseModel):
    """What every participant-facing text should stay within; `carework validate` warns above these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_grade: float = Field(default=8, gt=0)  # US school grade (Flesch-Kincaid), English texts only
    max_sentence_words: int = Field(default=25, ge=3)
    max_screen_chars: int = Field(default=700, ge=40)  # one text as it fills a phone's screen
    avoid: list[str] = Field(default_factory=list)  # words or phrases participants should not meet


def over_limits(text: str, language: str, limits: ReadingLimits) -> list[str]:
    """Returns each limit a text is over, as "measure value (at most limit)"; empty when it reads well."""
    return findings(measure(text, language, limits.avoid), limits)


def findings(m: Measures, limits: ReadingLimits) -> list[str]:
    """Returns what a measured text is over, one finding per measure."""
    found = []
    if m.grade is not None and m.grade > limits.max_grade:
        found.append(f"reading grade {m.grade:.1f} (at most {limits.max_grade:g})")
    if m.longest_sentence > limits.max_sentence_words:
        found.append(f"a sentence of {m.longest_sentence} words (at most {limits.max_sentence_words})")
    if m.chars > limits.max_screen_chars:
        found.append(f"{m.chars} characters on one screen (at most {limits.max_screen_chars})")
    found += [f"uses {word!r}, which reading.avoid lists" for word in m.avoided]
    return found
