"""A participant's buttons while answering a round: questions, cards, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.callbacks.base import AtQuestion, Callback, register


@dataclass(frozen=True)
class Begin(Callback):
    """Starts (or resumes) a round."""

    prefix: ClassVar[str] = "b"
    round_id: str


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


register(
    Begin,
    Pick,
    Toggle,
    Rate,
    DontKnow,
    Submit,
    NextQuestion,
    AddExample,
    Skip,
    NoReason,
    SkipFollowup,
    NoExample,
    OtherTick,
    MoreAbout,
    BackToCard,
)
