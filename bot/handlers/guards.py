"""Checks that run once, in front of the feature handlers."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import callbacks as cb
from bot.context import answer_query, respond
from bot.screens import deadend_text
from bot.text.catalogue import Words, speaking
from carework_core.people.model import Participant

log = logging.getLogger(__name__)
GROUP_KINDS = frozenset({"group", "supergroup"})


async def private_people_only(update: Update, context) -> None:
    """Stops updates from groups, channels and other bots before any feature sees them.

    A group is told once to message the bot in private; nothing about its members is kept. A
    channel is never answered: a post there would go to every subscriber, and there is no one
    person to guide (nor does the intake ask Telegram for channel posts).
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type in GROUP_KINDS:
        if update.callback_query is not None:
            await answer_query(update.callback_query)  # stops the spinner; the bot never puts buttons in groups
        await tell_group_once(update, context)
        raise ApplicationHandlerStop
    if chat is None or user is None or chat.type != "private" or user.is_bot or chat.id != user.id:
        # chat.id != user.id: a tap in someone else's private chat, which only a forger can send.
        log.info("update ignored", extra={"update_id": update.update_id})
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and not query.data:
        # python-telegram-bot hands a query without data to the first button handler it finds.
        await answer_query(query, deadend_text.unknown_button(context.words))
        raise ApplicationHandlerStop


async def tapped_as_sent(update: Update, context) -> None:
    """Acts on a tap only when its data is a button the bot put on that message, and for a question only
    on its newest copy when tapped; a forged tap, or one on an older copy, gets the stale button's toast."""
    query = update.callback_query
    if query is None:
        return
    try:
        same = cb.copies_of(cb.unpack(query.data))
    except cb.InvalidCallback:
        same = None  # never a button the bot made: refused below
    if query.message is not None:
        services, chat, message_id = context.services, update.effective_chat.id, query.message.message_id
        tapped_by = await services.inbox.received_at(update.update_id)  # copies sent later were not seen
        if await services.outbox.tappable(chat, message_id, query.data, same, tapped_by):
            return
        await context.bot_data.sends_recorded()  # sent a moment ago, its record on the way
        if await services.outbox.tappable(chat, message_id, query.data, same, tapped_by):
            return
    log.info("tap refused", extra={"update_id": update.update_id})
    await answer_query(query, deadend_text.unknown_button(context.words))
    raise ApplicationHandlerStop


async def tell_group_once(update: Update, context) -> None:
    """Says once per group chat that the bot talks in private; later messages there get no reply."""
    key = f"group_told:{update.effective_chat.id}"  # the group's id only, never who wrote
    if await context.services.get_state(key):
        log.info("update ignored", extra={"update_id": update.update_id})
        return
    await context.services.set_state(key, "1")
    username = context.bot.username or "carework_bot"
    await respond(update, context, deadend_text.private_only(context.words, username))


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
    languages = context.services.consultation.languages
    return speaking(person.language if person else update.effective_user.language_code, languages)


async def guard(update: Update, context) -> None:
    """Runs every check in order; a group runs only one handler, so they share one."""
    await private_people_only(update, context)
    await heard_from(update, context)
    await tapped_as_sent(update, context)


GUARDS = [TypeHandler(Update, guard)]
