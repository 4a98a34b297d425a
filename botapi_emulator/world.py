"""Everything the emulator remembers: people, chats, updates, files, callback queries."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from . import errors
from .chats import Chat, Person
from .errors import bad_request, forbidden, too_many_requests
from .files import FileStore
from .flood import FloodControl
from .params import Params
from .updates import UpdateQueue
from .webhooks.delivery import Webhook

FIRST_USER_ID = 10001
CALLBACK_LIFETIME_SECONDS = 15 * 60
DEFAULT_BOT_ID = 1000000001


def bot_user(bot_id: int, username: str) -> dict:
    """Returns the bot's own User object as getMe gives it."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Carework",
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@dataclass
class PendingCallback:
    """A callback query the bot still has to answer."""

    chat: Chat
    created: float
    answered: bool = False


class World:
    """The state behind both the bot's API and the people's control API."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        bot_username: str,
        flood_control: bool = True,
        first_user_id: int = FIRST_USER_ID,
    ) -> None:
        self.clock = clock
        self.bot_username = bot_username
        self.bot = bot_user(DEFAULT_BOT_ID, bot_username)
        self.chats: dict[int, Chat] = {}
        self.updates = UpdateQueue()
        self.webhook = Webhook(self.updates)
        self.files = FileStore()
        # None lifts Telegram's limits, so a benchmark can find the bot's own ceiling.
        self.flood = FloodControl(clock) if flood_control else None
        self.callbacks: dict[str, PendingCallback] = {}
        self.commands: dict[str, list] = {}
        self.messages_sent = 0
        self._user_ids = itertools.count(first_user_id)
        self._callback_ids = itertools.count(4_382_000_000_000_000_001)

    def add_person(self, first_name: str, **details: str | None) -> Chat:
        """Creates a virtual person and their (still empty) private chat."""
        person = Person(next(self._user_ids), first_name, **details)
        chat = self.chats[person.user_id] = Chat(person)
        return chat

    def writable_chat(self, params: Params) -> Chat:
        """Returns the chat named by chat_id if the bot may write there, or refuses."""
        raw = params.values.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = params.integer("chat_id")
        except errors.BotApiError:
            chat_id = None  # "@username" never names a private chat
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        if chat.person.blocked:
            raise forbidden(errors.BLOCKED)
        if not chat.person.started:
            raise forbidden(errors.NOT_STARTED)
        return chat

    def admit(self, chat: Chat, new_message: bool = True) -> None:
        """Spends flood-control tokens for one send or edit, or refuses with 429."""
        if self.flood is None:
            return
        retry_after = self.flood.admit(chat.chat_id, new_message)
        if retry_after:
            raise too_many_requests(retry_after)

    def open_callback(self, chat: Chat) -> str:
        """Registers a new callback query and returns its id."""
        query_id = str(next(self._callback_ids))
        self.callbacks[query_id] = PendingCallback(chat, self.clock())
        return query_id

    def answer_callback(self, query_id: str | None) -> Chat:
        """Marks a callback query answered, refusing unknown, answered or stale ones."""
        pending = self.callbacks.get(query_id or "")
        if pending is None or pending.answered or self.clock() - pending.created > CALLBACK_LIFETIME_SECONDS:
            raise bad_request(errors.QUERY_TOO_OLD)
        pending.answered = True
        return pending.chat

    def close(self) -> None:
        """Releases every long poll, for shutdown."""
        self.updates.close()
        for chat in self.chats.values():
            chat.closed = True

    def reopen(self) -> None:
        """Lets long polls wait again after a restart."""
        for chat in self.chats.values():
            chat.closed = False
