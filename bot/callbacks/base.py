"""Typed callback data: every button's payload is packed and unpacked here and nowhere else.

A payload is `prefix|field|field`, at most 64 bytes (Telegram's limit). Anything that does not
unpack exactly - stale buttons from an older version, forged data - raises InvalidCallback, which
the bot answers with a friendly note rather than a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import ClassVar

MAX_BYTES = 64
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_VALUE = re.compile(r"^[a-z0-9_,]{1,24}$")


class InvalidCallback(ValueError):
    """The callback data is not something this bot packed."""


@dataclass(frozen=True)
class Callback:
    prefix: ClassVar[str]


@dataclass(frozen=True)
class AtQuestion(Callback):
    """A button that acts on question `number` of a round."""

    round_id: str
    number: int


KINDS: dict[str, type[Callback]] = {}


def register(*kinds: type[Callback]) -> None:
    """Adds button kinds to the table `unpack` reads; a prefix is taken once."""
    for kind in kinds:
        if kind.prefix in KINDS:
            raise ValueError(f"callback prefix {kind.prefix!r} is taken")
        KINDS[kind.prefix] = kind


def pack(data: Callback) -> str:
    """Returns the callback_data string for a button; refuses anything over 64 bytes."""
    parts = [data.prefix]
    for f in fields(data):
        value = getattr(data, f.name)
        parts.append(str(int(value)) if isinstance(value, bool) else str(value))
    packed = "|".join(parts)
    if len(packed.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {packed!r} is over {MAX_BYTES} bytes")
    return packed


def unpack(raw: str | None) -> Callback:
    """Returns the typed callback for a button's data, or raises InvalidCallback."""
    if not raw or len(raw.encode()) > MAX_BYTES:
        raise InvalidCallback("empty or too long")
    prefix, *values = raw.split("|")
    kind = KINDS.get(prefix)
    if kind is None or len(values) != len(fields(kind)):
        raise InvalidCallback(f"unknown kind {prefix!r}")
    return kind(*(_field(f.type, v) for f, v in zip(fields(kind), values, strict=True)))


def _field(kind: object, text: str) -> object:
    if kind in (int, "int", bool, "bool"):
        if not text.isdigit() or len(text) > 6:
            raise InvalidCallback("not a number")
        return bool(int(text)) if kind in (bool, "bool") else int(text)
    if not (_ID.match(text) or _VALUE.match(text)):
        raise InvalidCallback("not an id or value")
    return text


def copies_of(data: Callback) -> Callable[[str], bool] | None:
    """For a question's button, returns a test that another button's data asks the same question (so the
    message carrying it is a copy of the question); None for other buttons, whose copies all work."""
    if not isinstance(data, AtQuestion):
        return None
    asked = (data.round_id, data.number)

    def same(raw: str) -> bool:
        try:
            other = unpack(raw)
        except InvalidCallback:
            return False
        return isinstance(other, AtQuestion) and (other.round_id, other.number) == asked

    return same


def matches(kind: type[Callback]):
    """Returns a CallbackQueryHandler pattern that accepts only this kind's packed data."""
    prefix = kind.prefix + "|"
    return lambda data: isinstance(data, str) and data.startswith(prefix)
