"""/consent shows and changes a participant's choices; a reworded statement is asked again before a round."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, respond, shown_answer
from bot.screens import consent_text, render


async def show(update: Update, context: CareworkContext) -> None:
    """Lists the person's consent choices with buttons to change the optional ones."""
    shown = await context.services.consents.choices(update.effective_user.id)
    await respond(update, context, consent_text.choices(context.words, shown))


async def change(update: Update, context: CareworkContext) -> None:
    """Changes one optional choice and shows the list again in the same message."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.ConsentChoice)
    shown = await context.services.consents.change(update.effective_user.id, data.number, data.agree)
    await answer_query(query, context.words("Saved"))
    await respond(update, context, Edit(query.message.message_id, consent_text.choices(context.words, shown)))


async def ask_again(update: Update, context: CareworkContext, round_id: str) -> bool:
    """Asks about the first reworded statement before a round goes on; returns whether it asked."""
    changed = await context.services.consents.changed_wording(update.effective_user.id)
    if not changed:
        return False
    c = context.services.consultation
    # The sheet goes first: the words to agree to again may point at it.
    await respond(
        update,
        context,
        *consent_text.sheet_message(context.words, c),
        consent_text.ask_again(context.words, c, round_id, changed[0]),
    )
    return True


async def renew(update: Update, context: CareworkContext) -> None:
    """Records the renewed answer, then asks the next reworded statement or goes on with the round."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Reconsent)
    user_id = update.effective_user.id
    result = await context.services.consents.renew(user_id, data.number, data.agree)
    await answer_query(query)
    consultation = context.services.consultation
    chosen = shown_answer(update, context.words("Yes") if data.agree else context.words("No"), context.words)
    if result.declined:
        keeps = context.services.their_data.keeps_answers
        await respond(update, context, *chosen, consent_text.declined_later(context.words, keeps))
    elif result.left:
        await respond(
            update, context, *chosen, consent_text.ask_again(context.words, consultation, data.round_id, result.left[0])
        )
    else:
        step = await context.services.answering.begin(user_id, data.round_id)
        await respond(update, context, *chosen, render.step(context.words, step, consultation))


async def sheet_again(update: Update, context: CareworkContext) -> None:
    """Sends the participant information sheet again, from the button under /help."""
    await answer_query(update.callback_query)
    await respond(
        update, context, *consent_text.sheet_message(context.words, context.services.consultation, again=True)
    )


HANDLERS = [
    CommandHandler("consent", show, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(sheet_again, pattern=matches(cb.SheetAgain)),
    CallbackQueryHandler(change, pattern=matches(cb.ConsentChoice)),
    CallbackQueryHandler(renew, pattern=matches(cb.Reconsent)),
]
