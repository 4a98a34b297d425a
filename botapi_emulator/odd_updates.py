"""Updates a careful bot must survive: locations, contacts, polls and documents where it expects
text, messages in group chats, channel posts, and taps on buttons whose data was forged.

Kept apart from control.py so the people's everyday actions stay short to read there.
"""

from __future__ import annotations

import itertools
import json
import time

from aiohttp import web

from .chats import Chat, Person
from .world import World

FIRST_GROUP_ID = -1001000000001
_DOCUMENT_BYTES = b"%PDF-1.4\n" + bytes(60)
_GROUP_KINDS = ("group", "supergroup", "channel")
_group_ids = itertools.count(FIRST_GROUP_ID, -1)


class GroupPlace(Person):
    """A group or channel: the bot writes to it by its (negative) id, as to a person's chat."""

    def __init__(self, chat_id: int, title: str, kind: str) -> None:
        super().__init__(chat_id, title, started=True)
        self.kind = kind

    def as_chat(self) -> dict:
        """Returns the Telegram Chat object of the group or channel."""
        return {"id": self.user_id, "type": self.kind, "title": self.first_name}


def attachment(body: dict, world: World) -> dict | None:
    """Returns Message fields for a location, contact, poll or document, or None for anything else."""
    if isinstance(body.get("location"), dict):
        place = body["location"]
        return {
            "location": {
                "latitude": float(place.get("latitude", 51.5)),
                "longitude": float(place.get("longitude", -0.1)),
            }
        }
    if isinstance(body.get("contact"), dict):
        card = body["contact"]
        contact = {
            "phone_number": str(card.get("phone_number", "+441234567890")),
            "first_name": str(card.get("first_name", "Sam")),
        }
        return {"contact": contact}
    if isinstance(body.get("poll"), dict):
        return {"poll": _poll(body["poll"])}
    if isinstance(body.get("document"), dict):
        name = str(body["document"].get("file_name", "notes.pdf"))
        stored = world.files.add(_DOCUMENT_BYTES, folder="documents", extension=".pdf", mime_type="application/pdf")
        fields = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.data)}
        return {"document": {**fields, "file_name": name, "mime_type": "application/pdf"}}
    return None


def _poll(given: dict) -> dict:
    options = given.get("options") or ["Yes", "No"]
    return {
        "id": str(int(time.time() * 1000)),
        "question": str(given.get("question", "What do you think?")),
        "options": [{"text": str(o), "voter_count": 0, "persistent_id": str(n)} for n, o in enumerate(options)],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }


class OddUpdatesApi:
    """Control routes for groups, channels and forged taps."""

    def __init__(self, world: World, content) -> None:
        self.world = world
        self.content = content  # the people's own content builder (text, media, attachments)

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Registers the routes."""
        router.add_post("/emulator/groups", self.create_group)
        router.add_post("/emulator/groups/{chat_id}/messages", self.post_in_group)
        router.add_post("/emulator/users/{user_id}/forged-taps", self.forged_tap)

    async def create_group(self, request: web.Request) -> web.Response:
        """Creates a group, supergroup or channel the bot is a member of."""
        body = await _body(request)
        kind = body.get("type", "group")
        if kind not in _GROUP_KINDS:
            raise _refusal(web.HTTPBadRequest, f"type must be one of {_GROUP_KINDS}")
        place = GroupPlace(next(_group_ids), str(body.get("title") or "Carers' chat"), kind)
        self.world.chats[place.user_id] = Chat(place)
        return web.json_response({"chat_id": place.user_id})

    async def post_in_group(self, request: web.Request) -> web.Response:
        """A member writes in a group, or the channel posts; the bot gets message or channel_post."""
        chat = self._chat(request.match_info["chat_id"])
        if not isinstance(chat.person, GroupPlace):
            raise _refusal(web.HTTPNotFound, "no such group or channel")
        body = await _body(request)
        content = self.content(body)
        if chat.person.kind == "channel":
            # Telegram's channel posts have no sender, only sender_chat; the stored sender is for the view.
            message = chat.post({"id": chat.chat_id, "is_bot": False, "first_name": chat.person.first_name}, content)
            update = {k: v for k, v in message.as_api().items() if k != "from"} | {"sender_chat": chat.person.as_chat()}
            self.world.updates.push("channel_post", update)
        else:
            member = self._chat(str(body.get("user_id")))
            message = chat.post(member.person.as_user(), content)
            self.world.updates.push("message", message.as_api())
        return web.json_response({"message_id": message.message_id, "chat_version": chat.version})

    async def forged_tap(self, request: web.Request) -> web.Response:
        """The person's app sends a callback with any data, on a bot message (the newest by default).

        `from_user_id` forges the sender too: a query Telegram itself would never send.
        """
        chat = self._chat(request.match_info["user_id"])
        body = await _body(request)
        message = chat.find(body.get("message_id")) if body.get("message_id") else _newest_from_bot(chat)
        if message is None:
            raise _refusal(web.HTTPNotFound, f"{chat.person.first_name} has no such bot message")
        sender = self._chat(str(body["from_user_id"])).person if body.get("from_user_id") else chat.person
        query_id = self.world.open_callback(chat)
        query = {
            "id": query_id,
            "from": sender.as_user(),
            "message": message.as_api(),
            "chat_instance": chat.instance,
            "data": str(body.get("data", "")),
        }
        self.world.updates.push("callback_query", query)
        return web.json_response({"callback_query_id": query_id, "chat_version": chat.version})

    def _chat(self, raw: str) -> Chat:
        chat_id = int(raw) if raw.lstrip("-").isdigit() else None
        chat = self.world.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise _refusal(web.HTTPNotFound, f"no chat {raw}")
        return chat


def _newest_from_bot(chat: Chat):
    return next((m for m in reversed(chat.messages.values()) if m.from_bot and not m.deleted), None)


async def _body(request: web.Request) -> dict:
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _refusal(web.HTTPBadRequest, "the body must be a JSON object")
    return body


def _refusal(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"error": message}), content_type="application/json")
