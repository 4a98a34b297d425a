"""A participant's buttons about themselves: consent, withdrawal, /review, language, their digest and the
pages of a summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.callbacks.base import Callback, register


@dataclass(frozen=True)
class Consent(Callback):
    """Answers consent step `step` with yes or no."""

    prefix: ClassVar[str] = "c"
    step: int
    agree: bool


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
class SheetAgain(Callback):
    """Sends the participant information sheet again (a button under /help)."""

    prefix: ClassVar[str] = "is"
    again: bool = True  # a field, so the packed data has the "is|" every kind's pattern matches


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


@dataclass(frozen=True)
class ChangeMore(Callback):
    """On the card of answer `answer` asked again (/review, Change): "More about this idea", or `back` to the card."""

    prefix: ClassVar[str] = "cm"
    round_id: str
    answer: int
    back: bool = False


@dataclass(frozen=True)
class ChooseLanguage(Callback):
    """Switches the person to one of the definition's languages (a code such as "cy")."""

    prefix: ClassVar[str] = "lg"
    language: str


@dataclass(frozen=True)
class DigestPage(Callback):
    """A participant pages through their digest of a round's summary; the message is edited in place."""

    prefix: ClassVar[str] = "dg"
    round_id: str
    page: int


@dataclass(frozen=True)
class SummaryPage(Callback):
    """A participant pages through a rating round's summary: 0 is its first screen, then one page per idea;
    the message is edited in place."""

    prefix: ClassVar[str] = "sp"
    round_id: str
    page: int


register(
    Consent,
    ConsentChoice,
    Reconsent,
    SheetAgain,
    Withdraw,
    ReviewPage,
    Change,
    ChangeMore,
    ChooseLanguage,
    DigestPage,
    SummaryPage,
)
