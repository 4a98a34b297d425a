"""An item card's "More about this idea" and Back: the card's message changes in place, nothing is stored."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond
from bot.screens import item_text, render


async def card_view(update: Update, context: CareworkContext) -> None:
    """ "More about this idea" shows the whole description and evidence notes; Back shows the card again,
    with the same buttons."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, (cb.MoreAbout, cb.BackToCard))
    ask = await context.services.answering.card(
        update.effective_user.id, data.round_id, data.number, (data.item, data.criterion)
    )
    await answer_query(query)
    w = context.words
    more = isinstance(data, cb.MoreAbout)
    reply = item_text.more_about(w, ask) if more else render.step(w, ask, context.services.consultation)
    await respond(update, context, Edit(query.message.message_id, reply))


HANDLERS = [
    CallbackQueryHandler(card_view, pattern=matches(cb.MoreAbout)),
    CallbackQueryHandler(card_view, pattern=matches(cb.BackToCard)),
]
