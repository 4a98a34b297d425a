"""An item card's "More about this idea" and Back: the card's message changes in place, nothing is stored."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond
from bot.text import item_text, render


async def more(update: Update, context: CareworkContext) -> None:
    """Shows the whole description and evidence notes of the idea on the card."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.MoreAbout)
    ask = await context.services.answering.card(
        update.effective_user.id, data.round_id, data.number, (data.item, data.criterion)
    )
    await answer_query(query)
    await respond(update, context, Edit(query.message.message_id, item_text.more_about(context.words, ask)))


async def back(update: Update, context: CareworkContext) -> None:
    """Shows the card again, with the same buttons."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.BackToCard)
    ask = await context.services.answering.card(
        update.effective_user.id, data.round_id, data.number, (data.item, data.criterion)
    )
    await answer_query(query)
    reply = render.step(context.words, ask, context.services.consultation)
    await respond(update, context, Edit(query.message.message_id, reply))


HANDLERS = [
    CallbackQueryHandler(more, pattern=matches(cb.MoreAbout)),
    CallbackQueryHandler(back, pattern=matches(cb.BackToCard)),
]
