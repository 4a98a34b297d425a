"""/language: the person chooses which of the definition's languages the bot writes to them in."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond
from bot.screens import language_text
from bot.text.catalogue import words

log = logging.getLogger(__name__)


async def offer(update: Update, context: CareworkContext) -> None:
    """Shows the definition's languages as buttons."""
    languages = context.services.consultation.languages
    if len(languages) < 2:
        await respond(update, context, language_text.only_one(context.words))
        return
    await respond(update, context, language_text.choose(context.words, languages))


async def choose(update: Update, context: CareworkContext) -> None:
    """Stores the chosen language and answers in it from then on."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.ChooseLanguage)
    chosen = await context.services.onboarding.choose_language(update.effective_user.id, data.language)
    context.words = words(chosen)
    await answer_query(query)
    await respond(update, context, Edit(query.message.message_id, language_text.chosen(context.words)))
    log.info("language chosen", extra={"language": chosen})


HANDLERS = [
    CommandHandler("language", offer),
    CallbackQueryHandler(choose, pattern=matches(cb.ChooseLanguage)),
]
