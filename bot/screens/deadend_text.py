"""What a person reads when they do something the bot cannot take: never a dead end.

Each reply is short, kind, and says what to do now. Pure functions: core results and the
person's catalogue (`Words`) in, `Reply` out.
"""

from __future__ import annotations

from html import escape

from bot import callbacks as cb
from bot.screens.consent_text import sheet_button
from bot.screens.render import Button, Reply
from bot.screens.round_text import what_comes_next
from bot.screens.team_text import TEAM_COMMANDS
from bot.text.catalogue import N_, Html, Words
from carework_core.answering.service import Ask
from carework_core.answering.whereabouts import Elsewhere, Finished, RoundClosed, ToStart
from carework_core.definitions.model import Consultation, ExamplesQuestion, TextQuestion

MAX_SHOWN_COMMAND = 32  # a made-up command is echoed back, but never a whole paragraph of it

# What a participant can do, in the order /help and Telegram's menu show it.
PARTICIPANT_COMMANDS = (
    ("review", N_("See your answers in this round, and change one")),
    ("pause", N_("Stop reminders and news for a while")),
    ("resume", N_("Get reminders and news again")),
    ("consent", N_("See or change your choices about taking part")),
    ("mydata", N_("See everything we hold about you")),
    ("withdraw", N_("Stop taking part and remove your answers")),
    ("language", N_("Choose your language")),
    ("help", N_("See what you can do")),
)


def commands_menu(w: Words) -> list[dict[str, str]]:
    """Returns the commands for Telegram's menu (setMyCommands), in the person's language."""
    return [{"command": name, "description": w(about)} for name, about in PARTICIPANT_COMMANDS]


def _command_lines(w: Words) -> str:
    return "\n".join(f"/{name}: {w(about)}" for name, about in PARTICIPANT_COMMANDS)


def help_text(w: Words, c: Consultation) -> Reply:
    """Lists what a participant can do, and who to contact."""
    return Reply(
        w("This is <b>{title}</b>, run by {run_by}.", title=Html(w.text(c.title)), run_by=Html(w.text(c.run_by)))
        + "\n\n"
        + w("When a round of questions opens, we send you a message here with a Start button.")
        + "\n\n"
        + w("Here is what you can do:")
        + "\n"
        + _command_lines(w)
        + "\n\n"
        + w("To ask anything, contact {contact}.", contact=Html(w.text(c.contact))),
        sheet_button(w, c),
    )


def team_help(w: Words, c: Consultation) -> Reply:
    """Lists the team's commands first, then what participants can do."""
    return Reply(
        w("Commands for the consultation team:")
        + "\n"
        + escape(TEAM_COMMANDS)
        + "\n\n"
        + w("What participants can do:")
        + "\n"
        + _command_lines(w)
    )


def unknown_command(w: Words, command: str) -> Reply:
    """Says the command is not one the bot knows, and lists those it does."""
    shown = command if len(command) <= MAX_SHOWN_COMMAND else command[: MAX_SHOWN_COMMAND - 1] + "…"
    return Reply(
        w("Sorry, I do not know the command {command}.", command=shown)
        + "\n\n"
        + w("Here is what you can do:")
        + "\n"
        + _command_lines(w)
    )


def edited(w: Words) -> Reply:
    """An edited message is not read again: says how to change or add to an answer."""
    return Reply(
        w("I have kept your message as you first sent it.")
        + " "
        + w("To change an answer, send /review. To add something, send it as a new message.")
    )


def _thing(w: Words, kind: str) -> str:
    things = {
        "sticker": w("a sticker"),
        "photo": w("a photo"),
        "document": w("a file"),
        "location": w("a location"),
        "contact": w("a contact"),
        "poll": w("a poll"),
        "voice": w("a voice note"),
    }
    return things.get(kind, w("this kind of message"))


def not_typed(w: Words, kind: str, where: Ask | Elsewhere) -> Reply:
    """Something other than text arrived: nothing was kept, and here is what to do now."""
    said = w("Thank you, but I cannot use {thing} here, so I have not kept it.", thing=Html(_thing(w, kind)))
    if isinstance(where, Ask):
        if isinstance(where.question, (ExamplesQuestion, TextQuestion)):
            now = w("Please type your answer to question {number}, or send a voice note.", number=where.number)
        else:
            now = w("Please tap one of the buttons on question {number} to answer it.", number=where.number)
        return Reply(f"{said} {now}")
    return _elsewhere(w, said, where)


def _elsewhere(w: Words, said: str, where: Elsewhere) -> Reply:
    if isinstance(where, ToStart):
        now = w("To answer round {number}, tap Start.", number=where.round_number)
        return Reply(f"{said} {now}", ((Button(w("Start"), cb.Begin(where.round.id)),),))
    if isinstance(where, (Finished, RoundClosed)):
        now = w("No question is waiting for you now.") + " " + what_comes_next(w, where.coming)
    else:
        now = w("No round of questions is open right now. We will message you here when one opens.")
    return Reply(f"{said} {now}")


def unknown_button(w: Words) -> str:
    """The toast for a button this bot did not make, or one that no longer means anything."""
    return w("Sorry, that button does not work any more. Please use the newest message, or send /help.")


def private_only(w: Words, bot_username: str) -> Reply:
    """The one reply in a group chat: the consultation happens in private."""
    return Reply(
        w("Hello! I only talk with people one to one, so I do not read messages here.")
        + " "
        + w(
            "To take part, open the invite link the research team gave you. "
            "To ask me something, message me privately: @{username}.",
            username=bot_username,
        )
    )
