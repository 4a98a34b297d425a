"""What a person reads about their own data: /mydata's account and /withdraw's question and answer."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.screens.render import Button, Reply
from bot.screens.round_text import what_comes_next
from bot.text.catalogue import N_, Html, Words, in_language
from bot.text.telegram_html import MESSAGE_LIMIT, utf16_units
from carework_core.answering.vocabulary import CatalogueWord
from carework_core.people.their_data import HeldAnswer, HeldData

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
        lines.append(f"- {say(answer.round_title)}: {_asked(w, answer)}\n  {_said(w, answer)}")
    leaving = (
        w(
            "To leave, send /withdraw. Your answers would stay for the research, under a code that no longer links to you."
        )
        if data.kept_if_withdrawn
        else w("To leave and have all your answers deleted, send /withdraw.")
    )
    lines += ["", w("What happens next: {next}", next=Html(what_comes_next(w, data.coming)))]
    lines += ["", w("To see this again, send /mydata.") + " " + leaving]
    return "\n".join(lines)  # values go in as Html: plain text here, escaped once when sent


def _asked(w: Words, answer: HeldAnswer) -> str:
    """The question an answer is to, as the person saw it: with its item, follow-up, or what kind of answer."""
    asked = w.label(answer.question)
    if answer.item is not None:
        asked += f" ({w.label(answer.item)}{', ' + w.label(answer.criterion) if answer.criterion else ''})"
    if answer.kind == "detail":
        asked += " - " + (w.label(answer.followup) if answer.followup else w("In your own words"))
    elif answer.kind == "reason":
        asked = w("Why you see it differently: {question}", question=Html(asked))
    elif answer.kind == "earlier":
        asked = w(
            "Earlier answer, changed {when}: {question}", when=Html(answer.replaced_at[:10]), question=Html(asked)
        )
    return asked


def _said(w: Words, answer: HeldAnswer) -> str:
    """The person's words as they are, or the labels they chose in their language; a skipped follow-up says so."""
    if not answer.words:
        return w("Skipped")
    if answer.typed:
        return ", ".join(answer.words)
    return ", ".join(w(str(word)) if isinstance(word, CatalogueWord) else w.label(word) for word in answer.words)


def held_message(text: str) -> Reply | None:
    """Returns the account as one message, or None when it is too long for one (a .txt document then)."""
    # Telegram counts the text as shown, in UTF-16 units: escaping adds nothing, an emoji counts as two.
    return Reply(escape(text)) if utf16_units(text) <= MESSAGE_LIMIT else None


def withdraw_question(w: Words, keeps_answers: bool) -> Reply:
    """Explains what withdrawing does and asks the person to confirm."""
    answers = (
        w("Your answers will be kept for the research under a code, with nothing that links them to you.")
        if keeps_answers
        else w("All your answers will be deleted.")
    )
    return Reply(
        w("If you withdraw, we take your Telegram account off our records and send you nothing more.")
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
