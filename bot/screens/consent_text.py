"""What a participant reads about their consent: their choices, and a statement whose words changed."""

from __future__ import annotations

from bot import callbacks as cb
from bot.screens.render import Button, Reply
from bot.text.catalogue import N_, Words
from bot.text.reply import Document
from carework_core.definitions.info_sheet import InfoSheet, sheet_for
from carework_core.definitions.model import Consultation
from carework_core.people.consents import Choice

ANSWER = {True: N_("yes"), False: N_("no"), None: N_("not asked yet")}


def choices(w: Words, shown: tuple[Choice, ...]) -> Reply:
    """Lists what the person agreed to, with a button for each choice they can change."""
    lines = [f"{c.number + 1}. {w.text(c.statement.text)} <b>{w(ANSWER[c.agreed])}</b>" for c in shown]
    buttons = tuple(
        (
            Button(
                w("{number}: change to no", number=c.number + 1)
                if c.agreed
                else w("{number}: change to yes", number=c.number + 1),
                cb.ConsentChoice(c.number, not c.agreed),
            ),
        )
        for c in shown
        if not c.statement.required
    )
    note = w("You can change the optional ones below.") if buttons else w("All of these are needed to take part.")
    return Reply(w("Your consent choices:") + "\n\n" + "\n".join(lines) + f"\n\n{note}", buttons)


def ask_again(w: Words, consultation: Consultation, round_id: str, number: int) -> Reply:
    """Asks again about a statement whose wording changed since the person agreed to it."""
    statement = consultation.consent.statements[number]
    yes, no = (w("I agree"), w("No thanks")) if statement.required else (w("Yes"), w("No"))
    after = "" if statement.required else "\n\n" + w("You can say no and still take part.")
    return Reply(
        w("The words of what you agreed to have changed. Please read them again before you go on.")
        + f"\n\n{w.text(consultation.consent.intro)}\n\n• {w.text(statement.text)}{after}",
        ((Button(yes, cb.Reconsent(round_id, number, True)), Button(no, cb.Reconsent(round_id, number, False))),),
    )


def declined_later(w: Words, keeps_answers: bool) -> Reply:
    """Says goodbye to someone who refused a reworded required statement: their earlier answers stay,
    given under the words they agreed to then, and /withdraw is how to take them away."""
    then = w(
        "Thank you for letting us know. We will not send you anything more. "
        "The answers you gave before stay under your code, as you agreed then."
    )
    how = (
        w("To remove your Telegram account from our records, send /withdraw.")
        if keeps_answers
        else w("To have them deleted, send /withdraw.")
    )
    return Reply(f"{then} {how}")


def sheet_message(w: Words, c: Consultation, again: bool = False) -> list[Reply | Document]:
    """Returns the information sheet in the person's language, as a document or a link; [] when there is none.

    Sent before the consent question, so nobody is asked to agree to what they could not read."""
    sheet: InfoSheet | None = sheet_for(c, w.lang)
    if sheet is None:
        return []
    if again:
        said = w("Here is the information sheet about taking part again.")
    else:
        said = w("Please read this information sheet about taking part before you agree.")
    if sheet.file is not None:
        return [Document(str(sheet.file), said, sheet.version)]
    return [Reply(said + "\n" + w("You can read it here: {link}", link=sheet.link))]


def sheet_button(w: Words, c: Consultation) -> tuple[tuple[Button, ...], ...]:
    """Returns the button that sends the information sheet again, when the definition names one."""
    if c.consent.sheet is None:
        return ()
    return ((Button(w("Read the information sheet"), cb.SheetAgain()),),)
