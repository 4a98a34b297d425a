"""The bot's HTTP listener (CAREWORK_LISTEN): /healthz, the webhook's path, and any other routes given.

It runs in both modes, so a supervisor or a container platform can ask whether the bot is healthy;
in webhook mode the same listener takes Telegram's updates. It runs in a thread with an event loop
of its own: when the bot's loop is busy with a crowd's updates, a webhook delivery is still stored
and answered at once (bench/webhook.py), instead of waiting its turn behind them. Only the routes
given as `apart` run on the listener's loop (the webhook's, which stores through a connection of its
own); /healthz and the other routes (such as /metrics, `routes=[web.get("/metrics", handler)]`) run
on the bot's loop, where the services live, and may read a request's query but not its body.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from bot.settings import listen_address
from carework_core.errors import SettingsError

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # a Telegram update is a few kilobytes; anything larger is refused with 413
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Listener:
    """Serves /healthz and the given routes on CAREWORK_LISTEN, from a thread of its own, until stopped."""

    def __init__(
        self,
        address: str,
        problems: Callable[[], Awaitable[list[str]]],
        routes: Sequence[web.RouteDef] = (),
        apart: Sequence[web.RouteDef] = (),
    ) -> None:
        self.address = address
        self._problems = problems
        self._routes, self._apart = list(routes), list(apart)
        self._bot_loop: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    def add_routes(self, routes: Sequence[web.RouteDef]) -> None:
        """Adds routes run on the bot's loop (before start), such as /metrics."""
        self._routes += routes

    async def start(self) -> None:
        """Starts listening; an address that cannot be had is a SettingsError naming CAREWORK_LISTEN."""
        self._bot_loop = asyncio.get_running_loop()
        ready: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="carework listener", daemon=True)
        self._thread.start()
        try:
            self.url = await asyncio.wrap_future(ready)
        except OSError as exc:
            self._thread = None
            raise SettingsError(
                f"cannot listen on {self.address} ({exc.strerror}); set CAREWORK_LISTEN to a free HOST:PORT"
            ) from None
        log.info("listening", extra={"address": self.url})

    async def stop(self) -> None:
        """Stops listening, letting requests under way finish for a moment, and ends the thread."""
        if self._thread is None or self._loop is None or self._runner is None:
            return
        closing = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        try:
            await asyncio.wrap_future(closing)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 10)
            self._thread = self._runner = None

    def _serve(self, ready: concurrent.futures.Future[str]) -> None:
        """The thread: opens the site on a loop of its own and runs it until stop."""
        loop = self._loop = asyncio.new_event_loop()
        try:
            url = loop.run_until_complete(self._open())
        except BaseException as exc:
            loop.close()
            ready.set_exception(exc)
            return
        ready.set_result(url)
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _open(self) -> str:
        host, port = listen_address(self.address)
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_get("/healthz", self._on_bot_loop(self._healthz))
        app.router.add_routes(
            [web.route(r.method, r.path, self._on_bot_loop(r.handler), **r.kwargs) for r in self._routes]
        )
        app.router.add_routes(self._apart)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound = runner.addresses[0]
        return f"http://[{bound[0]}]:{bound[1]}" if ":" in bound[0] else f"http://{bound[0]}:{bound[1]}"

    def _on_bot_loop(self, handler: Handler) -> Handler:
        """Wraps a handler to run on the bot's loop, where the services are."""

        async def bridged(request: web.Request) -> web.StreamResponse:
            assert self._bot_loop is not None
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(handler(request), self._bot_loop))

        return bridged

    async def _healthz(self, request: web.Request) -> web.Response:
        problems = await self._problems()
        if problems:
            return web.Response(status=503, text="\n".join(problems) + "\n")
        return web.Response(text="ok\n")
