"""The emulator's aiohttp server: routing, faults, tracing and counting around the Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from . import media, messaging, polling, webhooks
from .control import ControlApi
from .errors import BotApiError, not_found, too_many_requests, unauthorized
from .faults import Fault, FaultPlan
from .odd_updates import OddUpdatesApi
from .params import MAX_UPLOAD_BYTES, BotCall, read_params
from .stats import Stats
from .trace import Tracer
from .world import FIRST_USER_ID, World, bot_user

Method = Callable[[World, BotCall], Awaitable[object]]
METHODS: dict[str, Method] = {**polling.METHODS, **webhooks.METHODS, **messaging.METHODS, **media.METHODS}
TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]+")
_FAULT_REPLIES = {
    Fault.SERVER_ERROR: BotApiError(500, "Internal Server Error").as_body(),
    Fault.FLOOD: too_many_requests(1).as_body(),
}


class Emulator:
    """A strict local Telegram Bot API, with virtual people on the other side of the bot."""

    def __init__(
        self,
        *,
        faults: float = 0.0,
        trace_path: Path | None = None,
        seed: int | None = None,
        bot_username: str = "carework_test_bot",
        clock: Callable[[], float] = time.monotonic,
        flood_control: bool = True,
        first_user_id: int = FIRST_USER_ID,
    ) -> None:
        self.world = World(
            clock=clock, bot_username=bot_username, flood_control=flood_control, first_user_id=first_user_id
        )
        self.url: str | None = None
        self._faults = FaultPlan(faults, seed)
        self._tracer = Tracer(trace_path)
        self._stats = Stats()
        self._runner: web.AppRunner | None = None
        self._outage: set[str] | None = None

    def begin_outage(self, *methods: str) -> None:
        """Answers 500 to the named Bot API methods (all of them if none are named) until end_outage."""
        self._outage = {m.lower() for m in methods}

    def end_outage(self) -> None:
        """Serves every request normally again."""
        self._outage = None

    def stats(self) -> dict:
        """Returns request, refusal, message and fault counters."""
        return self._stats.as_dict(self.world.messages_sent)

    @contextlib.asynccontextmanager
    async def running(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Emulator]:
        """Serves for the duration of the block; port 0 picks a free port."""
        await self.start(host, port)
        try:
            yield self
        finally:
            await self.stop()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Starts listening and returns the base URL."""
        if self._runner is not None:
            raise RuntimeError(f"the emulator is already running at {self.url}")
        self._tracer.open()
        self.world.reopen()
        # A short shutdown timeout: long polls are released on stop, nothing else lingers.
        runner = web.AppRunner(self._application(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self.world.webhook.start()  # a webhook set before a stop delivers again
        bound_port = runner.addresses[0][1]
        self.url = f"http://[{host}]:{bound_port}" if ":" in host else f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        """Releases long polls, stops listening and closes the trace; state is kept."""
        if self._runner is None:
            return
        self.world.close()
        await self.world.webhook.stop()
        await self._runner.cleanup()
        self._runner = None
        self._tracer.close()

    def _application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        control = ControlApi(self.world, self._tracer, self.stats)
        control.add_routes(app.router)
        OddUpdatesApi(self.world, control._content).add_routes(app.router)
        webhooks.add_routes(app.router, self.world)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_request)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._file_request)
        app.router.add_route("*", "/{tail:.*}", self._unknown_path)
        return app

    async def _bot_request(self, request: web.Request) -> web.StreamResponse:
        self._stats.requests += 1
        name = request.match_info["method"]
        try:
            method, call = await self._resolve(request)
        except BotApiError as error:
            return self._answer(request, name, {}, error.code, error.as_body())
        except ConnectionResetError:  # the bot hung up while sending (it was stopping): no one to answer
            return web.Response(status=499)
        params = call.params.for_trace()
        fault = self._faults.draw()
        if self._outage is not None and (not self._outage or name.lower() in self._outage):
            fault = Fault.SERVER_ERROR
        if fault is not None:
            self._stats.faulted(fault.value)
        if fault in _FAULT_REPLIES:
            body = _FAULT_REPLIES[fault]
            return self._answer(request, name, params, body["error_code"], body, fault)
        if fault is Fault.SLOW:
            await asyncio.sleep(self._faults.slow_delay())
        if fault is Fault.DROP and method is polling.get_updates:
            # Not carried out: the bot will ask again, and nothing was confirmed or lost.
            self._tracer.bot_call(name, params, None, None, fault.value)
            return _dropped(request)
        status, body = await self._perform(method, call)
        if fault is Fault.DROP:
            # Carried out, reply lost: the bot cannot know whether its message went out.
            self._tracer.bot_call(name, params, None, body, fault.value)
            return _dropped(request)
        return self._answer(request, name, params, status, body, fault)

    async def _resolve(self, request: web.Request) -> tuple[Method, BotCall]:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):
            raise unauthorized()
        self._tracer.remember_token(token)
        method = METHODS.get(request.match_info["method"].lower())
        if method is None:
            raise not_found()
        params = await read_params(request)
        self.world.bot = bot_user(int(token.partition(":")[0]), self.world.bot_username)
        return method, BotCall(params, self.world.bot)

    async def _perform(self, method: Method, call: BotCall) -> tuple[int, dict]:
        try:
            return 200, {"ok": True, "result": await method(self.world, call)}
        except BotApiError as error:
            return error.code, error.as_body()

    def _answer(
        self, request: web.Request, name: str, params: dict, status: int, body: dict, fault: Fault | None = None
    ) -> web.Response:
        # A refusal only counts when the bot is still there to receive it: PTB abandons its
        # long poll on shutdown, and the 409 that poll later gets is no mistake of the bot's.
        if status >= 400 and fault is None and request.transport is not None:
            self._stats.refused(status, body["description"])
        self._tracer.bot_call(name, params, status, body, fault.value if fault else None)
        return web.json_response(body, status=status)

    async def _file_request(self, request: web.Request) -> web.StreamResponse:
        self._stats.requests += 1
        token, path = request.match_info["token"], request.match_info["file_path"]
        stored = self.world.files.by_path(path) if TOKEN.fullmatch(token) else None
        if stored is None:
            error = not_found() if TOKEN.fullmatch(token) else unauthorized()
            return self._answer(request, "downloadFile", {"file_path": path}, error.code, error.as_body())
        self._tracer.bot_call("downloadFile", {"file_path": path}, 200, {"bytes": len(stored.data)})
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _unknown_path(self, request: web.Request) -> web.Response:
        return web.json_response(not_found().as_body(), status=404)


def _dropped(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)  # never reaches the bot: the connection is already gone


def serve(
    host: str, port: int, trace: Path | None, faults: float, seed: int | None, flood_control: bool = True
) -> None:
    """Runs the emulator until Ctrl-C or SIGTERM, printing its URL once it listens."""
    emulator = Emulator(faults=faults, trace_path=trace, seed=seed, flood_control=flood_control)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_stopped(emulator, host, port))


async def _serve_until_stopped(emulator: Emulator, host: str, port: int) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    async with emulator.running(host, port) as running:
        print(f"Telegram Bot API emulator listening on {running.url}", flush=True)
        await stopped.wait()
