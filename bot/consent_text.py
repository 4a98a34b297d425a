"""What a participant reads about their consent: their choices, and a statement whose words changed."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.render import Button, Reply
from carework_core.consents import Choice
from carework_core.definitions import Consultation

ANSWER = {True: "yes", False: "no", None: "not asked yet"}


def choices(shown: tuple[Choice, ...]) -> Reply:
    """Lists what the person agreed to, with a button for each choice they can change."""
    lines = [f"{c.number + 1}. {escape(c.statement.text)} <b>{ANSWER[c.agreed]}</b>" for c in shown]
    buttons = tuple(
        (Button(f"{c.number + 1}: change to {'no' if c.agreed else 'yes'}", cb.ConsentChoice(c.number, not c.agreed)),)
        for c in shown
        if not c.statement.required
    )
    note = "You can change the optional ones below." if buttons else "All of these are needed to take part."
    return Reply("Your consent choices:\n\n" + "\n".join(lines) + f"\n\n{note}", buttons)


def ask_again(consultation: Consultation, round_id: str, number: int) -> Reply:
    """Asks again about a statement whose wording changed since the person agreed to it."""
    statement = consultation.consent.statements[number]
    yes, no = ("I agree", "No thanks") if statement.required else ("Yes", "No")
    after = "" if statement.required else "\n\nYou can say no and still take part."
    return Reply(
        "The words of what you agreed to have changed. Please read them again before you go on.\n\n"
        f"{escape(consultation.consent.intro)}\n\n• {escape(statement.text)}{after}",
        ((Button(yes, cb.Reconsent(round_id, number, True)), Button(no, cb.Reconsent(round_id, number, False))),),
    )
