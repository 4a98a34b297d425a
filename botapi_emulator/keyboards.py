"""Reply markup as Telegram validates it, and the inline buttons a person can tap."""

from __future__ import annotations

from .errors import bad_request

INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_CALLBACK_DATA_BYTES = 64
_OTHER_MARKUP_KEYS = ("keyboard", "remove_keyboard", "force_reply")


def checked_markup(markup: object, *, inline_only: bool = False) -> dict | None:
    """Returns the reply markup as Telegram would store it, or refuses it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = _checked_rows(markup["inline_keyboard"])
        # An empty inline keyboard is no keyboard, for display and for "not modified" alike.
        return {"inline_keyboard": rows} if any(rows) else None
    if inline_only:
        raise bad_request("inline keyboard expected")
    if any(key in markup for key in _OTHER_MARKUP_KEYS):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def button_labels(markup: dict | None) -> list[list[str]]:
    """Returns the labels of inline buttons, row by row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [[button["text"] for button in row] for row in rows]


def find_button(markup: dict | None, label: str) -> dict | None:
    """Returns the first inline button with this label, if any."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return button
    return None


def _checked_rows(rows: object) -> list[list[dict]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    return [[_checked_button(button) for button in row] for row in rows]


def _checked_button(button: object) -> dict:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    action = actions[0]
    if action == "callback_data":
        data = button["callback_data"]
        if not isinstance(data, str) or not 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if action == "url" and not str(button["url"]).strip():
        raise bad_request("BUTTON_URL_INVALID")
    # Telegram keeps only the fields it knows; a typo'd second field silently disappears.
    return {"text": text, action: button[action]}
