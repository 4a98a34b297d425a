"""Checks that run once, in front of the feature handlers."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.catalogue import Words, speaking
from carework_core.people import Participant

log = logging.getLogger(__name__)


async def private_people_only(update: Update, context) -> None:
    """Drops updates from groups, channels and other bots before any feature sees them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != "private" or user.is_bot:
        log.info("update ignored", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop


async def heard_from(update: Update, context) -> None:
    """Anyone who writes or taps can be reached again, even after blocking the bot once; their words are set."""
    onboarding = context.services.onboarding
    person = await onboarding.participant(update.effective_user.id)
    context.words = _words_for(person, update, context)
    if person is not None and not person.reachable and await onboarding.heard_from(update.effective_user.id):
        log.info("participant reachable again", extra={"update_id": update.update_id})  # reconcile invites them


async def words_of(update: Update, context) -> Words:
    """Returns the catalogue of the person behind an update (the error handler's context starts afresh)."""
    return _words_for(await context.services.onboarding.participant(update.effective_user.id), update, context)


def _words_for(person: Participant | None, update: Update, context) -> Words:
    """The person's chosen language; before they join, the one their Telegram app uses, if the definition has it."""
    languages = context.services.env.consultation.languages
    return speaking(person.language if person else update.effective_user.language_code, languages)


async def guard(update: Update, context) -> None:
    """Runs every check in order; a group runs only one handler, so they share one."""
    await private_people_only(update, context)
    await heard_from(update, context)


GUARDS = [TypeHandler(Update, guard)]
