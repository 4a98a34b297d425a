"""The catalogue's own messages read as plainly as the definitions' texts must: the same limits, the same measures."""

from __future__ import annotations

import re

from bot.text.catalogue import LOCALE_DIR, words
from bot.text.catalogue_check import BOT_DIR, messages_in
from carework_core.reading.limits import ReadingLimits, over_limits

PLACEHOLDER = re.compile(r"\{\w+\}")


def english_messages() -> dict[str, set[str]]:
    """Returns every English catalogue message (each plural form on its own) -> the modules that write it."""
    found: dict[str, set[str]] = {}
    for path in sorted(BOT_DIR.rglob("*.py")):
        module = str(path.relative_to(BOT_DIR))
        for message in messages_in(path.read_text(encoding="utf-8")):
            for form in message if isinstance(message, tuple) else (message,):
                found.setdefault(form, set()).add(module)
    return found


def read_as_shown(message: str) -> str:
    """Returns a message as a reader meets it, each {placeholder} a short word (a number, a name, a title)."""
    return PLACEHOLDER.sub("it", message)


def test_every_catalogue_message_is_within_the_reading_limits():
    limits = ReadingLimits()
    messages = english_messages()
    assert len(messages) > 200  # the whole catalogue, not a corner of it
    over = {message: found for message in messages if (found := over_limits(read_as_shown(message), "en", limits))}
    assert over == {}


def test_every_translation_keeps_to_the_sentence_and_screen_limits():
    limits = ReadingLimits()
    for lang in sorted(p.stem for p in LOCALE_DIR.glob("*.po")):
        w = words(lang)
        translated = list(w.singular.items())
        translated += [(m, t) for m, forms in w.plurals.items() for t in forms]
        over = {t: found for _, t in translated if (found := over_limits(read_as_shown(t), lang, limits))}
        assert over == {}, lang


def test_the_check_notices_a_message_over_the_limits():
    source = 'def f(w):\n    return w("Notwithstanding organisational considerations, {name} is operationalised.")'
    (message,) = messages_in(source)
    assert over_limits(read_as_shown(message), "en", ReadingLimits(max_grade=8)) == []  # too short to grade
    wordy = message + " Multidisciplinary interprofessional collaboration necessitates comprehensive documentation."
    assert over_limits(read_as_shown(wordy), "en", ReadingLimits())[0].startswith("reading grade ")
