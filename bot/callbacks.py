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
class Consent(Callback):
    """Answers consent step `step` with yes or no."""

    prefix: ClassVar[str] = "c"
    step: int
    agree: bool


@dataclass(frozen=True)
class Begin(Callback):
    """Starts (or resumes) a round."""

    prefix: ClassVar[str] = "b"
    round_id: str


@dataclass(frozen=True)
class AtQuestion(Callback):
    """A button that acts on question `number` of a round."""

    round_id: str
    number: int


@dataclass(frozen=True)
class Pick(AtQuestion):
    """Chooses `value` for question `number`: a scale point, "not_sure", or a single choice's option id."""

    prefix: ClassVar[str] = "p"
    value: str


@dataclass(frozen=True)
class Toggle(AtQuestion):
    """Ticks or unticks options of a multiple-choice question; `mask` is the new selection."""

    prefix: ClassVar[str] = "t"
    mask: int


@dataclass(frozen=True)
class Rate(AtQuestion):
    """Rates the item at position `item` on criterion `criterion` (its index) with `value`.

    Naming the card lets a repeat tap, sent before the next card arrived, be refused instead of
    answering a card the person never saw.
    """

    prefix: ClassVar[str] = "r"
    item: int
    criterion: int
    value: str


@dataclass(frozen=True)
class DontKnow(AtQuestion):
    """Passes every criterion of the item at position `item` not yet rated ("I don't know this idea").

    It names the card it was on, as Rate does, so a late repeat tap cannot pass the next idea.
    """

    prefix: ClassVar[str] = "dk"
    item: int
    criterion: int


@dataclass(frozen=True)
class Submit(AtQuestion):
    """Sends the ticked options of a multiple-choice question; `mask` has one bit per option."""

    prefix: ClassVar[str] = "d"
    mask: int


@dataclass(frozen=True)
class NextQuestion(AtQuestion):
    prefix: ClassVar[str] = "n"


@dataclass(frozen=True)
class AddExample(AtQuestion):
    prefix: ClassVar[str] = "e"


@dataclass(frozen=True)
class Skip(AtQuestion):
    prefix: ClassVar[str] = "s"


@dataclass(frozen=True)
class NoReason(Callback):
    """Goes on without saying why one sees a card differently from one's group."""

    prefix: ClassVar[str] = "nr"
    round_id: str


@dataclass(frozen=True)
class RemindNow(Callback):
    """A coordinator confirms (or cancels) a reminder to a round's non-finishers.

    `seen` is how many reminders the plan had when the question was asked, so a second tap on the
    same message does not add a second reminder.
    """

    prefix: ClassVar[str] = "rm"
    round_id: str
    seen: int
    go: bool


@dataclass(frozen=True)
class Announce(Callback):
    """A coordinator sends (or cancels) the announcement with this id; urgent goes even in quiet hours."""

    prefix: ClassVar[str] = "an"
    announcement_id: int
    send: bool
    urgent: bool = False  # sent now even in quiet hours


@dataclass(frozen=True)
class DigestPage(Callback):
    """A participant pages through their digest of a round's summary; the message is edited in place."""

    prefix: ClassVar[str] = "dg"
    round_id: str
    page: int


@dataclass(frozen=True)
class SummaryAct(Callback):
    """A coordinator acts on a round's draft summary: `act` is opening, drop (excerpt `number`), approve or now."""

    prefix: ClassVar[str] = "sm"
    ACTS: ClassVar[tuple[str, ...]] = ("opening", "drop", "approve", "now")
    round_id: str
    act: str
    number: int = 0

    def __post_init__(self) -> None:
        if self.act not in self.ACTS:  # anything else is forged: it must not fall through to Approve
            raise InvalidCallback(f"no summary action {self.act!r}")


@dataclass(frozen=True)
class ConsentChoice(Callback):
    """Changes the answer to optional consent statement `number` (its position) from /consent."""

    prefix: ClassVar[str] = "cc"
    number: int
    agree: bool


@dataclass(frozen=True)
class Reconsent(Callback):
    """Answers reworded consent statement `number` again before going on with a round."""

    prefix: ClassVar[str] = "ca"
    round_id: str
    number: int
    agree: bool


@dataclass(frozen=True)
class Withdraw(Callback):
    """A participant confirms (or cancels) leaving the consultation."""

    prefix: ClassVar[str] = "wd"
    go: bool


@dataclass(frozen=True)
class ReviewPage(Callback):
    """Shows page `page` of a person's answers in a round (/review); the message is edited in place."""

    prefix: ClassVar[str] = "rv"
    round_id: str
    page: int


@dataclass(frozen=True)
class Change(Callback):
    """Asks the question of answer `answer` (its id) again to change it; `keep` forgets a typed change asked for."""

    prefix: ClassVar[str] = "ch"
    round_id: str
    answer: int
    keep: bool = False


KINDS: dict[str, type[Callback]] = {
    k.prefix: k
    for k in (
        Consent,
        Begin,
        Pick,
        Rate,
        DontKnow,
        Submit,
        Toggle,
        NextQuestion,
        AddExample,
        Skip,
        NoReason,
        RemindNow,
        Announce,
        DigestPage,
        SummaryAct,
        ConsentChoice,
        Reconsent,
        Withdraw,
        ReviewPage,
        Change,
    )
}


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


# -- follow-ups about examples, "I have no example" and Other (issue 11) ---------------------


@dataclass(frozen=True)
class SkipFollowup(AtQuestion):
    """Skips follow-up `index` (from 0) about example `nth` (from 1); naming it makes a late repeat tap harmless."""

    prefix: ClassVar[str] = "fs"
    nth: int
    index: int


@dataclass(frozen=True)
class NoExample(AtQuestion):
    """Finishes an examples question the person has no example for."""

    prefix: ClassVar[str] = "nx"


@dataclass(frozen=True)
class OtherTick(AtQuestion):
    """Ticks Other on a multiple choice, whose words are asked next; `mask` is the other options ticked."""

    prefix: ClassVar[str] = "ot"
    mask: int


KINDS.update({k.prefix: k for k in (SkipFollowup, NoExample, OtherTick)})


@dataclass(frozen=True)
class ChooseLanguage(Callback):
    """Switches the person to one of the definition's languages (a code such as "cy")."""

    prefix: ClassVar[str] = "lg"
    language: str


KINDS[ChooseLanguage.prefix] = ChooseLanguage


# -- an item card's "More about this idea" and Back (issue 20) ---------------------------------


@dataclass(frozen=True)
class MoreAbout(AtQuestion):
    """Shows the whole description and evidence notes of the item on card (item, criterion), in place."""

    prefix: ClassVar[str] = "mi"
    item: int
    criterion: int


@dataclass(frozen=True)
class BackToCard(AtQuestion):
    """Shows card (item, criterion) again, with its buttons, in place of "More about this idea"."""

    prefix: ClassVar[str] = "mb"
    item: int
    criterion: int


@dataclass(frozen=True)
class ChangeMore(Callback):
    """On the card of answer `answer` asked again (/review, Change): "More about this idea", or `back` to the card."""

    prefix: ClassVar[str] = "cm"
    round_id: str
    answer: int
    back: bool = False


KINDS.update({k.prefix: k for k in (MoreAbout, BackToCard, ChangeMore)})
