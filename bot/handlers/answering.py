"""Answering a round: Start, typed examples and answers, tapped ratings and choices."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, buttons_off, respond, shown_answer
from bot.handlers import consents
from bot.screens import followup_text, render, review_text, voice_text
from bot.screens.render import Reply
from carework_core.answering.review import Changed
from carework_core.answering.service import ButtonsExpected, Continued, NothingToAnswer, ReasonSaved, TextSaved
from carework_core.answering.vocabulary import DONT_KNOW
from carework_core.answering.voice import VoiceNote

log = logging.getLogger(__name__)


async def begin(update: Update, context: CareworkContext) -> None:
    """Starts a round from its invitation and asks the first unanswered question."""
    data = cb.unpack(update.callback_query.data)
    assert isinstance(data, cb.Begin)
    if await consents.ask_again(update, context, data.round_id):
        await answer_query(update.callback_query)
        return
    step = await context.services.answering.begin(update.effective_user.id, data.round_id)
    await answer_query(update.callback_query)
    await respond(update, context, render.step(context.words, step, context.services.consultation))


async def typed(update: Update, context: CareworkContext) -> None:
    """Stores typed text as the answer to the current question and says what comes next."""
    message = update.message
    result = await context.services.answering.receive_text(
        update.effective_user.id, message.text, f"m{message.message_id}"
    )
    if isinstance(result, NothingToAnswer):
        await respond(update, context, render.nothing_waiting(context.words, result.where))
    elif isinstance(result, ButtonsExpected):
        await respond(update, context, render.plain(context.words, "buttons_expected"))
    elif isinstance(result, Continued):  # what was asked after the first piece still waits, just above
        await respond(update, context, render.plain(context.words, "continued"))
    else:
        await went_on(update, context, result)


async def spoken(update: Update, context: CareworkContext) -> None:
    """Stores a voice note wherever typed text would go, tells the person it was saved, and goes on."""
    message, w = update.message, context.words
    duration = message.voice.duration
    seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
    voice = VoiceNote(message.voice.file_id, message.voice.file_unique_id, seconds)
    result = await context.services.answering.receive_text(
        update.effective_user.id, "", f"m{message.message_id}", voice
    )
    if isinstance(result, NothingToAnswer):
        await respond(update, context, voice_text.not_kept(w), render.nothing_waiting(context.words, result.where))
    elif isinstance(result, ButtonsExpected):
        await respond(update, context, voice_text.buttons_expected(w))
    else:
        await went_on(update, context, result, heard=voice_text.saved(w))


async def went_on(
    update: Update, context: CareworkContext, result: TextSaved | ReasonSaved | Changed, heard: Reply | None = None
) -> None:
    """Replies to stored words with what comes next; `heard` confirms a voice note first."""
    w, c = context.words, context.services.consultation
    said = (heard,) if heard else ()
    if isinstance(result, Changed):  # the words replaced an answer the person asked to change
        await respond(update, context, *review_text.changed(w, result.step, c))
    elif isinstance(result, ReasonSaved):
        await respond(
            update, context, heard or render.reason_saved(context.words), render.step(context.words, result.step, c)
        )
    elif followup_text.waits(result.step):  # a follow-up about the example, or Other's words
        await respond(update, context, *said, followup_text.asked(w, result.step, saved=heard is None))
    elif result.more_examples:  # still on the same question: another example, or the next question
        offer = followup_text.after_example(w, result.step)
        await respond(update, context, replace(offer, text=heard.text) if heard else offer)
    else:
        await respond(update, context, *said, render.step(context.words, result.step, c))


async def pick(update: Update, context: CareworkContext) -> None:
    """Stores a tapped answer, shows it on the question and asks the next question."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, (cb.Pick, cb.Rate, cb.DontKnow, cb.Submit))
    card = (data.item, data.criterion) if isinstance(data, (cb.Rate, cb.DontKnow)) else None
    result = await context.services.answering.tap(
        update.effective_user.id, data.round_id, data.number, _tapped_value(data), f"q{query.id}", card
    )
    await answer_query(query)
    if result.reason_offered:  # the next card waits until they have said why, or skipped
        await respond(
            update,
            context,
            *shown_answer(update, render.chosen_label(context.words, result.stored), context.words),
            render.reason_offer(context.words, data.round_id),
        )
        return
    reply = render.step(context.words, result.step, context.services.consultation)
    if result.same_card:
        # Rating items one after another: the same message moves on, so the chat stays short.
        await respond(update, context, Edit(query.message.message_id, reply))
        return
    await respond(
        update, context, *shown_answer(update, render.chosen_label(context.words, result.stored), context.words), reply
    )


