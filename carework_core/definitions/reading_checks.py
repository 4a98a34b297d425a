"""Which participant-facing texts of a definition, or of the items loaded for it, read harder than its limits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from carework_core.definitions.languages import texts_of
from carework_core.definitions.local_text import languages_of
from carework_core.definitions.model import Consultation
from carework_core.reading.limits import over_limits

Loc = tuple[str | int, ...]
NOT_PROSE = {("consent", "sheet")}  # the information sheet's file name or link: documents are not measured


def reading_findings(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each text of a definition over its reading limits, once per measure and language."""
    for loc, text in texts_of(c):
        if loc in NOT_PROSE:
            continue
        for finding in text_findings(text, c):
            yield loc, finding


def text_findings(text: object, c: Consultation) -> Iterable[str]:
    """Returns what one text (in each language it is written in) is over, e.g. "reading grade 11.2 (at most 8)"."""
    written = languages_of(text) or {c.languages[0]: str(text)}
    several = len(written) > 1
    for language, words in written.items():
        for finding in over_limits(words, language, c.reading):
            yield f"{language}: {finding}" if several else finding
