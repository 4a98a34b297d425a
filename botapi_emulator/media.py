"""Bot methods for files: sendDocument, sendPhoto and getFile."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from .chats import caption_content
from .errors import bad_request
from .files import MAX_DOWNLOAD_BYTES, StoredFile
from .keyboards import checked_markup
from .messaging import replied_message
from .params import BotCall, Params, Upload
from .telegram_text import caption_text
from .world import World

_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


async def send_document(world: World, call: BotCall) -> dict:
    """sendDocument: posts a file (upload, file_id) with an optional caption."""
    source = _file_source(world, call.params.upload("document"), "document")
    return await _send_media(world, call, source, _store_document)


async def send_photo(world: World, call: BotCall) -> dict:
    """sendPhoto: posts an image (upload, file_id) with an optional caption."""
    source = _file_source(world, call.params.upload("photo"), "photo")
    if isinstance(source, Upload) and not _looks_like_image(source.data):
        raise bad_request("IMAGE_PROCESS_FAILED")
    return await _send_media(world, call, source, _store_photo)


async def get_file(world: World, call: BotCall) -> dict:
    """getFile: returns the path to download a file from."""
    stored = world.files.by_id(call.params.string("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.as_api()


async def _send_media(world: World, call: BotCall, source: StoredFile | Upload, store) -> dict:
    params: Params = call.params
    chat = world.writable_chat(params)
    caption = caption_text(params.string("caption"), params.string("parse_mode"), params.structured("caption_entities"))
    markup = checked_markup(params.structured("reply_markup"))
    reply_to = replied_message(chat, params)
    world.admit(chat)
    # Stored only now, so a refused send leaves no file behind.
    content = store(world, source) | caption_content(caption)
    message = chat.post(call.bot, content, reply_markup=markup, reply_to=reply_to)
    world.messages_sent += 1
    return message.as_api()


def _file_source(world: World, given: Upload | str | None, kind: str) -> StoredFile | Upload:
    if isinstance(given, Upload):
        if not given.data:
            raise bad_request("file must be non-empty")
        return given
    if not given:
        raise bad_request(f"there is no {kind} in the request")
    if given.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # the emulator has no network
    stored = world.files.by_id(given)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def _store_document(world: World, source: StoredFile | Upload) -> dict:
    if isinstance(source, StoredFile):
        return {"document": source.as_document()}
    name = PurePosixPath(source.filename).name or "document"
    guessed = mimetypes.guess_type(name)[0]
    mime_type = guessed or source.content_type or "application/octet-stream"
    stored = world.files.add(
        source.data, folder="documents", extension=PurePosixPath(name).suffix, mime_type=mime_type, file_name=name
    )
    return {"document": stored.as_document()}


def _store_photo(world: World, source: StoredFile | Upload) -> dict:
    if isinstance(source, Upload):
        source = world.files.add(source.data, folder="photos", extension=".jpg", mime_type="image/jpeg")
    # One size is enough for bots; real Telegram adds smaller ones for big images.
    size = {
        "file_id": source.file_id,
        "file_unique_id": source.file_unique_id,
        "file_size": len(source.data),
        "width": 800,
        "height": 600,
    }
    return {"photo": [size]}


def _looks_like_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


METHODS = {
    "senddocument": send_document,
    "sendphoto": send_photo,
    "getfile": get_file,
}
