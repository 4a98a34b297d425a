"""Every sentence a participant reads, in their language (the message catalogue).

Render functions take a `Words` and write `w("Saved. Thank you.")` or
`w("You have added {count} so far.", count=n)`: the English text is the key, so code reads as
what the person sees. Values are HTML-escaped unless they are `Html`. Texts from the definition
go through `w.text(...)`, which picks the person's language.

This first version speaks English only; the languages work fills in the lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


class Html(str):
    """Text that is already safe Telegram HTML: inserted as it is, never escaped again."""


def _safe(value: object) -> str:
    return value if isinstance(value, Html) else escape(str(value))


@dataclass(frozen=True)
class Words:
    """One language's catalogue: call it with a message's English text to get it in that language."""

    lang: str = "en"

    def __call__(self, message: str, /, **values: object) -> str:
        """Returns the message in this language, with its {placeholders} filled and escaped."""
        return message.format_map({k: _safe(v) for k, v in values.items()}) if values else message

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """Returns the form of a message that fits count ({count} is filled in too)."""
        return self(singular if count == 1 else plural, count=count, **values)

    def text(self, text: object) -> str:
        """Returns a text from the definition in this language, escaped for HTML."""
        return escape(str(text))


ENGLISH = Words("en")


def words(lang: str | None) -> Words:
    """Returns the catalogue for a language code such as "en" or "cy"."""
    return ENGLISH