async def toggle(update: Update, context: CareworkContext) -> None:
    """Ticks or unticks an option of a multiple-choice question; nothing is stored yet."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Toggle)
    ask = await context.services.answering.toggle(update.effective_user.id, data.round_id, data.number)
    await answer_query(query)
    if ask is not None:
        reply = render.choice(context.words, ask, "", "", data.mask)
        await respond(update, context, Edit(query.message.message_id, reply, markup_only=True))


async def next_question(update: Update, context: CareworkContext) -> None:
    """Moves on from an examples question."""
    await _finish(update, context, skip=False)


async def skip(update: Update, context: CareworkContext) -> None:
    """Skips an optional question: the question shows it was skipped, and the next one comes."""
    query, w = update.callback_query, context.words
    data = cb.unpack(query.data)
    step = await context.services.answering.finish_question(update.effective_user.id, data.round_id, data.number, True)
    await answer_query(query)
    passed = shown_answer(update, w("Skipped"), w) or [buttons_off(query)]
    await respond(update, context, *passed, render.step(w, step, context.services.consultation))


async def add_example(update: Update, context: CareworkContext) -> None:
    """Invites another example for the current question."""
    data = cb.unpack(update.callback_query.data)
    invited = await context.services.answering.add_example(update.effective_user.id, data.round_id, data.number)
    await answer_query(update.callback_query)
    if invited.waiting:
        # The tapped "Saved" message itself asks for the next example: no new message needed.
        await respond(update, context, Edit(update.callback_query.message.message_id, render.type_next(context.words)))
    else:
        await respond(update, context, render.step(context.words, invited.step, context.services.consultation))


async def skip_reason(update: Update, context: CareworkContext) -> None:
    """Goes on without a reason: the offer's Skip."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.NoReason)
    step = await context.services.answering.skip_reason(update.effective_user.id, data.round_id)
    await answer_query(query)
    if step is not None:
        # The offer's message keeps its words without the button, and the round goes on.
        await respond(
            update, context, buttons_off(query), render.step(context.words, step, context.services.consultation)
        )


async def _finish(update: Update, context: CareworkContext, skip: bool) -> None:
    data = cb.unpack(update.callback_query.data)
    step = await context.services.answering.finish_question(update.effective_user.id, data.round_id, data.number, skip)
    await answer_query(update.callback_query)
    await respond(update, context, render.step(context.words, step, context.services.consultation))


def _tapped_value(data: cb.Pick | cb.Rate | cb.DontKnow | cb.Submit) -> str:
    """Returns a button's value: a scale point, "not_sure", "dont_know", an option id, or Done's ticked places."""
    if isinstance(data, cb.DontKnow):
        return DONT_KNOW
    if isinstance(data, cb.Submit):
        return ",".join(str(i) for i in range(data.mask.bit_length()) if data.mask >> i & 1)
    return data.value


HANDLERS = [
    CallbackQueryHandler(begin, pattern=matches(cb.Begin)),
    CallbackQueryHandler(pick, pattern=matches(cb.Pick)),
    CallbackQueryHandler(pick, pattern=matches(cb.Rate)),
    CallbackQueryHandler(pick, pattern=matches(cb.DontKnow)),
    CallbackQueryHandler(pick, pattern=matches(cb.Submit)),
    CallbackQueryHandler(toggle, pattern=matches(cb.Toggle)),
    CallbackQueryHandler(next_question, pattern=matches(cb.NextQuestion)),
    CallbackQueryHandler(add_example, pattern=matches(cb.AddExample)),
    CallbackQueryHandler(skip, pattern=matches(cb.Skip)),
    CallbackQueryHandler(skip_reason, pattern=matches(cb.NoReason)),
    MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, typed),
    MessageHandler(filters.UpdateType.MESSAGE & filters.VOICE, spoken),
]
