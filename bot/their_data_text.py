"""What a person reads about their own data: /mydata's account and /withdraw's question and answer."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.catalogue import N_, Html, Words, in_language
from bot.render import Button, Reply
from bot.telegram_html import utf16_units
from carework_core.their_data import HeldData

MESSAGE_LIMIT = 4096  # Telegram's longest message; a longer account goes as a .txt document
DOCUMENT_NOTE = N_("This is everything we hold about you. It is long, so it is in this file.")
STAYING = N_("You are still taking part. Nothing has changed.")
WITHDRAW_YES = N_("Yes, withdraw")
WITHDRAW_NO = N_("No, stay")


def held_text(w: Words, data: HeldData) -> str:
    """Returns the plain-text account of everything held about a person (plain text: escaped when sent)."""

    def say(text: object) -> str:
        return in_language(text, w.lang)

    lines = [w("What we hold about you"), "", w("Your code: {code}", code=Html(data.code or w("none yet")))]
    lines += [w("Your group: {group}", group=Html(say(data.group)))]
    lines += [w("Joined: {when}", when=Html(_when(w, data.joined_at)))]
    lines += ["", w("Your consent choices:")]
    lines += [
        f"- {say(c.statement)} {w('Yes') if c.agreed else w('No')} ({_when(w, c.at)})" for c in data.consents
    ] or ["- " + w("none")]
    lines += ["", w("Your answers:")]
    if not data.answers:
        lines.append("- " + w("none yet"))
    for answer in data.answers:
        lines.append(f"- {say(answer.round_title)}: {say(answer.question)}\n  {say(answer.words)}")
    lines += ["", w("To see this again, send /mydata. To leave and take your data with you, send /withdraw.")]
    return "\n".join(lines)  # values go in as Html: plain text here, escaped once when sent


def held_message(text: str) -> Reply | None:
    """Returns the account as one message, or None when it is too long for one."""
    # Telegram counts the text it shows (escapes undone) in UTF-16 units: an emoji is two.
    return Reply(escape(text)) if utf16_units(text) <= MESSAGE_LIMIT else None


def withdraw_question(w: Words, keeps_answers: bool) -> Reply:
    """Explains what withdrawing does and asks the person to confirm."""
    answers = (
        w("Your answers will be kept for the research under a code, with nothing that links them to you.")
        if keeps_answers
        else w("All your answers will be deleted.")
    )
    return Reply(
        w("If you withdraw, we remove your Telegram account from our records and send you nothing more.")
        + f" {answers}\n\n"
        + w("Do you want to withdraw?"),
        ((Button(w(WITHDRAW_YES), cb.Withdraw(True)),), (Button(w(WITHDRAW_NO), cb.Withdraw(False)),)),
    )


def withdrawn(w: Words, anonymised: bool) -> str:
    """Confirms a withdrawal and says how to come back (plain text)."""
    answers = w("Your answers are kept under a code that no longer links to you.") if anonymised else ""
    return " ".join(
        part
        for part in (
            w("You have withdrawn. We have removed your details and will send you nothing more."),
            answers,
            w("If you want to take part again, ask the research team for a new invite link."),
        )
        if part
    )


def _when(w: Words, stamp: str) -> str:
    return stamp[:16].replace("T", " ") if stamp else w("unknown")
