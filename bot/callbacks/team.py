"""The team's buttons: reminders, announcements, a draft summary's actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.callbacks.base import Callback, InvalidCallback, register


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
class SummaryAct(Callback):
    """A coordinator acts on a round's draft summary: `act` is opening, drop (excerpt `number`), show or hide
    (reason `number`, under "Why some people rated it differently"), approve or now."""

    prefix: ClassVar[str] = "sm"
    ACTS: ClassVar[tuple[str, ...]] = ("opening", "drop", "approve", "now", "show", "hide")
    round_id: str
    act: str
    number: int = 0

    def __post_init__(self) -> None:
        if self.act not in self.ACTS:  # anything else is forged: it must not fall through to Approve
            raise InvalidCallback(f"no summary action {self.act!r}")


register(RemindNow, Announce, SummaryAct)
