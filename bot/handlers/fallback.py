"""What the bot says to anything the features above did not take: edits, stickers, unknown commands,
old or forged buttons, /help. Every reply says what to do now; nothing here is stored as an answer."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import CareworkContext, answer_query, respond
from bot.screens import deadend_text

# Kinds of message that cannot be an answer, in the order they are looked for.
NOT_TYPED = ("voice", "sticker", "photo", "document", "location", "contact", "poll")


async def edited(update: Update, context: CareworkContext) -> None:
    """An edited message never becomes a second answer; the person is told how to change one."""
    await respond(update, context, deadend_text.edited(context.words))


async def not_typed(update: Update, context: CareworkContext) -> None:
    """A sticker, photo, file, location, contact or poll: nothing is kept, and the person hears what to do now."""
    where = await context.services.answering.whereabouts(update.effective_user.id)
    await respond(update, context, deadend_text.not_typed(context.words, kind_of(update.message), where))


def kind_of(message: Message) -> str:
    """Returns what kind of thing a message carries, such as "sticker" or "location"."""
    return next((kind for kind in NOT_TYPED if getattr(message, kind, None)), "other")


async def unknown_button(update: Update, context: CareworkContext) -> None:
    """A button this version of the bot did not make (an old or forged one) gets a gentle note."""
    await answer_query(update.callback_query, deadend_text.unknown_button(context.words))


async def help_command(update: Update, context: CareworkContext) -> None:
    """Lists what the person can do, and who to contact."""
    await respond(update, context, deadend_text.help_text(context.words, context.services.consultation))


async def unknown_command(update: Update, context: CareworkContext) -> None:
    """Says a command is unknown and lists the ones there are."""
    command = (update.message.text or "").split(maxsplit=1)[0].split("@", 1)[0]
    await respond(update, context, deadend_text.unknown_command(context.words, command))


async def team_help(update: Update, context: CareworkContext) -> None:
    """A coordinator's /help lists the team's commands; anyone else's goes on to the participants' help."""
    user, chat = update.effective_user, update.effective_chat
    if await context.services.coordinators.member(user.id, chat.id, context.bot_data.team) is None:
        return  # not handled here: group 1's /help answers
    await respond(update, context, deadend_text.team_help(context.words, context.services.consultation))
    raise ApplicationHandlerStop


TEAM_HANDLERS = [CommandHandler("help", team_help)]

HANDLERS = [
    MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited),
    CommandHandler("help", help_command),
    MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command),
    MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, not_typed),
    CallbackQueryHandler(unknown_button),
]
