"""An item card's own words: the start of the idea's description, and "More about this idea" with Back."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.text.catalogue import Words
from bot.text.reply import Button, Reply
from carework_core.answering.service import Ask

TEASER = 200  # characters of the description a card shows; "More about this idea" shows the rest


def teaser(w: Words, s: Ask) -> str:
    """Returns the start of the item's description for its card (cut at a word), or "" when it has none."""
    text = w.label(s.item.description) if s.item else ""
    return f"\n{escape(cut(text))}" if text else ""


def cut(text: str, limit: int = TEASER) -> str:
    """Returns at most `limit` characters of a text, ending at a word with an ellipsis when it was longer."""
    if len(text) <= limit:
        return text
    shown = text[: limit - 1]
    space = shown.rfind(" ")
    if space > limit // 2:  # a word longer than half the card is cut where it falls
        shown = shown[:space]
    return shown.rstrip(" ,.;:-") + "…"


def more_row(w: Words, s: Ask, data: cb.Callback | None = None) -> tuple[tuple[Button, ...], ...]:
    """Returns the "More about this idea" button, when the card does not already show everything there is.

    `data` is what the button does; by default it opens the card waiting in the round."""
    if s.item is None or s.card is None:
        return ()
    more = len(w.label(s.item.description)) > TEASER or bool(w.label(s.item.notes))
    data = data or cb.MoreAbout(s.round.id, s.number, *s.card)
    return ((Button(w("More about this idea"), data),),) if more else ()


def more_about(w: Words, s: Ask, back: cb.Callback | None = None) -> Reply:
    """Returns the whole description and the evidence notes of the item on a card, with Back to the card
    (`back`; by default the card waiting in the round)."""
    assert s.item is not None and s.card is not None
    parts = [f"<b>{w.text(s.item.text)}</b>"]
    if w.label(s.item.description):
        parts.append(w.text(s.item.description))
    if w.label(s.item.notes):
        parts.append(w("<b>Evidence</b>") + "\n" + w.text(s.item.notes))
    back = back or cb.BackToCard(s.round.id, s.number, *s.card)
    return Reply("\n\n".join(parts), ((Button(w("Back"), back),),))
