"""Changing the team inside Telegram: who is a coordinator, and the invite links still open.

CAREWORK_COORDINATORS decides for the ids it names: they cannot be removed here. Coordinators are
shown by number (coordinator N, as the audit log names them), never by Telegram id.
"""

from __future__ import annotations

import re
from html import escape

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import CareworkContext, respond
from bot.screens import team_text
from bot.screens.render import Reply
from bot.team.access import team_only
from carework_core.people.coordinators import Coordinator

NUMBER = re.compile(r"(?:coordinator:)?([0-9]{1,9})", re.ASCII)  # ASCII: "²" is a digit to str.isdigit


def _lines(lines: list[str]) -> Reply:
    return Reply(escape("\n".join(lines)))


@team_only
async def coordinators(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Lists the team: each coordinator's number, how they joined and since when."""
    zone = context.services.consultation.zone
    members = await context.services.coordinators.team()
    lines = team_text.team_lines(members, zone, context.bot_data.team, telegram_ids=False)
    await respond(update, context, _lines([*lines, "/uncoordinate N takes coordinator N off the team."]))


@team_only
async def uncoordinate(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Takes a coordinator off the team, unless CAREWORK_COORDINATORS names them."""
    args = context.args or []
    found = NUMBER.fullmatch(args[0]) if len(args) == 1 else None
    if found is None:
        return await respond(update, context, Reply("Write it as /uncoordinate N, with N as /coordinators shows it."))
    removed = await context.services.coordinators.remove(int(found[1]), me.actor, context.bot_data.team)
    said = team_text.removed(removed)
    await respond(update, context, Reply(escape(f"{said[0].upper()}{said[1:]}.")))


@team_only
async def revoke(update: Update, context: CareworkContext, me: Coordinator) -> None:
    """Lists the invite links still open, or revokes some by reference, or all (of a group)."""
    args = context.args or []
    links = context.services.invite_links
    if not args:
        zone = context.services.consultation.zone
        usage = "/revoke REF... revokes those links; /revoke all [GROUP or coordinator] revokes every unused one."
        return await respond(update, context, _lines([*team_text.link_lines(await links.unused(), zone), usage]))
    if args[0] == "all" and len(args) <= 2:
        done = await links.revoke_unused(me.actor, args[1] if len(args) == 2 else None)
    else:
        done = await links.revoke(args, me.actor)
    await respond(update, context, Reply(escape(team_text.revoked(done))))


HANDLERS = [
    CommandHandler("coordinators", coordinators),
    CommandHandler("uncoordinate", uncoordinate),
    CommandHandler("revoke", revoke),
]
