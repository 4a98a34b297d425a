"""/review lists a person's answers in their open round; Change asks a question again to change its answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, buttons_off, respond
from bot.screens import render, review_text
from carework_core.answering.steps import Ask


async def review(update: Update, context: CareworkContext) -> None:
    """Lists the person's answers in their open round, each with a Change button."""
    shown = await context.services.review.listing(update.effective_user.id)
    await respond(update, context, review_text.listing(context.words, shown))


async def page(update: Update, context: CareworkContext) -> None:
    """Shows another page of the person's answers in the same message."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.ReviewPage)
    shown = await context.services.review.listing(update.effective_user.id, data.page, data.round_id)
    await answer_query(query)
    await respond(update, context, Edit(query.message.message_id, review_text.listing(context.words, shown)))


async def change(update: Update, context: CareworkContext) -> None:
    """Asks a question again to change its answer; "Keep my answer" leaves it and goes back to the round."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Change)
    if data.keep:
        await _keep(update, context, data.round_id)
        return
    shown = await context.services.review.change(update.effective_user.id, data.round_id, data.answer)
    await answer_query(query)
    await respond(update, context, review_text.changing(context.words, shown, context.services.consultation))


async def more(update: Update, context: CareworkContext) -> None:
    """Shows the whole idea on a Change card in place ("More about this idea"), or that card again (Back)."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.ChangeMore)
    shown = await context.services.review.changing(update.effective_user.id, data.round_id, data.answer)
    await answer_query(query)
    c, w = context.services.consultation, context.words
    reply = review_text.changing(w, shown, c) if data.back else review_text.more_about(w, shown)
    await respond(update, context, Edit(query.message.message_id, reply))


async def _keep(update: Update, context: CareworkContext, round_id: str) -> None:
    await context.services.review.keep(update.effective_user.id, round_id)
    where = await context.services.answering.whereabouts(update.effective_user.id)
    await answer_query(update.callback_query)
    c = context.services.consultation
    back = (
        render.step(context.words, where, c) if isinstance(where, Ask) else render.nothing_waiting(context.words, where)
    )
    await respond(update, context, buttons_off(update.callback_query), review_text.kept(context.words), back)


HANDLERS = [
    CommandHandler("review", review),
    CallbackQueryHandler(page, pattern=matches(cb.ReviewPage)),
    CallbackQueryHandler(change, pattern=matches(cb.Change)),
    CallbackQueryHandler(more, pattern=matches(cb.ChangeMore)),
]
