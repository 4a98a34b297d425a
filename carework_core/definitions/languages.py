"""Which participant-visible texts of a definition are missing in one of its declared languages."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from carework_core.definitions.local_text import LocalText
from carework_core.definitions.model import Consultation

Loc = tuple[str | int, ...]


def texts_of(value: object, loc: Loc = ()) -> Iterator[tuple[Loc, LocalText]]:
    """Yields every written LocalText in a definition (or part of one) with where it is."""
    if isinstance(value, LocalText):
        if value or value.translations:  # an empty hint or intro is not a text to translate
            yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts_of(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from texts_of(item, (*loc, index))
    elif isinstance(value, dict):  # item_sets: set id -> items
        for key, item in value.items():
            yield from texts_of(item, (*loc, key))


def missing_texts(c: Consultation) -> Iterator[tuple[Loc, str]]:
    """Yields each text missing in a declared language, e.g. (rounds, 1, questions, 0, hint), "no cy text"."""
    first = c.languages[0]
    for loc, text in texts_of(c):
        for language in c.languages:
            if text.lacks(language, first):
                yield loc, f"no {language} text"
        for language in text.translations:
            if language not in c.languages:
                yield loc, f"a {language} text, but languages does not list {language}"
