"""Webhook mode through the real bot: the emulator POSTs each update with the secret header, and sends
it again until the bot answers 200; the bot stores it before answering. /healthz in both modes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
from unittest.mock import patch

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from botapi_emulator import Emulator, EmulatorClient
from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.messaging.inbox import StoredUpdate
from tests.e2e.conftest import caught_up
from tests.e2e.test_by_hand import free_port
from tests.e2e.test_crash import (
    BURST,
    EACH,
    PEOPLE,
    count_answers,
    join,
    start_bot,
    stored_values,
    typed_through_two_kills,
)
from tests.e2e.test_round import start_round

SECRET = "test_webhook-Secret-0123"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def metric(text: str, name: str) -> list:
    """Returns the samples of one metric, read with Prometheus' own parser."""
    family = next(f for f in text_string_to_metric_families(text) if f.name == name)
    return [sample for sample in family.samples if sample.name == f"{name}_total"]


def webhook_settings(port: int | None = None) -> dict:
    """The bot's settings for webhook mode on a free loopback port (or this one)."""
    port = port or free_port()
    return {
        "listen": f"127.0.0.1:{port}",
        "webhook_url": f"http://127.0.0.1:{port}/telegram/updates",
        "webhook_secret": SecretStr(SECRET),  # as settings hold it (a restart copies them unvalidated)
    }


async def stored_updates(stack) -> int:
    return sum((await stack.services.inbox.counts()).values())


async def examples(stack) -> list[str]:
    return sorted(value for _, question, value in await stack.answers() if question == "examples")


async def until_examples(stack, count: int, timeout: float = 30.0) -> list[str]:
    async def enough() -> list[str]:
        while len(found := await examples(stack)) < count:
            await asyncio.sleep(0.05)
        return found

    return await asyncio.wait_for(enough(), timeout)


async def test_a_round_is_answered_end_to_end_in_webhook_mode(make_stack):
    stack = await make_stack(more_settings=webhook_settings())
    ann = await stack.joined("Ann")
    first = await start_round(stack, ann)
    assert first.text.startswith("Question 1 of 4")
    await ann.send("Buddy scheme for new starters")
    assert (await ann.wait_for_reply()).text == "Saved. Thank you."
    await ann.tap("Next question")
    await ann.wait_for_reply()
    await ann.tap("Skip this question")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 3 of 4"))
    await ann.tap("Big")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    await ann.tap("Home care")
    await ann.wait_for(lambda c: ["✓ Home care"] in c[-1].buttons)
    await ann.tap("Done")
    await caught_up(ann)
    assert [value for _, _, value in await stack.answers()] == ["Buddy scheme for new starters", "3", "home"]
    hook = stack.emulator.world.webhook
    assert hook.url == stack.bot.settings.webhook_url and hook.delivered >= 8 and hook.failed == 0
    async with aiohttp.ClientSession() as session, session.get(f"{stack.bot.listener.url}/metrics") as response:
        counted = {s.labels["source"]: s.value for s in metric(await response.text(), "carework_updates_received")}
    assert counted == {"poll": 0, "webhook": hook.delivered}  # /metrics on the same listener counts each update


async def test_a_wrong_or_missing_secret_gets_401_and_stores_nothing(make_stack):
    stack = await make_stack(more_settings=webhook_settings())
    url = stack.bot.settings.webhook_url
    forged = {"update_id": 990_000_001, "message": {"message_id": 1, "date": 0, "text": "forged"}}
    before = await stored_updates(stack)
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {HEADER: "wrong"}, {HEADER: SECRET[:-1]}, {HEADER: SECRET + "x"}):
            async with session.post(url, json=forged, headers=headers) as response:
                assert response.status == 401, headers
        too_large = b'{"update_id": 990000002, "pad": "' + b"x" * (1024 * 1024) + b'"}'
        async with session.post(url, data=too_large, headers={HEADER: SECRET}) as response:
            assert response.status == 413
    ann = await stack.person("Ann")
    await ann.send("/start")  # then a real update, which must be the only one stored
    await ann.wait_for_reply()
    assert await stored_updates(stack) == before + 1


async def test_switching_webhook_polling_webhook_leaves_no_update_behind(make_stack):
    port = free_port()
    stack = await make_stack(BURST, more_settings=webhook_settings(port))
    ann = await join(stack.client, stack.services, 1)
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1") for m in c))
    await ann.tap("Start")
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 1 of 1"))
    await ann.send("by webhook")
    await until_examples(stack, 1)
    await stack.bot.stop()
    for text in ("sent while down 1", "sent while down 2"):  # delivery fails: the bot is not listening
        await ann.send(text)
    await stack.restart(webhook_url=None, webhook_secret=None)  # polling: the webhook is deleted, nothing dropped
    await until_examples(stack, 3)
    assert stack.emulator.world.webhook.url == ""
    await ann.send("by polling")
    await until_examples(stack, 4)
    await stack.bot.stop()
    await ann.send("queued for getUpdates")
    await stack.restart(**webhook_settings(port))  # webhook again: what was queued is delivered
    await ann.send("by webhook again")
    assert await until_examples(stack, 6) == sorted(
        [
            "by webhook",
            "sent while down 1",
            "sent while down 2",
            "by polling",
            "queued for getUpdates",
            "by webhook again",
        ]
    )
    await caught_up(ann)
    assert len(await examples(stack)) == 6  # and none twice


