"""Files: upload with sendDocument or sendPhoto, then getFile and download the same bytes."""

from __future__ import annotations

import aiohttp

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


async def upload(bot_api, method: str, field: str, data: bytes, filename: str, **fields: str) -> tuple[int, dict]:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field(field, data, filename=filename)
    async with bot_api.session.post(f"{bot_api.base}/{method}", data=form) as response:
        return response.status, await response.json()


async def download(bot_api, file_id: str) -> bytes:
    file = await bot_api.ok("getFile", file_id=file_id)
    url = bot_api.base.replace("/bot", "/file/bot", 1)
    async with bot_api.session.get(f"{url}/{file['file_path']}") as response:
        assert response.status == 200
        return await response.read()


async def test_an_uploaded_document_downloads_byte_for_byte(bot_api, ann):
    data = bytes(range(256)) * 1000
    status, body = await upload(bot_api, "sendDocument", "document", data, "export.xlsx", chat_id=str(ann.user_id))
    assert status == 200
    document = body["result"]["document"]
    assert document["file_size"] == len(data) and document["file_name"] == "export.xlsx"
    assert await download(bot_api, document["file_id"]) == data
    assert (await ann.chat())[-1].document == "export.xlsx"


async def test_a_document_can_be_sent_again_by_file_id(bot_api, ann):
    _, body = await upload(bot_api, "sendDocument", "document", b"abc", "a.txt", chat_id=str(ann.user_id))
    file_id = body["result"]["document"]["file_id"]
    again = await bot_api.ok("sendDocument", chat_id=ann.user_id, document=file_id)
    assert again["document"]["file_id"] == file_id


async def test_document_refusals(bot_api, ann):
    status, body = await upload(bot_api, "sendDocument", "document", b"", "empty.txt", chat_id=str(ann.user_id))
    assert (status, body["description"]) == (400, "Bad Request: file must be non-empty")
    assert await bot_api.refused("sendDocument", chat_id=ann.user_id) == (
        400,
        "Bad Request: there is no document in the request",
    )
    assert await bot_api.refused("sendDocument", chat_id=ann.user_id, document="no-such-id") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert await bot_api.refused("sendDocument", chat_id=ann.user_id, document="https://example.org/x.pdf") == (
        400,
        "Bad Request: failed to get HTTP URL content",
    )


async def test_a_caption_over_1024_units_is_refused(bot_api, ann):
    status, body = await upload(
        bot_api, "sendDocument", "document", b"abc", "a.txt", chat_id=str(ann.user_id), caption="x" * 1025
    )
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")
    status, _ = await upload(
        bot_api, "sendDocument", "document", b"abc", "a.txt", chat_id=str(ann.user_id), caption="x" * 1024
    )
    assert status == 200


async def test_a_refused_upload_leaves_no_file(bot_api, people):
    bea = await people.new_user("Bea")
    status, _ = await upload(bot_api, "sendDocument", "document", b"abc", "a.txt", chat_id=str(bea.user_id))
    assert status == 403
    # The id the first stored file would have had: nothing was stored under it.
    assert await bot_api.refused("getFile", file_id="BQACAgIAAxY2FyZXdvcms6ZG9jdW1lbnRzOjAwMDAwMDAx") == (
        400,
        "Bad Request: invalid file_id",
    )


async def test_photos_must_be_images(bot_api, ann):
    status, body = await upload(bot_api, "sendPhoto", "photo", PNG, "p.png", chat_id=str(ann.user_id))
    assert status == 200 and body["result"]["photo"][0]["width"] > 0
    assert (await ann.chat())[-1].photo is True
    status, body = await upload(bot_api, "sendPhoto", "photo", b"not an image", "p.png", chat_id=str(ann.user_id))
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")


async def test_files_people_send_can_be_fetched(bot_api, ann):
    await ann.send_voice(12)
    await ann.send_photo()
    updates = await bot_api.drain()
    voice = updates[-2]["message"]["voice"]
    photo = updates[-1]["message"]["photo"][-1]
    assert voice["duration"] == 12
    assert (await download(bot_api, voice["file_id"])).startswith(b"OggS")
    assert (await download(bot_api, photo["file_id"])).startswith(b"\xff\xd8")


async def test_unknown_file_paths_are_not_found(bot_api):
    url = bot_api.base.replace("/bot", "/file/bot", 1)
    async with bot_api.session.get(f"{url}/documents/nope.pdf") as response:
        assert response.status == 404
