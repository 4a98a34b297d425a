"""Updates coming in and messages going out: the words the inbox, the outbox, their storage and the
bot's sender share. The core says what kind of message it wants; the bot names the Bot API call."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MESSAGE_UNITS = 4096  # Telegram's longest message, counted as Telegram counts: UTF-16 code units


def utf16_units(text: str) -> int:
    """Counts UTF-16 code units, the unit of Telegram's lengths (an emoji outside the BMP counts as two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class InboxStatus(StrEnum):
    NEW = "new"
    DONE = "done"
    SET_ASIDE = "set_aside"  # could not be processed; kept a few days for diagnosis


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good, or expired
    UNDELIVERABLE = "undeliverable"  # the chat blocked the bot


class MessageKind(StrEnum):
    SEND = "send"  # a new message
    EDIT = "edit"  # new text and buttons for a message sent earlier
    EDIT_BUTTONS = "edit_buttons"  # new buttons only
    CHART = "chart"  # a round's chart as a photo: params name the round in "chart", the sender uploads it once
    DOCUMENT = "document"  # a file on disk (the information sheet): params name it in "document_path"


class Lane(StrEnum):
    """Which share of the pace a message waits in: a reply goes before any broadcast."""

    REPLY = "reply"  # an answer to a person's own action: they are looking at the chat right now
    BROADCAST = "broadcast"  # invitations, reminders, notices, announcements: round-robin across rounds


@dataclass(frozen=True)
class StoredUpdate:
    update_id: int
    payload: str
    kind: str = ""
    receipt: int = 0  # the inbox row's own number; 0 until stored
    received_at: str = ""  # when it was stored; "" until stored


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to queue: its kind, the parameters the bot sends with it, and what it is for."""

    chat_id: int
    params: dict[str, Any]
    dedupe_key: str | None = None
    participant_id: int | None = None
    round_id: str | None = None  # an invitation to this round matters while the round is open
    kind: MessageKind = MessageKind.SEND
    lane: Lane = Lane.REPLY  # callers that broadcast say so


@dataclass(frozen=True)
class QueuedMessage:
    id: int
    chat_id: int
    kind: MessageKind
    params: dict[str, Any] = field(hash=False)
    attempts: int
    participant_id: int | None
    wanted: bool = True  # False once it expired or its round is no longer open
    lane: Lane = Lane.REPLY
