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
