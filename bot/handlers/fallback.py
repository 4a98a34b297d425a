"""What the bot says to anything the features above did not take: edits, voice, stickers, /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import render
from bot.catalogue import Html
from bot.context import CareworkContext, answer_query, respond


async def edited(update: Update, context: CareworkContext) -> None:
    """An edited message never becomes a second answer; the person is told so."""
    await respond(update, context, render.plain(context.words, "edited"))


async def not_typed(update: Update, context: CareworkContext) -> None:
    """Voice notes, stickers, photos and the like cannot be read as answers."""
    await respond(update, context, render.plain(context.words, "typed_only"))


async def unknown_button(update: Update, context: CareworkContext) -> None:
    """A button this version of the bot did not make (an old or forged one) gets a gentle note."""
    await answer_query(update.callback_query, context.words(render.TEXT["stale"]))


async def help_command(update: Update, context: CareworkContext) -> None:
    """Says what this bot is and who to contact."""
    c, w = context.services.env.consultation, context.words
    await respond(
        update,
        context,
        render.Reply(
            w("This is <b>{title}</b>, run by {run_by}.", title=Html(w.text(c.title)), run_by=Html(w.text(c.run_by)))
            + "\n\n"
            + w(
                "When a round of questions opens, we send you a message here with a Start button. "
                "Send /pause to stop reminders and news for a while, and /resume to get them again. "
                "Send /language to choose your language. "
                "To ask anything, or to stop taking part, contact {contact}.",
                contact=Html(w.text(c.contact)),
            )
        ),
    )


HANDLERS = [
    MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited),
    CommandHandler("help", help_command),
    MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, help_command),
    MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, not_typed),
    CallbackQueryHandler(unknown_button),
]
