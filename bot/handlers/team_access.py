"""Who may use the team's commands: the one check in front of them, and what they share.

`team_only` refuses anyone not on the team (logged by participant code or "unregistered", never by
Telegram id) and translates a coordinator's mistake into the core's precise message.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import TypeVar

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import callbacks as cb
from bot.context import CareworkContext, Edit, answer_query, buttons_off, respond
from bot.screens import render
from bot.screens.render import Reply
from carework_core.errors import CareworkError
from carework_core.people.coordinators import Coordinator

log = logging.getLogger(__name__)
REFUSED = "This command is for the consultation team."

TeamHandler = Callable[[Update, CareworkContext, Coordinator], Awaitable[None]]


def team_only(handler: TeamHandler) -> Callable[[Update, CareworkContext], Awaitable[None]]:
    """Runs a handler for coordinators only; everyone else is refused. Either way the update stops here."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: CareworkContext) -> None:
        me = await member(update, context)
        if me is None:
            code = await context.services.onboarding.code_of(update.effective_user.id)
            log.info("team command refused", extra={"participant": code or "unregistered"})
            if update.callback_query:
                await answer_query(update.callback_query, REFUSED)
            else:
                await respond(update, context, Reply(REFUSED))
            raise ApplicationHandlerStop
        try:
            await handler(update, context, me)
        except CareworkError as exc:  # the team's translator: they read exactly what is wrong
            if update.callback_query:
                await answer_query(update.callback_query)
            await respond(update, context, Reply(escape(str(exc))), tag="e")
        except Exception:  # logged and answered here: the participants' fallback must not answer too
            log.exception("team command failed", extra={"update_id": update.update_id})
            await respond(update, context, Reply(escape(render.TEXT["oops"])), tag="e")
        raise ApplicationHandlerStop

    return guarded


async def member(update: Update, context: CareworkContext) -> Coordinator | None:
    user, chat = update.effective_user, update.effective_chat
    return await context.services.coordinators.member(user.id, chat.id, context.bot_data.team)


def lines(lines: list[str]) -> Reply:
    return Reply(escape("\n".join(lines)))


async def usage(update: Update, context: CareworkContext, usage: str) -> None:
    await respond(update, context, Reply(escape(f"Write it as {usage}")))


Tapped = TypeVar("Tapped", bound=cb.Callback)


async def tapped(update: Update, kind: type[Tapped]) -> tuple[Tapped, Edit]:
    """Answers a tap on a team button; returns its data and the edit that takes the buttons away
    (one tap is enough)."""
    query = update.callback_query
    data = cb.unpack(query.data)
    assert isinstance(data, kind)
    await answer_query(query)
    return data, buttons_off(query)
