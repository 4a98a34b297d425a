"""What answering returns: the question to ask next, or the end of a round, and what an action did."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.definitions.model import Criterion, ExamplesQuestion, Question, Round
from carework_core.rounds.next_round import Coming

# Where a registered person stands when no question of theirs is waiting (answering/whereabouts.py reads it).


@dataclass(frozen=True)
class ToStart:
    """A round is open for the person, and they have not tapped Start yet."""

    round: Round
    round_number: int


@dataclass(frozen=True)
class Finished:
    """The person has answered every open round of theirs; the newest is named."""

    round: Round
    round_number: int
    coming: Coming | None = None  # what comes next for their group (None: not known)


@dataclass(frozen=True)
class RoundClosed:
    """No round is open for the person; the newest one they were invited to has closed."""

    round: Round
    round_number: int
    coming: Coming | None = None  # what comes next for their group (None: not known)


@dataclass(frozen=True)
class NoRoundOpen:
    """No round is open for the person, and they have not been part of one yet."""


Elsewhere = ToStart | Finished | RoundClosed | NoRoundOpen


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    description: str = ""  # what "More about this idea" shows, with the notes; the card shows its start
    notes: str = ""  # the team's evidence notes


@dataclass(frozen=True)
class Carried:
    """What a person said on the same card in an earlier round, beside their group's middle answer there."""

    round_id: str
    value: str  # as stored: a scale point, "not_sure" or "dont_know"; Keep stores a point or Not sure again
    label: str
    group_median: float | None  # None when the group is too small to show, or nobody rated on the scale
    group_label: str  # the scale label nearest the group's median, or "" when there is none


@dataclass(frozen=True)
class Waiting:
    """What a question waits for after its main answer: a follow-up about an example, or Other's words."""

    answer_id: int
    field: str  # the follow-up's id, or "other"
    text: str = ""  # the follow-up question; "" for Other's words
    nth: int = 0  # which example it is about, from 1 (0 for Other)
    index: int = 0  # the follow-up's place, from 0
    of: int = 0  # how many follow-ups the question has


@dataclass(frozen=True)
class Ask:
    """The question a participant should answer next."""

    round: Round
    round_number: int
    question: Question
    number: int
    total: int
    examples_given: int = 0
    item: Item | None = None
    criterion: Criterion | None = None
    item_index: int = 0  # the item's place in its set, from 0; with criterion_index it names the card
    items_total: int = 0
    criterion_index: int = 0
    item_criteria: tuple[str, ...] = ()  # every criterion participants rate this item on (its kind's), in order
    carried: Carried | None = None  # the person's earlier answer to the same card, when there is one
    waiting: Waiting | None = None  # a follow-up or Other's words, asked before the question goes on
    ticked: str = ""  # a multiple choice shown again after Other's words: the option ids chosen so far

    @property
    def card(self) -> tuple[int, int] | None:
        """Returns (item position, criterion index) of an item-rating card, or None."""
        return (self.item_index, self.criterion_index) if self.item is not None else None


@dataclass(frozen=True)
class RoundDone:
    round: Round
    round_number: int


Step = Ask | RoundDone


@dataclass(frozen=True)
class TextSaved:
    """A typed answer was stored (or had been already); `step` is what comes next."""

    step: Step
    was_example: bool
    duplicate: bool

    @property
    def more_examples(self) -> bool:
        """Says the example was saved and its question still takes more, so the shell offers another."""
        s = self.step
        return (
            self.was_example
            and isinstance(s, Ask)
            and isinstance(s.question, ExamplesQuestion)
            and s.examples_given > 0
        )


@dataclass(frozen=True)
class Continued:
    """The typed words were the rest of the text just before them, which an app sent in pieces."""


@dataclass(frozen=True)
class ButtonsExpected:
    """The person typed while the current question wants a button."""

    step: Ask


@dataclass(frozen=True)
class NothingToAnswer:
    """The person typed while no question is waiting; `where` says what they can do instead."""

    where: Elsewhere


@dataclass(frozen=True)
class StoredAnswer:
    """A tapped answer as stored, with the words it stands for (one per option ticked)."""

    value: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class TapResult:
    """What a tap did: the answer stored (the first one, when a tap is replayed), and what comes next.

    `same_card` says the tap rated an item card and the next card of the same question follows,
    so the shell edits the card's message instead of sending a new one.
    """

    stored: StoredAnswer
    step: Step
    same_card: bool
    reason_offered: bool = False  # the answer is 2+ points from the group's: ask why before `step`


@dataclass(frozen=True)
class ReasonSaved:
    """A typed line was stored as the reason the bot offered to hear (or had been already)."""

    step: Step
    duplicate: bool


@dataclass(frozen=True)
class ExampleInvited:
    """ "Add another example" was tapped; `waiting` says the question is still the one tapped."""

    step: Step
    waiting: bool
