"""The bot's one translator from errors to what a person reads."""

from __future__ import annotations

import logging

from telegram import Update

from bot.callbacks import InvalidCallback
from bot.context import CareworkContext, answer_query, respond
from bot.handlers.guards import words_of
from bot.screens import consent_text, deadend_text, render
from bot.text.catalogue import ENGLISH, Words
from carework_core import errors

log = logging.getLogger(__name__)

KIND_WORDS: list[tuple[type[Exception], str]] = [
    (errors.InviteUnknown, "invite_unknown"),
    (errors.InviteUsedUp, "invite_used_up"),
    (errors.ConsentPending, "buttons_expected"),
    (errors.NotRegistered, "not_registered"),
    (errors.RoundNotYetOpen, "stale"),  # before RoundNotOpen: a round that never opened has not "closed"
    (errors.RoundNotOpen, "round_closed"),
    (errors.NotYourRound, "not_yours"),  # before StaleAction: nothing of theirs was answered
    (errors.StaleAction, "stale"),
    (InvalidCallback, "stale"),
]


def words_for(error: BaseException) -> str:
    """Returns the key of the message a person sees for this error."""
    if isinstance(error, errors.AnswerRejected):
        return "example_first" if "example" in str(error) else "needs_answer"
    return next((key for kind, key in KIND_WORDS if isinstance(error, kind)), "oops")


async def _words(update: Update, context: CareworkContext) -> Words:
    """The person's language; English when even that cannot be found (the database may be what failed)."""
    if update.effective_user is None:
        return ENGLISH
    try:
        return await words_of(update, context)
    except Exception:  # a reply in English beats none
        log.warning("language not found for an error reply", extra={"update_id": update.update_id})
        return ENGLISH


async def on_error(update: object, context: CareworkContext) -> None:
    """Tells the person what to do next; unexpected errors are logged without message text."""
    error = context.error
    key = words_for(error) if error else "oops"
    if key == "oops":
        log.error("handler failed", exc_info=error, extra={"update_id": getattr(update, "update_id", None)})
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    context.words = await _words(update, context)
    if isinstance(error, errors.ConsentReworded):  # what they sent is not kept: they agree first, then send it again
        if update.callback_query is not None:
            await answer_query(update.callback_query)
        c = context.services.consultation
        await respond(update, context, consent_text.ask_again(context.words, c, error.round_id, error.number), tag="e")
        return
    if update.callback_query is not None and isinstance(error, (InvalidCallback, errors.ButtonOutOfDate)):
        await answer_query(update.callback_query, deadend_text.unknown_button(context.words))
        return  # a forged or garbled button: the toast says what to do, the chat stays as it is
    if update.callback_query is not None:
        await answer_query(update.callback_query, context.words(render.TEXT[key]))
        if key in ("stale", "not_yours", "example_first", "needs_answer"):
            return  # the toast is enough; the chat already shows the right question
    await respond(update, context, render.plain(context.words, key), tag="e")
