"""What /language says: the definition's languages as buttons, each named in its own language."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from bot import callbacks as cb
from bot.text.catalogue import Words
from bot.text.reply import Button, Reply


def own_name(language: str) -> str:
    """Returns a language's name in itself, e.g. "Cymraeg" for cy (CLDR, through Babel)."""
    try:
        name = Locale.parse(language.replace("-", "_")).get_display_name(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language
    return (name[:1].upper() + name[1:]) if name else language


def choose(w: Words, languages: list[str]) -> Reply:
    """Offers the definition's languages, one button each."""
    rows = tuple((Button(own_name(lang), cb.ChooseLanguage(lang)),) for lang in languages)
    return Reply(w("Which language would you like?"), rows)


def chosen(w: Words) -> Reply:
    """Confirms the switch, in the newly chosen language."""
    return Reply(w("From now on I will write to you in English."))


def only_one(w: Words) -> Reply:
    """Says there is nothing to choose when the definition has one language."""
    return Reply(w("This consultation is in one language only, so there is nothing to change."))
