"""Answering a round: Start, typed examples and answers, tapped ratings and choices."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot import callbacks as cb
from bot import render
from bot.context import CareworkContext, Edit, respond, shown_answer
from bot.handlers.guards import answer_query, matches
from carework_core.answering import Ask, ButtonsExpected, NothingToAnswer, TextSaved
from carework_core.definitions import ChoiceQuestion

log = logging.getLogger(__name__)


async def begin(update: Update, context: CareworkContext) -> None:
    """Starts a round from its invitation and asks the first unanswered question."""
    data = cb.unpack(update.callback_query.data)
    assert isinstance(data, cb.Begin)
    step = await context.services.answering.begin(update.effective_user.id, data.round_id)
    await answer_query(update.callback_query)
    await respond(update, context, render.step(step, context.services.env.consultation))


async def typed(update: Update, context: CareworkContext) -> None:
    """Stores typed text as the answer to the current question and says what comes next."""
    message = update.message
    result = await context.services.answering.receive_text(
        update.effective_user.id, message.text, f"m{message.message_id}"
    )
    consultation = context.services.env.consultation
    if isinstance(result, NothingToAnswer):
        await respond(update, context, render.nothing_waiting(result.where))
    elif isinstance(result, ButtonsExpected):
        await respond(update, context, render.plain("buttons_expected"))
    elif isinstance(result, TextSaved):
        step = result.step
        if result.was_example and isinstance(step, Ask) and step.question.type == "examples" and step.examples_given:
            await respond(update, context, render.example_saved(step))  # still on the same question
        else:
            await respond(update, context, render.step(result.step, consultation))


async def pick(update: Update, context: CareworkContext) -> None:
    """Stores a tapped answer, shows it on the question and asks the next question."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, (cb.Pick, cb.Rate, cb.Submit))
    answering = context.services.answering
    current = await answering.current(update.effective_user.id, data.round_id)
    tapped = _tapped_value(data)
    card = (data.item, data.criterion) if isinstance(data, cb.Rate) else None
    step = await answering.choose(
        update.effective_user.id, data.round_id, data.number, _core_value(current, data, tapped), f"q{query.id}", card
    )
    await answer_query(query)
    consultation = context.services.env.consultation
    if _same_card(current, step):
        # Rating items one after another: the same message moves on, so the chat stays short.
        await respond(update, context, Edit(query.message.message_id, render.step(step, consultation)))
        return
    label = render.chosen_label(current, tapped) if isinstance(current, Ask) else ""
    await respond(update, context, *shown_answer(update, label), render.step(step, consultation))


async def toggle(update: Update, context: CareworkContext) -> None:
    """Ticks or unticks an option of a multiple-choice question; nothing is stored yet."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.Toggle)
    current = await context.services.answering.current(update.effective_user.id, data.round_id)
    await answer_query(query)
    if isinstance(current, Ask) and current.number == data.number and isinstance(current.question, ChoiceQuestion):
        reply = render.choice(current, "", "", data.mask)
        await respond(update, context, Edit(query.message.message_id, reply, markup_only=True))


async def next_question(update: Update, context: CareworkContext) -> None:
    """Moves on from an examples question."""
    await _finish(update, context, skip=False)


async def skip(update: Update, context: CareworkContext) -> None:
    """Skips an optional question."""
    await _finish(update, context, skip=True)


async def add_example(update: Update, context: CareworkContext) -> None:
    """Invites another example for the current question."""
    data = cb.unpack(update.callback_query.data)
    current = await context.services.answering.current(update.effective_user.id, data.round_id)
    await answer_query(update.callback_query)
    if isinstance(current, Ask) and current.number == data.number:
        # The tapped "Saved" message itself asks for the next example: no new message needed.
        await respond(update, context, Edit(update.callback_query.message.message_id, render.type_next()))
    else:
        await respond(update, context, render.step(current, context.services.env.consultation))


async def _finish(update: Update, context: CareworkContext, skip: bool) -> None:
    data = cb.unpack(update.callback_query.data)
    step = await context.services.answering.finish_question(update.effective_user.id, data.round_id, data.number, skip)
    await answer_query(update.callback_query)
    await respond(update, context, render.step(step, context.services.env.consultation))


def _same_card(before, after) -> bool:
    return (
        isinstance(before, Ask)
        and isinstance(after, Ask)
        and before.item is not None
        and after.question.id == before.question.id
        and after.round.id == before.round.id
    )


def _tapped_value(data: cb.Pick | cb.Rate | cb.Submit) -> str:
    """Returns a button's value: a scale point, "not_sure", or option positions such as "0,2"."""
    if isinstance(data, cb.Submit):
        return ",".join(str(i) for i in range(data.mask.bit_length()) if data.mask >> i & 1)
    return data.value


def _core_value(current, data: cb.Callback, tapped: str) -> str:
    """Turns option positions from a button into the option ids the core stores."""
    if isinstance(current, Ask) and isinstance(current.question, ChoiceQuestion) and current.number == data.number:
        options = current.question.options
        try:
            return ",".join(options[int(i)].id for i in tapped.split(","))
        except (ValueError, IndexError):
            return ""
    return tapped


HANDLERS = [
    CallbackQueryHandler(begin, pattern=matches(cb.Begin)),
    CallbackQueryHandler(pick, pattern=matches(cb.Pick)),
    CallbackQueryHandler(pick, pattern=matches(cb.Rate)),
    CallbackQueryHandler(pick, pattern=matches(cb.Submit)),
    CallbackQueryHandler(toggle, pattern=matches(cb.Toggle)),
    CallbackQueryHandler(next_question, pattern=matches(cb.NextQuestion)),
    CallbackQueryHandler(add_example, pattern=matches(cb.AddExample)),
    CallbackQueryHandler(skip, pattern=matches(cb.Skip)),
    MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, typed),
]
