"""What a person reads about their own data: /mydata's account and /withdraw's question and answer."""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.render import Button, Reply
from carework_core.their_data import HeldData

MESSAGE_LIMIT = 4096  # Telegram's longest message; a longer account goes as a .txt document
DOCUMENT_NOTE = "This is everything we hold about you. It is long, so it is in this file."
STAYING = "You are still taking part. Nothing has changed."
WITHDRAW_YES = "Yes, withdraw"
WITHDRAW_NO = "No, stay"


def held_text(data: HeldData) -> str:
    """Returns the plain-text account of everything held about a person."""
    lines = ["What we hold about you", "", f"Your code: {data.code or 'none yet'}", f"Your group: {data.group}"]
    lines.append(f"Joined: {_when(data.joined_at)}")
    lines += ["", "Your consent choices:"]
    lines += [f"- {c.statement} {'Yes' if c.agreed else 'No'} ({_when(c.at)})" for c in data.consents] or ["- none"]
    lines += ["", "Your answers:"]
    if not data.answers:
        lines.append("- none yet")
    for answer in data.answers:
        lines.append(f"- {answer.round_title}: {answer.question}\n  {answer.words}")
    lines += ["", "To see this again, send /mydata. To leave and take your data with you, send /withdraw."]
    return "\n".join(lines)


def held_message(text: str) -> Reply | None:
    """Returns the account as one message, or None when it is too long for one."""
    shown = escape(text)
    return Reply(shown) if len(shown) <= MESSAGE_LIMIT else None


def withdraw_question(keeps_answers: bool) -> Reply:
    """Explains what withdrawing does and asks the person to confirm."""
    answers = (
        "Your answers will be kept for the research under a code, with nothing that links them to you."
        if keeps_answers
        else "All your answers will be deleted."
    )
    return Reply(
        "If you withdraw, we remove your Telegram account from our records and send you nothing more. "
        f"{answers}\n\nDo you want to withdraw?",
        ((Button(WITHDRAW_YES, cb.Withdraw(True)),), (Button(WITHDRAW_NO, cb.Withdraw(False)),)),
    )


def withdrawn(anonymised: bool) -> str:
    """Confirms a withdrawal and says how to come back."""
    answers = "Your answers are kept under a code that no longer links to you." if anonymised else ""
    return " ".join(
        part
        for part in (
            "You have withdrawn. We have removed your details and will send you nothing more.",
            answers,
            "If you want to take part again, ask the research team for a new invite link.",
        )
        if part
    )


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ") if stamp else "unknown"
