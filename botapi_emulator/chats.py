"""Private chats between the bot and virtual people, with a version counter to wait on."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .html_markup import FormattedText
from .keyboards import button_labels

_MEDIA_KINDS = ("document", "photo", "voice", "sticker", "location", "contact", "poll")


@dataclass
class Person:
    """A virtual Telegram user; their private chat with the bot has the same id."""

    user_id: int
    first_name: str
    language_code: str | None = None
    last_name: str | None = None
    username: str | None = None
    started: bool = False
    blocked: bool = False

    def as_user(self) -> dict:
        """Returns the Telegram User object."""
        optional = {"last_name": self.last_name, "username": self.username, "language_code": self.language_code}
        user = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        return user | {key: value for key, value in optional.items() if value}

    def as_chat(self) -> dict:
        """Returns the Telegram Chat object of the private chat."""
        optional = {"last_name": self.last_name, "username": self.username}
        chat = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        return chat | {key: value for key, value in optional.items() if value}


def text_content(text: FormattedText) -> dict:
    """Returns the Message fields for a text."""
    content: dict = {"text": text.text}
    if text.entities:
        content["entities"] = list(text.entities)
    return content


def caption_content(caption: FormattedText) -> dict:
    """Returns the Message fields for a media caption (none when empty)."""
    if not caption.text:
        return {}
    content: dict = {"caption": caption.text}
    if caption.entities:
        content["caption_entities"] = list(caption.entities)
    return content


@dataclass
class StoredMessage:
    """One message in a chat, as it currently stands."""

    message_id: int
    chat: dict
    sender: dict
    date: int
    content: dict
    reply_markup: dict | None = None
    reply_to: dict | None = None
    edit_date: int | None = None
    posted_at: int = 0
    changed_at: int = 0
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """Tells whether the bot sent this message."""
        return bool(self.sender.get("is_bot"))

    def as_api(self) -> dict:
        """Returns the full Telegram Message object."""
        message = {"message_id": self.message_id, "from": self.sender, "chat": self.chat, "date": self.date}
        message.update(self.content)
        if self.reply_to is not None:
            message["reply_to_message"] = self.reply_to
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        # Message objects carry only inline keyboards; reply keyboards live on the client.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message

    def as_view(self) -> dict:
        """Returns the message as the person sees it in the chat."""
        document = self.content.get("document")
        kind = next((k for k in _MEDIA_KINDS if k in self.content), "text")
        return {
            "message_id": self.message_id,
            "from": "bot" if self.from_bot else "user",
            "text": self.content.get("text", self.content.get("caption", "")),
            "buttons": button_labels(self.reply_markup),
            "document": document["file_name"] if document else None,
            "photo": "photo" in self.content,
            "kind": kind,
            "edited": self.edit_date is not None,
            "posted": self.posted_at,
            "version": self.changed_at,
        }


class Chat:
    """A private chat; every new message or edit bumps its version."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.messages: dict[int, StoredMessage] = {}
        self.version = 0
        self.toasts: list[dict] = []
        self._next_message_id = 1
        self._changed = asyncio.Event()
        self._closed = False

    @property
    def chat_id(self) -> int:
        """Returns the chat id, which equals the person's user id."""
        return self.person.user_id

    @property
    def instance(self) -> str:
        """Returns the chat_instance string callback queries carry, stable per chat."""
        return str(-(self.chat_id * 1_000_003 % 10**18 + 10**18))

    def post(
        self, sender: dict, content: dict, *, reply_markup: dict | None = None, reply_to: dict | None = None
    ) -> StoredMessage:
        """Adds a new message to the chat."""
        message = StoredMessage(
            self._next_message_id, self.person.as_chat(), sender, int(time.time()), content, reply_markup, reply_to
        )
        self._next_message_id += 1
        self.messages[message.message_id] = message
        self._bump(message)
        message.posted_at = message.changed_at
        return message

    def touch(self, message: StoredMessage, *, content_changed: bool) -> None:
        """Records that a message was edited."""
        if content_changed:
            message.edit_date = int(time.time())
        self._bump(message)

    def delete(self, message: StoredMessage) -> None:
        """Removes a message from what the person sees."""
        message.deleted = True
        self._bump(message)

    def find(self, message_id: int | None) -> StoredMessage | None:
        """Returns a message that is still in the chat."""
        message = self.messages.get(message_id) if message_id is not None else None
        return None if message is None or message.deleted else message

    def view(self) -> list[dict]:
        """Returns the chat as the person sees it, oldest first."""
        return [m.as_view() for m in self.messages.values() if not m.deleted]

    async def wait_newer(self, after: int, timeout: float) -> None:
        """Waits until the version exceeds after, the timeout passes, or the chat closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.version <= after and not self._closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return

    @property
    def closed(self) -> bool:
        """Tells whether waiting is switched off (the server is stopping)."""
        return self._closed

    @closed.setter
    def closed(self, value: bool) -> None:
        self._closed = value
        if value:
            self._changed.set()
            self._changed = asyncio.Event()

    def _bump(self, message: StoredMessage) -> None:
        self.version += 1
        message.changed_at = self.version
        # Swap in a fresh event so waiters woken now do not wake again for this change.
        self._changed.set()
        self._changed = asyncio.Event()
