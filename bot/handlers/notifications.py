"""A participant's own say over what we send: /pause stops reminders and news, /resume brings them back."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import CareworkContext, respond
from bot.screens import render


async def pause(update: Update, context: CareworkContext) -> None:
    """Stops reminders, announcements and summaries; invitations to a new round still come."""
    changed = await context.services.onboarding.pause(update.effective_user.id)
    await respond(update, context, render.plain(context.words, "paused" if changed else "already_paused"))


async def resume(update: Update, context: CareworkContext) -> None:
    """Starts reminders, announcements and summaries again."""
    changed = await context.services.onboarding.resume(update.effective_user.id)
    await respond(update, context, render.plain(context.words, "resumed" if changed else "not_paused"))


HANDLERS = [CommandHandler("pause", pause), CommandHandler("resume", resume)]
