"""What the bot sends: a reply's text (Telegram HTML) and its buttons, as Bot API parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import callbacks as cb


@dataclass(frozen=True)
class Button:
    label: str
    data: cb.Callback


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    def params(self) -> dict[str, Any]:
        """Returns the sendMessage/editMessageText parameters for this reply."""
        out: dict[str, Any] = {"text": self.text, "parse_mode": "HTML"}
        if self.buttons:
            out["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.label, "callback_data": cb.pack(b.data)} for b in row] for row in self.buttons
                ]
            }
        return out


@dataclass(frozen=True)
class Document:
    """A file on disk sent as a document with a caption, in order with the replies around it; `version`
    (a hash of its bytes) tells the sender when a file it uploaded before has changed."""

    path: str
    caption: str
    version: str

    def params(self) -> dict[str, Any]:
        """Returns the outbox parameters the sender turns into a sendDocument call."""
        return {
            "document_path": self.path,
            "document_version": self.version,
            "caption": self.caption,
            "parse_mode": "HTML",
        }
