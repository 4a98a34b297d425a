"""Flood control: bursts are allowed, then 429 with retry_after; paced sends are never refused."""

from __future__ import annotations

import aiohttp

from botapi_emulator import Emulator, EmulatorClient
from botapi_emulator.flood import FloodControl, TokenBucket
from tests.emulator.conftest import BotApi


def test_a_bucket_refills_at_its_rate_up_to_its_capacity():
    bucket = TokenBucket(capacity=5, rate=1.0, now=0.0)
    for _ in range(5):
        assert bucket.wait(0.0) == 0.0
        bucket.take()
    assert bucket.wait(0.0) == 1.0
    assert bucket.wait(0.25) == 0.75
    assert bucket.wait(100.0) == 0.0 and bucket.tokens == 5


def test_a_chat_gets_a_burst_of_five_then_one_a_second(emulator_clock):
    clock = emulator_clock
    flood = FloodControl(clock)
    assert [flood.admit(1) for _ in range(6)] == [0, 0, 0, 0, 0, 1]
    clock.advance(0.5)
    assert flood.admit(1) == 1  # half a token: still wait, rounded up to a whole second
    clock.advance(0.5)
    assert flood.admit(1) == 0


def test_the_overall_limit_is_thirty_a_second_across_chats(emulator_clock):
    clock = emulator_clock
    flood = FloodControl(clock)
    assert all(flood.admit(chat) == 0 for chat in range(30))
    assert flood.admit(31) == 1
    clock.advance(1 / 30)
    assert flood.admit(31) == 0


def test_a_refused_send_spends_nothing(emulator_clock):
    clock = emulator_clock
    flood = FloodControl(clock)
    for _ in range(5):
        flood.admit(1)
    for _ in range(10):
        assert flood.admit(1) == 1
    clock.advance(1.0)
    assert flood.admit(1) == 0


def test_retry_after_counts_whole_seconds_until_a_token(emulator_clock):
    clock = emulator_clock
    flood = FloodControl(clock)
    for _ in range(5):
        flood.admit(7)
    clock.advance(0.1)
    assert flood.admit(7) == 1


async def test_a_burst_gets_429_with_retry_after(bot_api, ann, emulator_clock):
    for number in range(5):
        await bot_api.ok("sendMessage", chat_id=ann.user_id, text=f"m{number}")
    status, body = await bot_api.call("sendMessage", chat_id=ann.user_id, text="one too many")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert [m.text for m in await ann.chat()][-1] == "m4"  # the refused message never arrived
    emulator_clock.advance(1.0)
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="after waiting")


async def test_edits_count_against_the_chat_bucket(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="v0")
    for version in range(1, 5):
        await bot_api.ok("editMessageText", chat_id=ann.user_id, message_id=sent["message_id"], text=f"v{version}")
    code, _ = await bot_api.refused("editMessageText", chat_id=ann.user_id, message_id=sent["message_id"], text="v5")
    assert code == 429


async def test_sending_one_a_second_per_chat_is_never_refused(bot_api, ann, emulator_clock, emulator):
    for number in range(30):
        await bot_api.ok("sendMessage", chat_id=ann.user_id, text=f"tick {number}")
        emulator_clock.advance(1.0)
    assert emulator.stats()["refusals"] == 0


async def test_many_chats_share_thirty_a_second(bot_api, people, emulator_clock):
    crowd = []
    for number in range(31):
        person = await people.new_user(f"P{number}")
        await person.send("/start")
        crowd.append(person)
    for person in crowd[:30]:
        await bot_api.ok("sendMessage", chat_id=person.user_id, text="hello")
    code, description = await bot_api.refused("sendMessage", chat_id=crowd[30].user_id, text="hello")
    assert (code, description) == (429, "Too Many Requests: retry after 1")


def test_edits_count_per_chat_but_not_toward_the_overall_limit(emulator_clock):
    flood = FloodControl(emulator_clock)
    assert all(flood.admit(chat, new_message=False) == 0 for chat in range(100))  # 100 edits at once
    assert all(flood.admit(chat) == 0 for chat in range(100, 130))  # 30 new messages still allowed
    assert flood.admit(200) == 1
    assert [flood.admit(1, new_message=False) for _ in range(5)] == [0, 0, 0, 0, 1]  # chat 1 spent one above


async def a_burst(count: int, flood_control: bool) -> dict:
    """Sends count messages at once across count chats; returns the emulator's counters."""
    async with Emulator(flood_control=flood_control).running() as emulator:
        async with EmulatorClient(emulator.url) as people, aiohttp.ClientSession() as session:
            crowd = [await people.new_user(f"P{n}") for n in range(count)]
            for person in crowd:
                await person.send("/start")
            bot_api = BotApi(session, emulator.url)
            for person in crowd:  # one after another, far faster than 30 a second on loopback
                await bot_api.call("sendMessage", chat_id=person.user_id, text="hello")
                await bot_api.call("sendMessage", chat_id=person.user_id, text="and again")
        return emulator.stats()


async def test_without_flood_control_a_burst_far_above_thirty_a_second_is_never_refused():
    lifted = await a_burst(200, flood_control=False)
    assert (lifted["messages_sent"], lifted["refusals"]) == (400, 0)
    limited = await a_burst(200, flood_control=True)
    refused = limited["refusal_descriptions"].get("Too Many Requests: retry after 1", 0)
    assert refused > 0 and limited["messages_sent"] + refused == 400
