"""What arrives from Telegram: heard after its update ids restart, and not kept longer than needed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from botapi_emulator.updates import FIRST_UPDATE_ID
from tests.e2e.conftest import TOKEN

HELLO = "To take part you need an invite link"


async def nothing_pending(url: str, timeout: float = 20.0) -> None:
    """Waits until Telegram holds no unconfirmed update for the bot."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.post(f"{url}/bot{TOKEN}/getWebhookInfo") as response:
                if not (await response.json())["result"]["pending_update_count"]:
                    return
            assert time.monotonic() < deadline, "the bot never confirmed its updates"
            await asyncio.sleep(0.1)


def files_holding(folder: Path, words: bytes) -> list[str]:
    """Names the database files whose bytes contain these words."""
    return [
        p.name for p in (folder / "carework.db", folder / "carework.db-wal") if p.exists() and words in p.read_bytes()
    ]


async def gone_from_disk(folder: Path, words: bytes, timeout: float = 15.0) -> list[str]:
    """Waits for the words to leave the database and its WAL; returns the files still holding them."""
    deadline = time.monotonic() + timeout
    while (holding := files_holding(folder, words)) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return holding


async def wal_emptied(folder: Path, timeout: float = 15.0) -> None:
    """Waits until the WAL has been checkpointed into the database and emptied."""
    deadline = time.monotonic() + timeout
    while (folder / "carework.db-wal").stat().st_size:
        assert time.monotonic() < deadline, "the WAL was never emptied"
        await asyncio.sleep(0.2)


async def test_a_start_after_telegram_restarts_its_update_ids_is_answered(stack):
    ann = await stack.person("Ann")
    await ann.send("/start")
    assert (await ann.wait_for_reply()).text.startswith(HELLO)
    await nothing_pending(stack.emulator.url)
    await stack.client.restart_update_ids(FIRST_UPDATE_ID)  # Bea's update gets the id Ann's had
    bea = await stack.person("Bea")
    await bea.send("/start")
    assert (await bea.wait_for_reply()).text.startswith(HELLO)
    await ann.send("/start")
    await ann.wait_for(lambda chat: sum(m.text.startswith(HELLO) for m in chat) == 2)


async def test_a_message_text_leaves_the_database_and_its_wal_once_processed(stack):
    ann = await stack.person("Ann")
    await ann.send("Marigold zeppelin 4711")  # a stranger's words: no answer of theirs keeps them
    await ann.wait_for_reply()
    assert await gone_from_disk(stack.folder, b"Marigold zeppelin") == []


async def test_an_unreadable_update_keeps_its_content_only_for_the_days_set(stack):
    broken = {"message": {"message_id": "not a number", "text": "Quillfeather private words", "chat": "nonsense"}}
    await stack.client.raw_update(broken)
    ann = await stack.person("Ann")
    await ann.send("/start")
    await ann.wait_for_reply()
    assert (await stack.services.inbox.counts()).get("set_aside") == 1
    await wal_emptied(stack.folder)  # the bot tidied up while idle, yet keeps this for diagnosis
    assert files_holding(stack.folder, b"Quillfeather") == ["carework.db"]
    stack.services.env.clock.advance(days=3, hours=1)
    await ann.send("/start")
    await ann.wait_for_reply()
    assert await gone_from_disk(stack.folder, b"Quillfeather") == []
