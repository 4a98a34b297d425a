"""getUpdates: offsets confirm, unconfirmed updates come again, long polls wake, two pollers conflict."""

from __future__ import annotations

import asyncio
import time


def texts(updates: list[dict]) -> list[str]:
    return [u["message"]["text"] for u in updates]


async def test_updates_stay_until_an_offset_confirms_them(bot_api, people):
    ann = await people.new_user("Ann")
    for text in ("one", "two", "three"):
        await ann.send(text)
    first = await bot_api.ok("getUpdates")
    assert texts(first) == ["one", "two", "three"]
    # The bot died before its next call: a new bot instance gets the same updates again.
    assert await bot_api.ok("getUpdates") == first
    rest = await bot_api.ok("getUpdates", offset=first[1]["update_id"])
    assert texts(rest) == ["two", "three"]
    assert await bot_api.ok("getUpdates", offset=first[-1]["update_id"] + 1) == []
    assert await bot_api.ok("getUpdates") == []


async def test_update_ids_increase(bot_api, people):
    ann = await people.new_user("Ann")
    for text in ("a", "b", "c"):
        await ann.send(text)
    ids = [u["update_id"] for u in await bot_api.ok("getUpdates")]
    assert ids == sorted(ids) and len(set(ids)) == 3


async def test_limit_returns_the_oldest_first(bot_api, people):
    ann = await people.new_user("Ann")
    for number in range(5):
        await ann.send(str(number))
    assert texts(await bot_api.ok("getUpdates", limit=2)) == ["0", "1"]
    assert len(await bot_api.ok("getUpdates", limit=0)) == 5
    assert len(await bot_api.ok("getUpdates", limit=1000)) == 5


async def test_a_negative_offset_keeps_only_the_last_updates(bot_api, people):
    ann = await people.new_user("Ann")
    for text in ("a", "b", "c", "d"):
        await ann.send(text)
    assert texts(await bot_api.ok("getUpdates", offset=-2)) == ["c", "d"]
    assert texts(await bot_api.ok("getUpdates")) == ["c", "d"]  # "a" and "b" are forgotten


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(bot_api, people):
    ann = await people.new_user("Ann")
    started = time.monotonic()
    poll = asyncio.create_task(bot_api.ok("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await ann.send("hello")
    assert texts(await poll) == ["hello"]
    assert time.monotonic() - started < 2


async def test_a_long_poll_with_nothing_to_say_returns_empty_after_its_timeout(bot_api):
    started = time.monotonic()
    assert await bot_api.ok("getUpdates", timeout=0.3) == []
    assert 0.25 < time.monotonic() - started < 2


async def test_a_second_poller_terminates_the_first_with_409(bot_api, people):
    first = asyncio.create_task(bot_api.call("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot_api.call("getUpdates", timeout=10))
    status, body = await first
    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )
    ann = await people.new_user("Ann")
    await ann.send("still delivered")
    status, body = await second
    assert status == 200 and texts(body["result"]) == ["still delivered"]


async def test_allowed_updates_filter_new_updates_and_persist(bot_api, people):
    ann = await people.new_user("Ann")
    await bot_api.ok("getUpdates", allowed_updates=["callback_query"])
    await ann.send("ignored")
    assert await bot_api.ok("getUpdates") == []
    await bot_api.ok("getUpdates", allowed_updates=[])
    await ann.send("seen")
    assert texts(await bot_api.ok("getUpdates")) == ["seen"]


async def test_raw_updates_are_delivered_exactly_as_given(bot_api, people):
    await people.new_user("Ann")
    assigned = await people.raw_update({"message": {"weird": True}})
    kept = await people.raw_update({"update_id": 5, "edited_channel_post": {"x": 1}})
    updates = await bot_api.ok("getUpdates")
    assert updates == [
        {"message": {"weird": True}, "update_id": assigned},
        {"update_id": 5, "edited_channel_post": {"x": 1}},
    ]
    assert kept == 5


async def test_drop_pending_updates_clears_the_queue(bot_api, people):
    ann = await people.new_user("Ann")
    await ann.send("old")
    assert (await bot_api.ok("getWebhookInfo"))["pending_update_count"] == 1
    assert await bot_api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert await bot_api.ok("getUpdates") == []


async def test_stopping_releases_a_pending_long_poll(emulator, bot_api):
    poll = asyncio.create_task(bot_api.call("getUpdates", timeout=30))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await emulator.stop()
    status, body = await poll
    assert status == 200 and body["result"] == []
    assert time.monotonic() - started < 1.5


async def test_update_ids_can_restart_lower_and_the_old_offset_then_confirms_nothing(bot_api, people):
    ann = await people.new_user("Ann")
    await ann.send("before")
    [before] = await bot_api.drain()
    await people.restart_update_ids(1000)  # as Telegram does after a week without updates
    await ann.send("after")
    # The bot still sends its old offset, now past every id: Telegram ignores it.
    after = await bot_api.ok("getUpdates", offset=before["update_id"] + 1)
    assert texts(after) == ["after"] and after[0]["update_id"] == 1000
    assert await bot_api.ok("getUpdates", offset=1001) == []
