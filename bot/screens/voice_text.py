"""What a person reads about their voice notes: saved, or where a voice note cannot be used."""

from __future__ import annotations

from bot.screens.render import Reply
from bot.text.catalogue import Words


def saved(w: Words) -> Reply:
    """Confirms a voice note was kept, before the round goes on."""
    return Reply(w("Saved your voice note. Thank you."))


def buttons_expected(w: Words) -> Reply:
    """Says a voice note cannot answer a question with buttons, and what to do instead."""
    return Reply(
        w("This question is answered with the buttons above, so I cannot use a voice note here. Please tap one.")
    )


def not_kept(w: Words) -> Reply:
    """Says a voice note was not kept, before saying what the person can do now."""
    return Reply(w("I have not kept that voice note, because no question is waiting for an answer."))
