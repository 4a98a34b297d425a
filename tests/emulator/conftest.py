"""Emulator fixtures: a running emulator on a stepped clock, its people, and raw Bot API calls."""

from __future__ import annotations

import aiohttp
import pytest
import telegram

from botapi_emulator import Emulator, EmulatorClient, VirtualUser

TOKEN = "123456:TEST-token-not-real"


class SteppedClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class BotApi:
    """Calls the emulator's Bot API over plain HTTP with a JSON body."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str = TOKEN) -> None:
        self.session = session
        self.token = token
        self.base = f"{url}/bot{token}"

    async def call(self, method: str, **params: object) -> tuple[int, dict]:
        """Returns the HTTP status and the decoded body."""
        async with self.session.post(f"{self.base}/{method}", json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: object) -> object:
        """Returns the result of a call that must succeed."""
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def refused(self, method: str, **params: object) -> tuple[int, str]:
        """Returns the error code and description of a call that must be refused."""
        status, body = await self.call(method, **params)
        assert not body["ok"] and status == body["error_code"], body
        return body["error_code"], body["description"]

    async def drain(self) -> list[dict]:
        """Returns the pending updates and confirms them."""
        updates = await self.ok("getUpdates")
        if updates:
            await self.ok("getUpdates", offset=updates[-1]["update_id"] + 1)
        return updates


@pytest.fixture
def emulator_clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
async def emulator(emulator_clock: SteppedClock):
    async with Emulator(clock=emulator_clock, seed=7).running() as running:
        yield running


@pytest.fixture
async def people(emulator: Emulator):
    async with EmulatorClient(emulator.url) as client:
        yield client


@pytest.fixture
async def bot_api(emulator: Emulator):
    async with aiohttp.ClientSession() as session:
        yield BotApi(session, emulator.url)


@pytest.fixture
async def ann(people: EmulatorClient) -> VirtualUser:
    """A person who has started the bot."""
    person = await people.new_user("Ann", language_code="en")
    await person.send("/start")
    return person


@pytest.fixture
async def ptb_bot(emulator: Emulator):
    bot = telegram.Bot(token=TOKEN, base_url=f"{emulator.url}/bot", base_file_url=f"{emulator.url}/file/bot")
    async with bot:
        yield bot
