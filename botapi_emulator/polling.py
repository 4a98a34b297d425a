"""Bot methods about receiving updates and the bot itself: getMe, getUpdates, commands (webhooks: webhooks/)."""

from __future__ import annotations

import json
import math
import re

from .errors import bad_request, conflict
from .params import BotCall
from .updates import WEBHOOK_ACTIVE
from .world import World

MAX_LIMIT = 100
MAX_COMMANDS = 100
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(world: World, call: BotCall) -> dict:
    """getMe: returns the bot's User object."""
    return call.bot


async def get_updates(world: World, call: BotCall) -> list[dict]:
    """getUpdates: confirms by offset and returns pending updates, long-polling if asked; 409 while a webhook is set."""
    if world.webhook.url:
        raise conflict(WEBHOOK_ACTIVE)
    params = call.params
    limit = params.integer("limit")
    limit = MAX_LIMIT if limit is None or limit <= 0 else min(limit, MAX_LIMIT)
    timeout = params.number("timeout") or 0.0
    if math.isnan(timeout) or timeout < 0:
        timeout = 0.0
    allowed = params.structured("allowed_updates")
    if allowed is not None and (not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed)):
        raise bad_request("can't parse allowed_updates JSON array")
    return await world.updates.poll(params.integer("offset") or 0, limit, timeout, allowed)


async def set_my_commands(world: World, call: BotCall) -> bool:
    """setMyCommands: stores the command list for a scope and language."""
    commands = call.params.structured("commands")
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise bad_request("can't parse commands JSON array")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    for command in commands:
        if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    world.commands[_commands_key(call)] = [{"command": c["command"], "description": c["description"]} for c in commands]
    return True


async def get_my_commands(world: World, call: BotCall) -> list[dict]:
    """getMyCommands: returns the command list for a scope and language."""
    return world.commands.get(_commands_key(call), [])


def _commands_key(call: BotCall) -> str:
    scope = call.params.structured("scope") or {"type": "default"}
    return json.dumps([scope, call.params.string("language_code") or ""], sort_keys=True)


METHODS = {
    "getme": get_me,
    "getupdates": get_updates,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
}
