"""The control API: virtual people create accounts, write, tap, block, and read their chat."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from aiohttp import web

from .chats import Chat
from .html_markup import utf16_units
from .keyboards import button_labels, find_button
from .odd_updates import attachment
from .telegram_text import MAX_TEXT_UNITS, command_entities
from .trace import Tracer
from .voice import voice_content, voice_file_id
from .world import World

MAX_CHAT_WAIT_SECONDS = 60.0
_STICKER_BYTES = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(40)
_PHOTO_BYTES = b"\xff\xd8\xff\xe0" + bytes(60)


def refusal(status: type[web.HTTPException], message: str) -> web.HTTPException:
    """Builds a control-API error with a JSON body naming the problem."""
    return status(text=json.dumps({"error": message}), content_type="application/json")


class ControlApi:
    """Routes under /emulator/ that play the people on the other side of the bot."""

    def __init__(self, world: World, tracer: Tracer, stats: Callable[[], dict]) -> None:
        self.world = world
        self.tracer = tracer
        self.stats = stats

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Registers the control routes."""
        router.add_post("/emulator/users", self.create_user)
        router.add_post("/emulator/users/{user_id}/messages", self.send_message)
        router.add_post("/emulator/users/{user_id}/edits", self.edit_message)
        router.add_post("/emulator/users/{user_id}/taps", self.tap_button)
        router.add_post("/emulator/users/{user_id}/block", self.block_bot)
        router.add_post("/emulator/users/{user_id}/lost-files", self.lose_file)
        router.add_get("/emulator/users/{user_id}/chat", self.read_chat)
        router.add_get("/emulator/users/{user_id}/toasts", self.read_toasts)
        router.add_post("/emulator/raw-updates", self.raw_update)
        router.add_post("/emulator/update-ids", self.restart_update_ids)
        router.add_get("/emulator/stats", self.read_stats)

    async def create_user(self, request: web.Request) -> web.Response:
        """Creates a virtual person who has not talked to the bot yet."""
        body = await self._body(request)
        first_name = body.get("first_name")
        if not isinstance(first_name, str) or not first_name.strip():
            raise refusal(web.HTTPBadRequest, "first_name is required")
        details = {key: body.get(key) for key in ("language_code", "last_name", "username")}
        chat = self.world.add_person(first_name, **details)
        return web.json_response({"user_id": chat.chat_id})

    async def send_message(self, request: web.Request) -> web.Response:
        """The person sends text, a voice note, a sticker or a photo."""
        chat = self._chat(request)
        content = self._content(await self._body(request))
        self._start(chat)
        message = chat.post(chat.person.as_user(), content)
        self.world.updates.push("message", message.as_api())
        return web.json_response({"message_id": message.message_id, "chat_version": chat.version})

    async def edit_message(self, request: web.Request) -> web.Response:
        """The person edits one of their text messages."""
        chat = self._chat(request)
        body = await self._body(request)
        message = chat.find(_integer(body.get("message_id")))
        if message is None or message.from_bot or "text" not in message.content:
            raise refusal(
                web.HTTPNotFound, f"{chat.person.first_name} has no text message {body.get('message_id')} to edit"
            )
        message.content = self._content({"text": body.get("text")})
        chat.touch(message, content_changed=True)
        self.world.updates.push("edited_message", message.as_api())
        return web.json_response({"message_id": message.message_id, "chat_version": chat.version})

    async def tap_button(self, request: web.Request) -> web.Response:
        """The person taps an inline button; the bot gets a callback_query."""
        chat = self._chat(request)
        body = await self._body(request)
        message_id, label = body.get("message_id"), body.get("button")
        message = chat.find(_integer(message_id))
        if message is None or not message.from_bot:
            raise refusal(web.HTTPNotFound, f"{chat.person.first_name} has no bot message {message_id}")
        button = find_button(message.reply_markup, label) if isinstance(label, str) else None
        if button is None:
            raise refusal(
                web.HTTPNotFound,
                f"message {message_id} has no button {label!r}; its buttons are {button_labels(message.reply_markup)}",
            )
        if "callback_data" not in button:
            raise refusal(web.HTTPBadRequest, f"button {label!r} does not send a callback")
        query_id = self.world.open_callback(chat)
        self.world.updates.push(
            "callback_query",
            {
                "id": query_id,
                "from": chat.person.as_user(),
                "message": message.as_api(),
                "chat_instance": chat.instance,
                "data": button["callback_data"],
            },
        )
        return web.json_response({"callback_query_id": query_id, "chat_version": chat.version})

    async def block_bot(self, request: web.Request) -> web.Response:
        """The person blocks the bot; later sends to them get 403."""
        chat = self._chat(request)
        await self._body(request)
        if not chat.person.blocked:
            chat.person.blocked = True
            self._member_change(chat, "member", "kicked")
        return web.json_response({"blocked": True})

    async def lose_file(self, request: web.Request) -> web.Response:
        """The file of the person's voice note is gone from the servers: getFile refuses, downloads 404."""
        chat = self._chat(request)
        message_id = (await self._body(request)).get("message_id")
        message = chat.find(_integer(message_id))
        file_id = voice_file_id(message.content) if message is not None and not message.from_bot else None
        if file_id is None:
            raise refusal(web.HTTPNotFound, f"{chat.person.first_name} sent no voice note {message_id}")
        return web.json_response({"forgotten": self.world.files.forget(file_id)})

    async def read_chat(self, request: web.Request) -> web.Response:
        """Returns the chat as the person sees it, optionally long-polling for a change."""
        chat = self._chat(request)
        after = _integer(request.query.get("after_version"))
        if after is not None:
            timeout = _seconds(request.query.get("timeout"))
            await chat.wait_newer(after, min(timeout, MAX_CHAT_WAIT_SECONDS))
        return web.json_response(chat.view(), headers={"X-Chat-Version": str(chat.version)})

    async def read_toasts(self, request: web.Request) -> web.Response:
        """Returns the callback answers shown to the person, oldest first."""
        return web.json_response(self._chat(request).toasts)

    async def raw_update(self, request: web.Request) -> web.Response:
        """Queues any JSON object as the next update, for robustness tests."""
        update = await self._body(request)
        return web.json_response({"update_id": self.world.updates.push_raw(update)})

    async def restart_update_ids(self, request: web.Request) -> web.Response:
        """Makes update ids start again from next_update_id, as Telegram may after a quiet week."""
        next_id = _integer((await self._body(request)).get("next_update_id"))
        if next_id is None or next_id <= 0:
            raise refusal(web.HTTPBadRequest, "next_update_id must be a positive whole number")
        self.world.updates.restart_ids(next_id)
        return web.json_response({"next_update_id": next_id})

    async def read_stats(self, request: web.Request) -> web.Response:
        """Returns the emulator's counters."""
        return web.json_response(self.stats())

    async def _body(self, request: web.Request) -> dict:
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            raise refusal(web.HTTPBadRequest, "the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise refusal(web.HTTPBadRequest, "the body must be a JSON object")
        self.tracer.control(request.path, body)
        return body

    def _chat(self, request: web.Request) -> Chat:
        user_id = _integer(request.match_info["user_id"])
        chat = self.world.chats.get(user_id) if user_id is not None else None
        if chat is None:
            raise refusal(web.HTTPNotFound, f"no virtual user {request.match_info['user_id']}")
        return chat

    def _content(self, body: dict) -> dict:
        """Returns Message fields for what the person sends, refused as their app would."""
        if "text" in body:
            return _text_content(body["text"])
        files = self.world.files
        if isinstance(body.get("voice"), dict):
            duration = _integer(body["voice"].get("duration")) or 1
            return voice_content(files, duration)
        if body.get("sticker"):
            sticker = files.add(_STICKER_BYTES, folder="stickers", extension=".webp", mime_type="image/webp")
            return {
                "sticker": {
                    **_file_fields(sticker),
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                    "emoji": "\N{THUMBS UP SIGN}",
                }
            }
        if body.get("photo"):
            photo = files.add(_PHOTO_BYTES, folder="photos", extension=".jpg", mime_type="image/jpeg")
            return {"photo": [{**_file_fields(photo), "width": 1280, "height": 960}]}
        extra = attachment(body, self.world)  # location, contact, poll, document
        if extra is not None:
            return extra
        raise refusal(web.HTTPBadRequest, "send one of: text, voice, sticker, photo, location, contact, poll, document")

    def _start(self, chat: Chat) -> None:
        """Any message starts the bot; one from a person who blocked it unblocks it first."""
        if chat.person.blocked:
            chat.person.blocked = False
            self._member_change(chat, "kicked", "member")
        chat.person.started = True

    def _member_change(self, chat: Chat, old: str, new: str) -> None:
        def member(status: str) -> dict:
            banned = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": self.world.bot} | banned

        self.world.updates.push(
            "my_chat_member",
            {
                "chat": chat.person.as_chat(),
                "from": chat.person.as_user(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )


def _text_content(text: object) -> dict:
    if not isinstance(text, str) or not text.strip():
        raise refusal(web.HTTPBadRequest, "message text is empty")
    if utf16_units(text) > MAX_TEXT_UNITS:
        raise refusal(web.HTTPBadRequest, "message is too long")
    entities = command_entities(text)
    return {"text": text, "entities": entities} if entities else {"text": text}


def _file_fields(stored) -> dict:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.data)}


def _integer(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        raise refusal(web.HTTPBadRequest, "timeout must be a number of seconds") from None
