"""Follow-ups about an example, "I have no example", and ticking Other on a multiple choice."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.callbacks import matches
from bot.context import CareworkContext, Edit, answer_query, buttons_off, respond, shown_answer
from bot.screens import followup_text, render
from bot.text.catalogue import Words
from carework_core.answering.steps import Ask, Step
from carework_core.definitions.model import ExamplesQuestion


async def skip_followup(update: Update, context: CareworkContext) -> None:
    """Skips a follow-up: its message keeps its words without the button, and the next step follows."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.SkipFollowup)
    step = await context.services.answering.skip_followup(
        update.effective_user.id, data.round_id, data.number, data.nth, data.index, f"q{query.id}"
    )
    await answer_query(query)
    after = _after(step, context)
    if after is not None:  # the next follow-up, or the offer of another example: the same message moves on
        await respond(update, context, Edit(query.message.message_id, after))
    else:
        await respond(
            update,
            context,
            _skipped(query, context.words),
            render.step(context.words, step, context.services.consultation),
        )


def _skipped(query: CallbackQuery, w: Words) -> Edit:
    """Shows a skipped follow-up as skipped: its last paragraph asked for words, so it goes."""
    text = getattr(query.message, "text", None)
    if not text:  # Telegram handed over an old message without its text: only the button goes
        return buttons_off(query)
    return Edit(query.message.message_id, render.answered(w, text.rsplit("\n\n", 1)[0], w("Skipped")))


async def no_example(update: Update, context: CareworkContext) -> None:
    """Finishes a required examples question the person has no example for, and asks the next one."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.NoExample)
    step = await context.services.answering.no_example(update.effective_user.id, data.round_id, data.number)
    await answer_query(query)
    w = context.words
    passed = shown_answer(update, w("I have no example"), w) or [buttons_off(query)]
    await respond(update, context, *passed, render.step(w, step, context.services.consultation))


async def other_tick(update: Update, context: CareworkContext) -> None:
    """Ticks Other: the tick list waits while the person types what it is."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, cb.OtherTick)
    step = await context.services.answering.choose_other(
        update.effective_user.id, data.round_id, data.number, data.mask, f"q{query.id}"
    )
    await answer_query(query)
    await respond(update, context, buttons_off(query), render.step(context.words, step, context.services.consultation))


def _after(step: Step, context: CareworkContext) -> render.Reply | None:
    """Returns the next follow-up or the offer of another example; None when the next question comes."""
    if followup_text.waits(step):
        return followup_text.asked(context.words, step)
    if isinstance(step, Ask) and isinstance(step.question, ExamplesQuestion) and step.examples_given:
        return followup_text.after_example(context.words, step)
    return None


HANDLERS = [
    CallbackQueryHandler(skip_followup, pattern=matches(cb.SkipFollowup)),
    CallbackQueryHandler(no_example, pattern=matches(cb.NoExample)),
    CallbackQueryHandler(other_tick, pattern=matches(cb.OtherTick)),
]
