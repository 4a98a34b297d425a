"""Voice notes people send: the bot finds each one with getFile and downloads its own bytes."""

from __future__ import annotations

import pytest

from botapi_emulator import EmulatorError


async def voice_notes(bot_api) -> list[dict]:
    return [u["message"]["voice"] for u in await bot_api.drain() if "voice" in u.get("message", {})]


async def fetched(bot_api, file_path: str) -> tuple[int, bytes]:
    url = bot_api.base.replace("/bot", "/file/bot", 1)
    async with bot_api.session.get(f"{url}/{file_path}") as response:
        return response.status, await response.read()


async def test_a_voice_note_carries_what_telegram_gives(bot_api, ann):
    await ann.send_voice(12)
    (voice,) = await voice_notes(bot_api)
    assert voice["duration"] == 12 and voice["mime_type"] == "audio/ogg"
    assert voice["file_id"] and voice["file_unique_id"] and voice["file_size"] > 1000


async def test_get_file_then_download_gives_each_note_its_own_bytes(bot_api, ann):
    await ann.send_voice(3)
    await ann.send_voice(4)
    first, second = await voice_notes(bot_api)
    files = [await bot_api.ok("getFile", file_id=v["file_id"]) for v in (first, second)]
    assert set(files[0]) == {"file_id", "file_unique_id", "file_size", "file_path"}
    assert files[0]["file_unique_id"] == first["file_unique_id"]
    (status, one), (_, two) = [await fetched(bot_api, f["file_path"]) for f in files]
    assert status == 200 and one.startswith(b"OggS") and two.startswith(b"OggS")
    assert one != two and len(one) == files[0]["file_size"] == first["file_size"]
    assert await fetched(bot_api, files[0]["file_path"]) == (200, one)  # the same bytes every time


async def test_a_lost_voice_file_is_refused_like_telegram(bot_api, ann):
    kept = await ann.send_voice(3)
    lost = await ann.send_voice(4)
    first, second = await voice_notes(bot_api)
    path = (await bot_api.ok("getFile", file_id=second["file_id"]))["file_path"]
    await ann.lose_voice_file(lost)
    assert await bot_api.refused("getFile", file_id=second["file_id"]) == (400, "Bad Request: invalid file_id")
    assert (await fetched(bot_api, path))[0] == 404
    assert (await bot_api.ok("getFile", file_id=first["file_id"]))["file_id"] == first["file_id"]
    with pytest.raises(EmulatorError) as refused:
        await ann.lose_voice_file(kept + 100)
    assert refused.value.status == 404
