"""setWebhook, deleteWebhook, getWebhookInfo and delivery by POST, as Telegram does them."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from aiohttp import web

SECRET = "s3cret_-token"


class Receiver:
    """A webhook on loopback that answers with the statuses it is given, then 200."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.statuses = list(statuses or [])
        self.delay = delay
        self.seen: list[tuple[int, str | None]] = []  # (update_id, secret header) of every POST
        self.accepted: list[dict] = []
        self.arrived = asyncio.Event()
        self.in_flight: list[str] = []  # the chat of each POST being answered
        self.most_at_once = 0
        self.same_chat_at_once = 0
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.receive)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hook"
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        update = json.loads(await request.read())
        self.seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        chat = update["message"]["chat"]["id"] if "message" in update else None
        self.same_chat_at_once += chat in self.in_flight
        self.in_flight.append(chat)
        self.most_at_once = max(self.most_at_once, len(self.in_flight))
        await asyncio.sleep(self.delay)
        self.in_flight.remove(chat)
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.accepted.append(update)
            self.arrived.set()
        return web.Response(status=status)

    async def until(self, count: int, timeout: float = 10.0) -> list[dict]:
        async def enough() -> None:
            while len(self.accepted) < count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(enough(), timeout)
        return self.accepted


def texts(updates: list[dict]) -> list[str]:
    return [u["message"]["text"] for u in updates]


async def test_updates_are_posted_with_the_secret_header_and_getupdates_is_refused(bot_api, people):
    async with Receiver() as hook:
        assert await bot_api.ok("setWebhook", url=hook.url, secret_token=SECRET) is True
        ann = await people.new_user("Ann")
        await ann.send("hello")
        (update,) = await hook.until(1)
        assert update["message"]["text"] == "hello" and hook.seen == [(update["update_id"], SECRET)]
        code, description = await bot_api.refused("getUpdates")
        assert code == 409 and "while webhook is active" in description
        info = await bot_api.ok("getWebhookInfo")
        assert info["url"] == hook.url and info["pending_update_count"] == 0 and info["max_connections"] == 40


async def test_a_refused_delivery_is_sent_again_until_2xx_and_the_error_is_reported(bot_api, people):
    async with Receiver(statuses=[401, 500]) as hook:
        await bot_api.ok("setWebhook", url=hook.url, secret_token=SECRET)
        ann = await people.new_user("Ann")
        await ann.send("first")
        await ann.send("second")
        assert texts(await hook.until(2)) == ["first", "second"]  # the chat's order holds through the retries
        first = hook.accepted[0]["update_id"]
        assert [seen for seen, _ in hook.seen] == [first, first, first, first + 1]
        info = await bot_api.ok("getWebhookInfo")
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
        assert info["last_error_date"] > 0 and info["pending_update_count"] == 0


async def test_different_chats_are_delivered_side_by_side_each_in_order(bot_api, people):
    async with Receiver(delay=0.2) as hook:
        await bot_api.ok("setWebhook", url=hook.url, max_connections=10)
        ann, bob = await people.new_user("Ann"), await people.new_user("Bob")
        for n in range(3):
            await ann.send(f"ann {n}")
            await bob.send(f"bob {n}")
        delivered = await hook.until(6)
        assert [t for t in texts(delivered) if t.startswith("ann")] == ["ann 0", "ann 1", "ann 2"]
        assert [t for t in texts(delivered) if t.startswith("bob")] == ["bob 0", "bob 1", "bob 2"]
        assert hook.most_at_once == 2 and hook.same_chat_at_once == 0  # both chats at once, never one chat twice


async def test_delete_webhook_leaves_undelivered_updates_for_getupdates(bot_api, people):
    async with Receiver(statuses=[500] * 1000) as hook:
        await bot_api.ok("setWebhook", url=hook.url)
        ann = await people.new_user("Ann")
        await ann.send("kept")
        while not hook.seen:
            await asyncio.sleep(0.01)
        assert await bot_api.ok("deleteWebhook") is True
    assert (await bot_api.ok("getWebhookInfo"))["url"] == ""
    assert texts(await bot_api.drain()) == ["kept"]


async def test_a_new_webhook_ends_a_pending_long_poll_with_409(bot_api):
    poll = asyncio.create_task(bot_api.call("getUpdates", timeout=30))
    await asyncio.sleep(0.1)
    async with Receiver() as hook:
        await bot_api.ok("setWebhook", url=hook.url)
        status, body = await asyncio.wait_for(poll, 5)
    assert status == 409 and "while webhook is active" in body["description"]


async def test_setwebhook_refuses_what_the_emulator_cannot_deliver_to(bot_api):
    _, where = await bot_api.refused("setWebhook", url="https://example.org/hook")
    _, secret = await bot_api.refused("setWebhook", url="http://127.0.0.1:9/hook", secret_token="has space")
    _, many = await bot_api.refused("setWebhook", url="http://127.0.0.1:9/hook", max_connections=101)
    assert "127.0.0.1" in where and "unallowed characters" in secret and "max_connections" in many
    assert (await bot_api.ok("getWebhookInfo"))["url"] == ""


async def test_allowed_updates_given_to_setwebhook_filter_the_queue(bot_api, people):
    async with Receiver() as hook:
        await bot_api.ok("setWebhook", url=hook.url, allowed_updates=["callback_query"])
        ann = await people.new_user("Ann")
        await ann.send("not wanted")
        await bot_api.ok("setWebhook", url=hook.url, allowed_updates=["message"])
        await ann.send("wanted")
        assert texts(await hook.until(1)) == ["wanted"]
        assert (await bot_api.ok("getWebhookInfo"))["allowed_updates"] == ["message"]


async def test_a_load_has_a_crowd_send_at_a_rate_to_the_webhook(bot_api, emulator):
    async with Receiver() as hook, aiohttp.ClientSession() as session:
        await bot_api.ok("setWebhook", url=hook.url)
        bad = await session.post(f"{emulator.url}/emulator/webhook/load", json={"people": 0, "rate": 5, "seconds": 1})
        assert bad.status == 400
        load = {"people": 3, "rate": 50, "seconds": 0.2}
        async with session.post(f"{emulator.url}/emulator/webhook/load", json=load) as response:
            assert await response.json() == {"updates": 10}
        delivered = await hook.until(10)
        assert sorted(texts(delivered)) == sorted(f"load message {k}" for k in range(10))
        async with session.get(f"{emulator.url}/emulator/webhook") as response:
            figures = await response.json()
        assert figures["load_sent"] == 10 and figures["delivered"] == 10 and len(figures["ack_ms"]) == 10
