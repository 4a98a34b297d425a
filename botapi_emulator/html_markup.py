"""Telegram's HTML parse mode, read strictly: visible text plus entities, or the refusal.

Pure and self-contained. Offsets in entities count UTF-16 code units, as Telegram's do;
offsets in refusals count UTF-8 bytes of the source, as Telegram's messages do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_CHARACTERS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_PLAIN = re.compile(r"[^<&]+")
_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_-]*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_SPACE = re.compile(r"\s*")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]{0,31}));")


@dataclass(frozen=True)
class FormattedText:
    """Text as the reader sees it, with Telegram MessageEntity dicts."""

    text: str
    entities: tuple[dict, ...] = ()


class EntityParseError(ValueError):
    """The detail of Telegram's "can't parse entities" refusal."""


def parse_html(source: str) -> FormattedText:
    """Returns the visible text and entities of an HTML-formatted message, or raises."""
    return _HtmlReader(source).read()


def utf16_units(text: str) -> int:
    """Counts UTF-16 code units, the unit of Telegram's lengths and offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int
    entity: dict | None


class _HtmlReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.pieces: list[str] = []
        self.units = 0
        self.open: list[_OpenTag] = []
        self.entities: list[dict] = []

    def read(self) -> FormattedText:
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "<":
                self._end_tag() if self.source.startswith("</", self.pos) else self._start_tag()
            elif char == "&":
                character, self.pos = self._reference(self.pos)
                self._emit(character)
            else:
                plain = _PLAIN.match(self.source, self.pos)
                self.pos = plain.end()
                self._emit(plain.group())
        if self.open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"')
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.pieces), tuple(entities))

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        self.units += utf16_units(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8", "surrogatepass"))

    def _reference(self, index: int) -> tuple[str, int]:
        """Decodes the character reference at index; returns it and the index after it."""
        match = _REFERENCE.match(self.source, index)
        character = _referenced_character(match) if match else None
        if character is None:
            raise EntityParseError(f"Unsupported entity at byte offset {self._byte_offset(index)}")
        return character, match.end()

    def _start_tag(self) -> None:
        at = self.pos
        name_match = _TAG_NAME.match(self.source, at + 1)
        name = name_match.group().lower()
        if name not in ENTITY_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(at)}')
        self.pos = name_match.end()
        attributes = self._attributes(at, name)
        self.open.append(_OpenTag(name, self.units, self._entity_for(name, attributes, at)))

    def _attributes(self, at: int, tag: str) -> dict[str, str]:
        """Reads attributes up to and including the closing '>' of a start tag."""
        attributes: dict[str, str] = {}
        while True:
            self.pos = _SPACE.match(self.source, self.pos).end()
            if self.pos >= len(self.source):
                raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(at)}")
            if self.source[self.pos] == ">":
                self.pos += 1
                return attributes
            name_match = _ATTRIBUTE_NAME.match(self.source, self.pos)
            if not name_match.group():
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self._byte_offset(self.pos)}'
                )
            self.pos = _SPACE.match(self.source, name_match.end()).end()
            value = ""
            if self.source.startswith("=", self.pos):
                self.pos = _SPACE.match(self.source, self.pos + 1).end()
                value = self._attribute_value(at)
            attributes[name_match.group().lower()] = value

    def _attribute_value(self, at: int) -> str:
        quote = self.source[self.pos : self.pos + 1]
        if quote in ("'", '"'):
            close = self.source.find(quote, self.pos + 1)
            if close < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(at)}")
            start, end, self.pos = self.pos + 1, close, close + 1
        else:
            start = self.pos
            end = self.pos = _UNQUOTED_VALUE.match(self.source, self.pos).end()
        return self._decode(start, end)

    def _decode(self, start: int, end: int) -> str:
        """Decodes references inside an attribute value, as strictly as in text."""
        pieces, index = [], start
        while index < end:
            amp = self.source.find("&", index, end)
            if amp < 0:
                pieces.append(self.source[index:end])
                break
            character, after = self._reference(amp)
            pieces.extend((self.source[index:amp], character))
            index = after
        return "".join(pieces)

    def _entity_for(self, name: str, attributes: dict[str, str], at: int) -> dict | None:
        kind = ENTITY_TYPES[name]
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(at)}')
        if kind == "text_link":
            href = attributes.get("href", "").strip()
            return {"type": "text_link", "url": href} if href else None
        if kind == "custom_emoji":
            if not attributes.get("emoji-id"):
                raise EntityParseError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {self._byte_offset(at)}'
                )
            return {"type": "custom_emoji", "custom_emoji_id": attributes["emoji-id"]}
        if name == "blockquote" and "expandable" in attributes:
            return {"type": "expandable_blockquote"}
        if name == "code" and self.open and self.open[-1].name == "pre":
            # <pre><code class="language-x"> is one pre entity carrying the language.
            language = attributes.get("class", "")
            pre = self.open[-1].entity
            if pre is not None and language.startswith("language-"):
                pre["language"] = language.removeprefix("language-")
            return None
        return {"type": kind}

    def _end_tag(self) -> None:
        at = self.pos
        close = self.source.find(">", at)
        if close < 0:
            raise EntityParseError(f"Unclosed end tag at byte offset {self._byte_offset(at)}")
        name = self.source[at + 2 : close].strip().lower()
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset(at)}")
        top = self.open[-1]
        if name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {self._byte_offset(at)}, expected "</{top.name}>", found "</{name}>"'
            )
        self.open.pop()
        self.pos = close + 1
        if top.entity is not None and self.units > top.start:
            self.entities.append({**top.entity, "offset": top.start, "length": self.units - top.start})


def _referenced_character(match: re.Match) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return NAMED_CHARACTERS.get(name)
    code_point = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
    if code_point == 0 or code_point > 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        return None
    return chr(code_point)
