"""Every sentence a participant reads, in their language (the message catalogue).

Render functions take a `Words` and write `w("Saved. Thank you.")` or
`w("You have added {count} so far.", count=n)`: the English text is the key (the msgid), so code
reads as what the person sees. Values are HTML-escaped unless they are `Html`. Texts from the
definition go through `w.text(...)`, which picks the person's language.

Translations live in bot/locale/<lang>.po and are read at start-up with Babel: no compile step,
and a translator's editor opens the file as it is. Plural forms follow the file's Plural-Forms
header (Welsh has six). A message missing from a language falls back to English and is logged
once, by a short hash: never its text.

A new sentence in the code needs an entry in every .po (tests/bot/test_catalogue.py names the
missing ones): its English text as msgid, the translation as msgstr (a plural: msgid_plural and one
msgstr[n] per form of the file's Plural-Forms). `carework validate` names them for a definition's languages.
"""

from __future__ import annotations

import gettext
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from babel.messages.pofile import read_po

from carework_core.definitions.local_text import text_in
from carework_core.people.language import fitting_language, language_of

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"


class Html(str):
    """Text that is already safe Telegram HTML: inserted as it is, never escaped again."""


def N_(message: str) -> str:
    """Marks a message for the catalogue whose lookup happens where it is shown."""
    return message


def _safe(value: object) -> str:
    return value if isinstance(value, Html) else escape(str(value))


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


@dataclass(frozen=True)
class Words:
    """One language's catalogue: call it with a message's English text to get it in that language."""

    lang: str = "en"
    singular: Mapping[str, str] = field(default_factory=dict, repr=False)
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    plural_index: Callable[[int], int] = field(default=_english_plural, repr=False)
    _told: set[str] = field(default_factory=set, repr=False, compare=False)

    def __call__(self, message: str, /, **values: object) -> str:
        """Returns the message in this language, with its {placeholders} filled and escaped."""
        found = self.singular.get(message)
        if found is None:
            self._fell_back(message)
            found = message
        return found.format_map({k: _safe(v) for k, v in values.items()}) if values else found

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """Returns the form of a message that fits count ({count} is filled in too)."""
        forms = self.plurals.get(singular)
        if forms:
            chosen = forms[min(self.plural_index(count), len(forms) - 1)]
        else:
            self._fell_back(singular)
            chosen = singular if count == 1 else plural
        return chosen.format_map({k: _safe(v) for k, v in {"count": count, **values}.items()})

    def text(self, text: object) -> str:
        """Returns a text from the definition in this language, escaped for HTML."""
        return escape(in_language(text, self.lang))

    def label(self, text: object) -> str:
        """Returns a text from the definition in this language, unescaped: for buttons, which are plain text."""
        return in_language(text, self.lang)

    def _fell_back(self, message: str) -> None:
        if self.lang == "en":
            return  # English is the catalogue's own language: its msgids are the text
        key = hashlib.sha256(message.encode()).hexdigest()[:10]
        if key not in self._told:
            self._told.add(key)
            log.warning("message not translated", extra={"language": self.lang, "msgid_hash": key})


def in_language(text: object, lang: str) -> str:
    """Returns a definition's text in a language, or its first language's when it has none there."""
    return text_in(text, lang)


ENGLISH = Words("en")


def catalogue_file(lang: str) -> Path:
    """Returns where a language's catalogue lives (it may not exist)."""
    return LOCALE_DIR / f"{lang}.po"


def words(lang: str | None) -> Words:
    """Returns the catalogue for a language code such as "en", "cy" or "cy-GB" (read once, then cached)."""
    return _catalogue(language_of(lang) or "en")


@cache
def _catalogue(lang: str) -> Words:
    path = catalogue_file(lang)
    if lang == "en" or not path.exists():
        return ENGLISH if lang == "en" else Words(lang)
    with path.open("rb") as po:
        catalog = read_po(po, locale=None)
    singular: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple) and all(message.string):
            plurals[message.id[0]] = tuple(message.string)
        elif isinstance(message.id, str) and message.string:
            singular[message.id] = message.string
    return Words(lang, singular, plurals, gettext.c2py(catalog.plural_expr))


def speaking(language: str | None, languages: Sequence[str]) -> Words:
    """Returns the catalogue a person reads: their language while the definition has it, else its first."""
    return words(fitting_language(languages, language))
