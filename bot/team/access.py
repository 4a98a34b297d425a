"""Who may use the team's commands: the one check in front of them, and what they share.

`team_only` refuses anyone not on the team (logged by participant code or "unregistered", never by
Telegram id) and translates a coordinator's mistake into the core's precise message. `researcher_only`
goes further: the data itself (the workbook, the report) is for the team's researchers.
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
from bot.text.catalogue import N_
from carework_core.errors import CareworkError
from carework_core.people.coordinators import Coordinator

log = logging.getLogger(__name__)
REFUSED = "This command is for the consultation team."
# Says who can, without naming anyone: a coordinator asks a researcher they know, or whoever runs the bot.
RESEARCHERS_ONLY = N_(
    "Only researchers on the team can download the data. Ask a researcher on your team to do it. "
    "Or ask whoever runs the bot to make you a researcher (carework invite --researcher)."
)

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


def researcher_only(handler: TeamHandler) -> Callable[[Update, CareworkContext], Awaitable[None]]:
    """Runs a team handler for researchers only; a coordinator is told, kindly, who can."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: CareworkContext, me: Coordinator) -> None:
        if not me.researcher:
            log.info("researcher command refused", extra={"coordinator": me.id})
            if update.callback_query:
                await answer_query(update.callback_query)  # too long for a toast: it comes as a message
            return await respond(update, context, Reply(escape(context.words(RESEARCHERS_ONLY))))
        await handler(update, context, me)

    return team_only(guarded)


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
