"""A steady stream of messages from a crowd, made inside the emulator, for bench/webhook.py.

Made here rather than by control-API requests, so the benchmark measures the bot's answers to
Telegram's POSTs, not the emulator's work taking hundreds of requests a second from the crowd.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from ..world import World

MAX_UPDATES = 1_000_000


class Load:
    """Has `people` new people send `rate` text messages a second, round the crowd, for `seconds`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sent = 0
        self._task: asyncio.Task | None = None

    async def start(self, request: web.Request) -> web.Response:
        """POST /emulator/webhook/load {"people": N, "rate": R, "seconds": S}: starts the stream."""
        try:
            body = json.loads(await request.read())
            people, rate, seconds = int(body["people"]), float(body["rate"]), float(body["seconds"])
        except (ValueError, KeyError, TypeError):
            raise web.HTTPBadRequest(text='{"error": "give people, rate and seconds"}') from None
        total = int(rate * seconds)
        if people < 1 or rate <= 0 or not 0 < total <= MAX_UPDATES or self._task is not None:
            raise web.HTTPBadRequest(text='{"error": "a load runs once, with people >= 1 and a positive rate"}')
        chats = [self.world.add_person(f"Load {n}") for n in range(people)]
        for chat in chats:
            chat.person.started = True
        self._task = asyncio.create_task(self._send(chats, rate, total))
        return web.json_response({"updates": total})

    async def _send(self, chats: list, rate: float, total: int) -> None:
        started = time.perf_counter()
        for k in range(total):
            delay = started + k / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            chat = chats[k % len(chats)]
            message = chat.post(chat.person.as_user(), {"text": f"load message {k}"})
            self.world.updates.push("message", message.as_api())
            self.sent += 1
