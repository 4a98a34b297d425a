"""The aiohttp request class: aiohttp's failures become the library's, so the sender and intake cope as before."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.transport.http import AiohttpRequest
from bot.transport.sender import Sender
from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.messaging.outbox import OutgoingMessage
from tests.conftest import MINI
from tests.e2e.conftest import TOKEN

ME = {"id": 1, "is_bot": True, "first_name": "Carework", "username": "carework_bot"}


@pytest.fixture
async def api():
    """A misbehaving Bot API: getMe works, /hang never answers, anything else is a proxy's HTML 502."""
    seen: list[dict] = []
    never = asyncio.Event()

    async def answer(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        seen.append(await request.json() if request.can_read_body else {})
        if method == "getMe":
            return web.json_response({"ok": True, "result": ME})
        if method == "hang":
            await never.wait()
        return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        never.set()
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_an_unreachable_bot_api_is_a_network_error():
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{free_port()}/botX/getMe")
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in raised.value.message


async def test_a_bot_api_that_does_not_answer_in_time_is_timed_out(api):
    url, _ = api
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.post(f"{url}/botX/hang")
        with pytest.raises(TimedOut):  # a call's own read timeout wins over the default
            await request.post(f"{url}/botX/hang", read_timeout=0.1)


async def test_parameters_arrive_as_one_json_body(api):
    url, seen = api
    keyboard = {"inline_keyboard": [[{"text": "Yes", "callback_data": "c:1"}]]}
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest()) as bot:
        assert await bot.do_api_request("getMe", api_kwargs={"chat_id": 7, "reply_markup": keyboard}) == ME
    assert seen[-1] == {"chat_id": 7, "reply_markup": keyboard}


async def test_a_proxys_html_502_is_a_passing_failure_the_sender_retries(api, tmp_path):
    url, _ = api
    services = await Services.open(tmp_path / "c.db", MINI, ShiftedClock())
    bot = Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest())
    try:
        await bot.initialize()
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(7, "hello")
        assert "Bad Gateway (502)" in raised.value.message
        await services.outbox.enqueue([OutgoingMessage(7, {"chat_id": 7, "text": "hello"}, "7:hello")])
        await Sender(bot, services.outbox, services.env.clock).drain_once()
        assert await services.outbox.counts() == {"pending": 1}  # kept, to be tried again later
        later = services.env.clock.now() + timedelta(hours=1)
        [message] = await services.outbox.due(later, 10)
        assert message.attempts == 1
    finally:
        await bot.shutdown()
        await services.close()


async def test_a_request_that_was_shut_down_says_so():
    request = AiohttpRequest()
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/botX/getMe", "POST")


@pytest.fixture
async def proxy():
    """A forward proxy on loopback that answers every request itself and notes the URL it was asked for."""
    asked: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        asked.append(str(request.url))
        return web.json_response({"ok": True, "result": ME})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}", asked
    finally:
        await runner.cleanup()


async def test_a_proxy_named_in_the_environment_carries_the_requests(proxy, monkeypatch):
    address, asked = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("NO_PROXY", "")
    async with Bot(TOKEN, base_url="http://bot-api.invalid/bot", request=AiohttpRequest()) as bot:
        assert (await bot.get_me()).username == "carework_bot"  # bot-api.invalid cannot be reached but by proxy
    assert set(asked) == {f"http://bot-api.invalid/bot{TOKEN}/getMe"}


async def test_no_proxy_sends_a_server_direct(api, proxy, monkeypatch):
    url, seen = api
    address, asked = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest()) as bot:
        assert (await bot.get_me()).username == "carework_bot"
    assert asked == [] and seen
