"""Which of the definition's languages a person reads: from Telegram's language_code, or their choice."""

from __future__ import annotations

from collections.abc import Sequence


def language_of(code: str | None) -> str:
    """Returns the language part of a code such as "cy-GB" or "cy_GB": "cy"."""
    return (code or "").replace("_", "-").split("-")[0].strip().lower()


def fitting_language(languages: Sequence[str], code: str | None) -> str:
    """Returns the definition's language that fits a Telegram language_code, else the definition's first."""
    wanted = language_of(code)
    return next((lang for lang in languages if language_of(lang) == wanted), languages[0])
