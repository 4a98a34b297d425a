"""Checks that run once, in front of the feature handlers."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.callbacks import Callback

log = logging.getLogger(__name__)


def matches(kind: type[Callback]):
    """Returns a CallbackQueryHandler pattern that accepts only this kind's packed data."""
    prefix = kind.prefix + "|"
    return lambda data: isinstance(data, str) and data.startswith(prefix)


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Stops the button's spinner; a replayed or expired query is not worth failing over."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        log.info("callback answer refused", extra={"reason": type(exc).__name__})


async def private_people_only(update: Update, context) -> None:
    """Drops updates from groups, channels and other bots before any feature sees them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != "private" or user.is_bot:
        log.info("update ignored", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop


async def heard_from(update: Update, context) -> None:
    """Anyone who writes or taps can be reached again, even after blocking the bot once."""
    if await context.services.onboarding.heard_from(update.effective_user.id):
        log.info("participant reachable again", extra={"update_id": update.update_id})  # reconcile invites them


async def guard(update: Update, context) -> None:
    """Runs every check in order; a group runs only one handler, so they share one."""
    await private_people_only(update, context)
    await heard_from(update, context)


GUARDS = [TypeHandler(Update, guard)]