async def test_healthz_is_503_while_another_process_locks_the_database_and_200_after(stack):
    health = f"{stack.bot.listener.url}/healthz"
    async with aiohttp.ClientSession() as session:
        async with session.get(health) as response:
            assert (response.status, await response.text()) == (200, "ok\n")
        other = sqlite3.connect(stack.folder / "carework.db", isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            async with session.get(health) as response:
                locked = (response.status, await response.text())
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert locked[0] == 503 and locked[1].startswith("database: takes no write")
        async with session.get(health) as response:
            assert (response.status, await response.text()) == (200, "ok\n")


@pytest.mark.slow
async def test_sigkill_mid_delivery_loses_nothing_and_processes_nothing_twice(tmp_path):
    db, log, port = tmp_path / "carework.db", tmp_path / "bot.log", free_port()
    services = await Services.open(db, BURST, SystemClock())
    async with Emulator().running() as emulator, EmulatorClient(emulator.url) as client:
        hooked = {
            "CAREWORK_LISTEN": f"127.0.0.1:{port}",
            "CAREWORK_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/updates",
            "CAREWORK_WEBHOOK_SECRET": SECRET,
        }

        def start() -> subprocess.Popen:
            with patch.dict(os.environ, hooked):
                return start_bot(emulator.url, db, log)

        bots = [start()]
        try:
            await typed_through_two_kills(client, services, bots, start)
            for _ in range(300):
                if await count_answers(services) >= PEOPLE * EACH and not (await services.inbox.counts()).get("new"):
                    break
                await asyncio.sleep(0.1)
            expected = sorted(f"Person {n} example {i}" for n in range(PEOPLE) for i in range(EACH))
            assert sorted(await stored_values(services)) == expected  # every message, each exactly once
            assert emulator.world.webhook.failed > 0  # deliveries did meet the dead bot
        finally:
            bots[-1].send_signal(signal.SIGTERM)
            bots[-1].wait(timeout=20)
            await services.close()
    assert "example" not in log.read_text() and SECRET not in log.read_text()  # no message text, no secret


async def test_polling_after_webhook_fetches_what_a_later_delivery_overtook(stack):
    """A webhook delivers chats side by side: Bob's later update may be stored while Ann's earlier one is still
    being sent again. Polling that started at the offset after Bob's would tell Telegram to drop Ann's."""
    ann, bob = await stack.person("Ann"), await stack.person("Bob")
    await stack.bot.stop()
    await ann.send("/start")
    await bob.send("/start")
    anns, bobs = (u["update_id"] for u in stack.emulator.world.updates.pending)
    bobs_update = next(u for u in stack.emulator.world.updates.pending if u["update_id"] == bobs)
    stack.emulator.world.updates.remove(bobs)  # delivered by webhook and answered 200: Telegram dropped it
    inbox = stack.services.inbox
    await inbox.taking_by_webhook(True)
    await inbox.store([StoredUpdate(bobs, json.dumps(bobs_update), "message")])  # unconfirmed, as a webhook stores
    await stack.restart()  # polling
    await ann.wait_for_reply()
    await bob.wait_for_reply()
    assert not await inbox.after_webhook()  # everything Telegram held is fetched: offsets are safe again


async def test_an_update_delivered_twice_is_stored_and_answered_once(make_stack):
    stack = await make_stack(more_settings=webhook_settings())
    ann = await stack.person("Ann")
    await ann.send("/start")  # Ann has started the bot, so it may write to her
    await ann.wait_for_reply()
    person = stack.emulator.world.chats[ann.user_id].person
    message = {"message_id": 900, "date": 0, "from": person.as_user(), "chat": person.as_chat(), "text": "/help"}
    message["entities"] = [{"type": "bot_command", "offset": 0, "length": 5}]
    again = {"update_id": 990_000_100, "message": message}  # as Telegram sends it again when the 200 was lost
    before = await stored_updates(stack)
    async with aiohttp.ClientSession() as session:
        for _ in range(2):
            async with session.post(stack.bot.settings.webhook_url, json=again, headers={HEADER: SECRET}) as response:
                assert response.status == 200
    await caught_up(ann)  # Ann's own /help, answered after anything queued for her before it
    assert await stored_updates(stack) == before + 2  # the copy and Ann's own /help
    helps = [m for m in await ann.chat() if m.from_bot and "/help:" in m.text]
    assert len(helps) == 2  # one for the update sent twice, one for Ann's own
