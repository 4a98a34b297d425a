"""Message text and captions as Telegram accepts them: formatting, emptiness, length."""

from __future__ import annotations

import re

from .errors import bad_request
from .html_markup import EntityParseError, FormattedText, parse_html, utf16_units

MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?")


def formatted(text: str, parse_mode: str | None, entities: object) -> FormattedText:
    """Applies parse_mode (HTML only) or explicit entities to the text as Telegram does."""
    if entities is not None:
        return FormattedText(text, tuple(_checked_entities(entities)))
    if not parse_mode:
        return FormattedText(text)
    if parse_mode.lower() != "html":
        # MarkdownV2 is not emulated: the house formats with HTML, so refuse rather than guess.
        raise bad_request("unsupported parse_mode")
    try:
        return parse_html(text)
    except EntityParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None


def message_text(text: str | None, parse_mode: str | None, entities: object) -> FormattedText:
    """Returns the text of a message, refusing empty or over-long text."""
    result = formatted(text or "", parse_mode, entities)
    if not result.text.strip():
        raise bad_request("message text is empty")
    if utf16_units(result.text) > MAX_TEXT_UNITS:
        raise bad_request("message is too long")
    return result


def caption_text(text: str | None, parse_mode: str | None, entities: object) -> FormattedText:
    """Returns a media caption, refusing one over 1024 UTF-16 units."""
    result = formatted(text or "", parse_mode, entities)
    if utf16_units(result.text) > MAX_CAPTION_UNITS:
        raise bad_request("message caption is too long")
    return result


def command_entities(text: str) -> list[dict]:
    """Marks a leading /command the way Telegram's clients do."""
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_units(match.group())}]


def _checked_entities(entities: object) -> list[dict]:
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    for entity in entities:
        if not isinstance(entity.get("type"), str):
            raise bad_request("can't parse entities: entity type is not specified")
        if not all(isinstance(entity.get(key), int) for key in ("offset", "length")):
            raise bad_request("can't parse entities: entity offset and length must be integers")
    return entities
