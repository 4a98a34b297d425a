"""What the bot says to anything the features above did not take: edits, voice, stickers, /help."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import render, voice_text
from bot.context import CareworkContext, answer_query, respond


async def edited(update: Update, context: CareworkContext) -> None:
    """An edited message never becomes a second answer; the person is told so."""
    await respond(update, context, render.plain("edited"))


async def not_typed(update: Update, context: CareworkContext) -> None:
    """Stickers, photos and the like cannot be read as answers (voice notes can: see answering.spoken)."""
    await respond(update, context, voice_text.not_readable(context.words))


async def unknown_button(update: Update, context: CareworkContext) -> None:
    """A button this version of the bot did not make (an old or forged one) gets a gentle note."""
    await answer_query(update.callback_query, render.TEXT["stale"])


async def help_command(update: Update, context: CareworkContext) -> None:
    """Says what this bot is and who to contact."""
    c = context.services.env.consultation
    await respond(
        update,
        context,
        render.Reply(
            f"This is <b>{escape(c.title)}</b>, run by {escape(c.run_by)}.\n\n"
            "When a round of questions opens, we send you a message here with a Start button. "
            "Send /pause to stop reminders and news for a while, and /resume to get them again. "
            f"To ask anything, or to stop taking part, contact {escape(c.contact)}."
        ),
    )


HANDLERS = [
    MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited),
    CommandHandler("help", help_command),
    MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, help_command),
    MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, not_typed),
    CallbackQueryHandler(unknown_button),
]
