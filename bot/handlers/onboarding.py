"""/start with an invite token, the welcome and the consent conversation."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, answer_query, respond, shown_answer
from bot.screens import consent_text, render
from carework_core.answering.whereabouts import ToStart
from carework_core.people.onboarding import AlreadyTakingPart, ConsentStep, Declined, Registered

log = logging.getLogger(__name__)


async def start(update: Update, context: CareworkContext) -> None:
    """Checks the invite link and welcomes the person, or tells them how to get a link."""
    token = context.args[0] if context.args else None
    user = update.effective_user
    result = await context.services.onboarding.start(user.id, update.effective_chat.id, user.language_code, token)
    consultation = context.services.consultation
    if isinstance(result, AlreadyTakingPart):
        where = await context.services.answering.whereabouts(user.id)
        closes = (await context.services.plans.plan(where.round.id)).closes if isinstance(where, ToStart) else None
        await respond(update, context, *render.welcome_back(context.words, where, consultation, closes))
    elif isinstance(result, ConsentStep):
        await respond(
            update,
            context,
            render.welcome(context.words, consultation, result.group_id),
            *consent_text.sheet_message(context.words, consultation),  # read before anyone can agree
            render.consent(context.words, consultation, result),
        )


async def consent(update: Update, context: CareworkContext) -> None:
    """Records a consent answer, then asks the next one or confirms registration."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Consent)
    result = await context.services.onboarding.consent(update.effective_user.id, data.step, data.agree)
    await answer_query(query)
    consultation = context.services.consultation
    chosen = shown_answer(update, context.words("Yes") if data.agree else context.words("No"), context.words)
    if isinstance(result, ConsentStep):
        await respond(update, context, *chosen, render.consent(context.words, consultation, result))
    elif isinstance(result, Registered):
        log.info("participant registered", extra={"participant": result.participant.code})
        await respond(
            update, context, *chosen, render.registered(context.words, consultation, result.participant.group_id)
        )
    elif isinstance(result, Declined):
        await respond(update, context, *chosen, render.plain(context.words, "declined"))


HANDLERS = [
    CommandHandler("start", start),
    CallbackQueryHandler(consent, pattern=matches(cb.Consent)),
]
