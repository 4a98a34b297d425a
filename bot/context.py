"""The typed context every handler receives: services are reached through it, never globals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot.screens import render
from bot.screens.render import Reply
from bot.text.catalogue import ENGLISH, Words
from bot.text.reply import Document
from carework_core.bootstrap import Services
from carework_core.messaging.outbox import MessageKind, OutgoingMessage
from carework_core.people.roles import Roster

log = logging.getLogger(__name__)


class BotData:
    """What the application holds for its handlers; filled in once by build_application."""

    services: Services
    team: Roster = Roster()  # Telegram ids from CAREWORK_COORDINATORS and CAREWORK_RESEARCHERS
    survey: Path | None = None  # the definition file, named and hashed in exports
    wake_sender: Callable[[], None] = staticmethod(lambda: None)
    # Makes a Bot API call now, outside the outbox, at the sender's pace (bot.transport.sender.Sender.direct).
    direct: Callable[[int, Callable[[], Awaitable[Any]]], Awaitable[Any]] = staticmethod(lambda chat_id, call: call())
    # Waits until every send under way is recorded (bot.transport.sender.Sender.finish_sends).
    sends_recorded: Callable[[], Awaitable[Any]] = staticmethod(lambda: asyncio.sleep(0))


class CareworkContext(CallbackContext[ExtBot, dict, dict, BotData]):
    # The person's catalogue for this update; the guard in front of the handlers sets it.
    words: Words = ENGLISH

    @property
    def services(self) -> Services:
        return self.bot_data.services


CareworkApp = Application[ExtBot, CareworkContext, dict, dict, BotData, object]


NO_BUTTONS = {"inline_keyboard": []}


class Edit:
    """Replaces the text and buttons of a message the bot sent earlier."""

    def __init__(self, message_id: int, reply: Reply, markup_only: bool = False):
        self.message_id, self.reply, self.markup_only = message_id, reply, markup_only


def buttons_off(query: CallbackQuery) -> Edit:
    """Takes the buttons off a tapped message, keeping its words, so it cannot be tapped again."""
    return Edit(query.message.message_id, render.Reply(""), markup_only=True)


def shown_answer(update: Update, label: str, w: Words = ENGLISH) -> list[Edit]:
    """Returns the edit that shows a tapped answer on its question, if the bot can still see it.

    Telegram hands over an old message without its text (InaccessibleMessage); then the edit is
    skipped and only the next question is sent.
    """
    message = update.callback_query.message
    text = getattr(message, "text", None)
    return [Edit(message.message_id, render.answered(w, text, label))] if text else []


async def respond(update: Update, context: CareworkContext, *out: Reply | Edit | Document, tag: str = "") -> None:
    """Queues replies and edits for this update's chat; a replayed update queues nothing new."""
    chat_id = update.effective_chat.id
    messages = []
    for index, item in enumerate(out):
        key = f"u{update.update_id}{tag}:{index}"
        if isinstance(item, Edit):
            params = item.reply.params()
            kind = MessageKind.EDIT
            if item.markup_only:
                kind, params = MessageKind.EDIT_BUTTONS, {"reply_markup": params.get("reply_markup", NO_BUTTONS)}
            where = {"chat_id": chat_id, "message_id": item.message_id}
            messages.append(OutgoingMessage(chat_id, {**where, **params}, key, kind=kind))
        elif isinstance(item, Document):
            messages.append(
                OutgoingMessage(chat_id, {"chat_id": chat_id, **item.params()}, key, kind=MessageKind.DOCUMENT)
            )
        else:
            messages.append(OutgoingMessage(chat_id, {"chat_id": chat_id, **item.params()}, key))
    await context.services.outbox.enqueue(messages)
    context.bot_data.wake_sender()


# Answers to taps on their way to Telegram, held here so none is collected half-way (asyncio keeps
# only weak references to tasks).
_answering: set[asyncio.Task] = set()


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Stops the button's spinner: the answer goes out first, and the handler queues its replies
    without waiting a round trip for Telegram to confirm it."""
    task = asyncio.create_task(_answer(query, text))
    _answering.add(task)
    task.add_done_callback(_answering.discard)


async def _answer(query: CallbackQuery, text: str | None) -> None:
    try:
        await query.answer(text)
    except TelegramError as exc:  # a replayed or expired query is not worth failing over
        log.info("callback answer refused", extra={"reason": type(exc).__name__})
    except Exception as exc:  # nobody awaits this task: say what went wrong here
        log.warning("callback answer failed", extra={"reason": type(exc).__name__})
