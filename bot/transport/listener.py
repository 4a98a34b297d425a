"""The bot's HTTP listener (CAREWORK_LISTEN): /healthz, the webhook's path, and any other routes given.

It runs in both modes, so a supervisor or a container platform can ask whether the bot is healthy;
in webhook mode the same listener takes Telegram's updates. Other routes (such as /metrics) are
handed in as aiohttp route definitions: `Listener(address, health, routes=[web.get("/metrics", h)])`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from bot.settings import listen_address
from carework_core.errors import SettingsError

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # a Telegram update is a few kilobytes; anything larger is refused with 413


class Listener:
    """Serves /healthz and the given routes on CAREWORK_LISTEN until stopped."""

    def __init__(
        self,
        address: str,
        problems: Callable[[], Awaitable[list[str]]],
        routes: Sequence[web.RouteDef] = (),
    ) -> None:
        self.address = address
        self._problems = problems
        self._routes = list(routes)
        self._runner: web.AppRunner | None = None
        self.url: str | None = None

    def add_routes(self, routes: Sequence[web.RouteDef]) -> None:
        """Adds routes (before start), such as /metrics."""
        self._routes += routes

    async def start(self) -> None:
        """Starts listening; an address that cannot be had is a SettingsError naming CAREWORK_LISTEN."""
        host, port = listen_address(self.address)
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_routes(self._routes)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise SettingsError(
                f"cannot listen on {self.address} ({exc.strerror}); set CAREWORK_LISTEN to a free HOST:PORT"
            ) from None
        self._runner = runner
        bound = runner.addresses[0]
        self.url = f"http://[{bound[0]}]:{bound[1]}" if ":" in bound[0] else f"http://{bound[0]}:{bound[1]}"
        log.info("listening", extra={"address": self.url})

    async def stop(self) -> None:
        """Stops listening, letting requests under way finish for a moment."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        problems = await self._problems()
        if problems:
            return web.Response(status=503, text="\n".join(problems) + "\n")
        return web.Response(text="ok\n")
