"""Injected faults: the requested share misbehaves, each kind as documented, and no update is lost."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import aiohttp
import pytest

from botapi_emulator import Emulator, EmulatorClient
from botapi_emulator.faults import Fault, FaultPlan

TOKEN = "123456:TEST-token-not-real"


def seed_where(rate: float, wanted) -> int:
    """Finds a seed whose fault sequence satisfies wanted(list of draws)."""
    for seed in range(10_000):
        plan = FaultPlan(rate, seed)
        if wanted([plan.draw() for _ in range(12)]):
            return seed
    raise AssertionError("no seed found")


def starting_with(*kinds: Fault | None):
    return lambda draws: draws[: len(kinds)] == list(kinds)


async def post(session: aiohttp.ClientSession, url: str, method: str, **params) -> tuple[int | None, dict | None]:
    """Returns status and body, or (None, None) when the connection was dropped."""
    try:
        async with session.post(f"{url}/bot{TOKEN}/{method}", json=params) as response:
            return response.status, await response.json()
    except aiohttp.ClientConnectionError:
        return None, None


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as client:
        yield client


async def started(url: str, name: str = "Ann") -> int:
    async with EmulatorClient(url) as people:
        person = await people.new_user(name)
        await person.send("/start")
        return person.user_id


def test_a_seeded_plan_is_reproducible_and_hits_the_rate():
    plan, again = FaultPlan(0.2, 42), FaultPlan(0.2, 42)
    sequence = [plan.draw() for _ in range(5000)]
    assert sequence == [again.draw() for _ in range(5000)]
    faulted = Counter(kind for kind in sequence if kind is not None)
    assert 900 < sum(faulted.values()) < 1100
    assert set(faulted) == set(Fault)


def test_rate_zero_never_faults_and_rates_outside_0_1_are_refused():
    assert all(FaultPlan(0.0, 1).draw() is None for _ in range(100))
    with pytest.raises(ValueError):
        FaultPlan(1.5, 1)


async def test_about_the_requested_share_of_200_requests_misbehaves(session):
    async with Emulator(faults=0.3, seed=3).running() as emu:
        user_id = await started(emu.url)

        async def timed() -> tuple[int | None, float]:
            began = time.monotonic()
            status, _ = await post(session, emu.url, "sendChatAction", chat_id=user_id, action="typing")
            return status, time.monotonic() - began

        outcomes = await asyncio.gather(*(timed() for _ in range(200)))
        stats = emu.stats()
    # Drops, server errors and floods show in the status; a slow reply only in its time, and on a loaded
    # machine a plain reply may take a second too: the replies the emulator says it slowed must be among
    # those that took a second or more, and the slowest of them.
    seen = Counter(
        "drop" if s is None else "server_error" if s == 500 else "flood" if s == 429 else "ok" for s, _ in outcomes
    )
    slowed = stats["faults_by_kind"].get("slow", 0)
    answered = sorted((took for status, took in outcomes if status == 200), reverse=True)
    assert slowed > 0 and all(took >= 1.0 for took in answered[:slowed])
    assert 40 <= 200 - seen["ok"] + slowed <= 80
    assert all(seen[kind.value] > 0 for kind in Fault if kind is not Fault.SLOW)
    assert stats["faults_injected"] == 200 - seen["ok"] + slowed
    assert stats["faults_by_kind"] == {**{k: n for k, n in seen.items() if k != "ok"}, "slow": slowed}
    assert stats["refusals"] == 0  # injected faults are not the bot's mistakes


async def test_a_server_error_does_nothing(session):
    async with Emulator(faults=0.5, seed=seed_where(0.5, starting_with(Fault.SERVER_ERROR))).running() as emu:
        user_id = await started(emu.url)
        status, body = await post(session, emu.url, "sendMessage", chat_id=user_id, text="hello")
        assert (status, body) == (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
        assert emu.stats()["messages_sent"] == 0


async def test_an_injected_429_asks_for_one_second_and_does_nothing(session):
    async with Emulator(faults=0.5, seed=seed_where(0.5, starting_with(Fault.FLOOD))).running() as emu:
        user_id = await started(emu.url)
        status, body = await post(session, emu.url, "sendMessage", chat_id=user_id, text="hello")
        assert status == 429 and body["parameters"] == {"retry_after": 1}
        assert emu.stats()["messages_sent"] == 0


async def test_a_slow_reply_arrives_late_and_is_carried_out(session):
    async with Emulator(faults=0.5, seed=seed_where(0.5, starting_with(Fault.SLOW))).running() as emu:
        user_id = await started(emu.url)
        began = time.monotonic()
        status, _ = await post(session, emu.url, "sendMessage", chat_id=user_id, text="hello")
        assert status == 200 and 1.0 <= time.monotonic() - began < 2.5


async def test_a_dropped_send_was_carried_out_though_the_bot_cannot_know(session):
    async with Emulator(faults=0.5, seed=seed_where(0.5, starting_with(Fault.DROP))).running() as emu:
        user_id = await started(emu.url)
        assert await post(session, emu.url, "sendMessage", chat_id=user_id, text="hello") == (None, None)
        async with EmulatorClient(emu.url) as people:
            assert [m.text for m in await people.user(user_id).chat()] == ["/start", "hello"]


async def test_a_dropped_get_updates_confirms_nothing(session):
    seed = seed_where(0.5, starting_with(None, Fault.DROP, None))
    async with Emulator(faults=0.5, seed=seed).running() as emu:
        await started(emu.url)
        _, first = await post(session, emu.url, "getUpdates")
        update_id = first["result"][0]["update_id"]
        assert await post(session, emu.url, "getUpdates", offset=update_id + 1) == (None, None)
        _, again = await post(session, emu.url, "getUpdates")
        assert again["result"] == first["result"]


async def test_polling_through_faults_loses_no_update(session):
    def no_slow_but_every_other_kind(draws):
        return Fault.SLOW not in draws and {Fault.DROP, Fault.SERVER_ERROR, Fault.FLOOD} <= set(draws)

    async with Emulator(faults=0.4, seed=seed_where(0.4, no_slow_but_every_other_kind)).running() as emu:
        async with EmulatorClient(emu.url) as people:
            ann = await people.new_user("Ann")
            for number in range(12):
                await ann.send(f"m{number}")
        received, offset = [], 0
        for _ in range(12):
            status, body = await post(session, emu.url, "getUpdates", offset=offset, limit=3)
            if status == 200 and body["result"]:
                received += [u["message"]["text"] for u in body["result"]]
                offset = body["result"][-1]["update_id"] + 1
        assert received == [f"m{number}" for number in range(12)]
        assert emu.stats()["faults_injected"] >= 3


async def test_an_outage_fails_the_named_methods_until_it_ends():
    async with Emulator().running() as emu, aiohttp.ClientSession() as session:
        emu.begin_outage("sendMessage")
        assert (await post(session, emu.url, "getMe"))[0] == 200
        status, body = await post(session, emu.url, "sendMessage", chat_id=1, text="x")
        assert (status, body["description"]) == (500, "Internal Server Error")
        emu.begin_outage()  # every method
        assert (await post(session, emu.url, "getMe"))[0] == 500
        emu.end_outage()
        assert (await post(session, emu.url, "getMe"))[0] == 200
        assert emu.stats()["faults_by_kind"] == {"server_error": 2} and emu.stats()["refusals"] == 0
