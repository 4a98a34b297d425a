"""A text a definition may give in several languages: `title: {en: Caring well, cy: Gofalu'n dda}`.

A `LocalText` is a str whose value is the first language written, so every `q.text` keeps working
(summaries, exports, hashes); its translations ride along for the bot to pick from. A plain string
is a LocalText with no translations: it is taken to be in the definition's first language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import core_schema

from carework_core.messaging.messages import utf16_units

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class LocalText(str):
    """A definition's text: its str is the first language given; the others are in `translations`."""

    translations: dict[str, str]

    def __new__(cls, text: str, translations: Mapping[str, str] | None = None) -> LocalText:
        made = super().__new__(cls, text)
        made.translations = dict(translations or {})
        return made

    def in_language(self, language: str) -> str | None:
        """Returns the text in a language, or None when it is not written in that language."""
        return self.translations.get(language) if self.translations else None

    def lacks(self, language: str, first: str) -> bool:
        """Returns whether this text is missing in a language (a plain text is in the definition's first)."""
        return language not in self.translations if self.translations else language != first


def text_in(text: object, language: str | None) -> str:
    """Returns a definition's text in a language, or in its first language when not written in that one."""
    pick = getattr(text, "in_language", None)
    found = pick(language) if pick and language else None
    return found if found is not None else str(text)


@dataclass(frozen=True)
class Localised:
    """Pydantic metadata: reads a plain string or a {language: text} mapping into a LocalText."""

    min_length: int = 1
    max_length: int = 3000

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._read,
            serialization=core_schema.plain_serializer_function_ser_schema(_written, when_used="always"),
        )

    def _read(self, value: object) -> LocalText:
        if isinstance(value, LocalText):
            return value
        if isinstance(value, str):
            return LocalText(self._checked(value))
        if isinstance(value, Mapping) and value:
            texts = {}
            for language, text in value.items():
                if not isinstance(language, str) or not LANGUAGE_CODE.match(language):
                    raise ValueError(f"{language!r} is not a language code such as en or cy")
                if not isinstance(text, str):
                    raise ValueError(f"the {language} text must be a string")
                texts[language] = self._checked(text)
            return LocalText(next(iter(texts.values())), texts)
        raise ValueError("write a text, or one text per language such as {en: ..., cy: ...}")

    def _checked(self, text: str) -> str:
        text = text.strip()
        if len(text) < self.min_length:
            raise ValueError("the text must not be empty")
        units = utf16_units(text)  # as Telegram counts: a label of 20 emoji is 40 long on a button
        if units > self.max_length:
            raise ValueError(
                f"the text must be at most {self.max_length} characters (an emoji counts as two); this one is {units}"
            )
        return text


def languages_of(text: object) -> dict[str, str]:
    """Returns a text's {language: text} when it is written in several languages, else an empty dict."""
    return getattr(text, "translations", None) or {}


def _written(value: object) -> object:
    """Writes a LocalText back as the definition had it: a string, or its mapping of languages."""
    translations = languages_of(value)
    return dict(translations) if translations else str(value)
