"""/mydata shows a person everything held about them; /withdraw lets them leave (their answers deleted, or
kept unlinked from them, as the definition's on_withdraw says)."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond
from bot.screens import render
from bot.screens import their_data_text as text

log = logging.getLogger(__name__)


async def my_data(update: Update, context: CareworkContext) -> None:
    """Sends the person everything held about them: one message, or a .txt document when long."""
    account = text.held_text(context.words, await context.services.their_data.held(update.effective_user.id))
    chat_id = update.effective_chat.id
    # Sent straight to Telegram, not through the outbox, so no second copy of their words is stored.
    message = text.held_message(account)
    if message is not None:
        await context.bot_data.direct(chat_id, lambda: context.bot.send_message(chat_id, **message.params()))
    else:
        caption = context.words(text.DOCUMENT_NOTE)
        await context.bot_data.direct(
            chat_id,
            lambda: context.bot.send_document(chat_id, account.encode(), filename="my-data.txt", caption=caption),
        )
    log.info("own data sent", extra={"update_id": update.update_id})


async def withdraw(update: Update, context: CareworkContext) -> None:
    """Explains what withdrawing does and asks the person to confirm."""
    if await context.services.onboarding.participant(update.effective_user.id) is None:
        await respond(update, context, render.plain(context.words, "not_registered"))
        return
    await respond(update, context, text.withdraw_question(context.words, context.services.their_data.keeps_answers))


async def confirm(update: Update, context: CareworkContext) -> None:
    """Withdraws the person on "Yes" and confirms; "No" leaves everything as it was."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Withdraw)
    if not data.go:
        await answer_query(query)
        await respond(
            update, context, Edit(query.message.message_id, render.Reply(escape(context.words(text.STAYING))))
        )
        return
    await answer_query(query)
    result = await context.services.their_data.withdraw(update.effective_user.id)
    done = escape(
        text.withdrawn(context.words, result.anonymised) if result else context.words(render.TEXT["not_registered"])
    )
    # Straight to Telegram: an outbox row would put their chat id back into the database.
    chat_id = update.effective_chat.id
    try:
        await context.bot_data.direct(
            chat_id, lambda: context.bot.edit_message_text(done, chat_id, query.message.message_id)
        )
    except RetryAfter:
        raise
    except TelegramError:  # the question is too old to edit (or gone): say it in a new message instead
        await context.bot_data.direct(chat_id, lambda: context.bot.send_message(chat_id, done))
    log.info("participant withdrew", extra={"update_id": update.update_id})


HANDLERS = [
    CommandHandler("mydata", my_data),
    CommandHandler("withdraw", withdraw),
    CallbackQueryHandler(confirm, pattern=matches(cb.Withdraw)),
]
