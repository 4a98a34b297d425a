"""What a between-round summary says, as data: figures per stakeholder group, excerpts, and each
person's digest. The core computes and stores these; the shell renders them into messages and a chart.

Figures of a group drawn from fewer ratings than the consultation's min_group_size ("Not sure" is
not a rating) are never shown on their own: such a cell is marked suppressed, keeps no figures, and
its ratings count only in ALL_GROUPS. hidden_groups is the one place that decides it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

ALL_GROUPS = "all"  # the group id of the figures over everyone


class Consensus(StrEnum):
    AGREEMENT = "agreement"
    AGAINST = "agreement against"
    NONE = "no consensus"


class SummaryKind(StrEnum):
    EXAMPLES = "examples"  # a round that collected free-text examples
    RATINGS = "ratings"  # a round that rated items or asked rating questions


class SummaryStatus(StrEnum):
    DRAFT = "draft"  # drafted, waiting for a coordinator
    APPROVED = "approved"  # goes out at the round's summary time
    SENT = "sent"  # queued for everyone it is for


@dataclass(frozen=True)
class Rating:
    """One stored rating, as the statistics read it."""

    participant_id: int
    group_id: str
    question_id: str
    item_id: str | None  # None for a rating question that is not about items
    criterion_id: str | None
    value: str  # "1" is the scale's lowest point; vocabulary.NOT_SURE for "Not sure", DONT_KNOW for don't know


@dataclass(frozen=True)
class CellStats:
    """The figures of one item (or rating question) on one criterion, for one group or ALL_GROUPS."""

    question_id: str
    item_id: str | None
    criterion_id: str | None
    group_id: str
    n: int  # ratings on the scale; "not sure" is not among them
    not_sure: int
    median: float | None = None  # None when suppressed or nobody rated on the scale
    q1: float | None = None  # quartiles by the linear method (R's type 7, numpy's default)
    q3: float | None = None
    top2_share: float | None = None  # share of n in the top two points of the scale
    bottom2_share: float | None = None
    consensus: Consensus | None = None  # None when suppressed or n == 0
    suppressed: bool = False
    dont_know: int = 0  # how many did not know the idea ("I don't know this idea"): not among n

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """Returns (question, item, criterion): what was rated, whoever rated it."""
        return (self.question_id, self.item_id, self.criterion_id)

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1


@dataclass(frozen=True)
class RoundStats:
    """Every cell of a rating round, ALL_GROUPS included, and the cells where groups' medians part."""

    round_id: str
    cells: tuple[CellStats, ...]
    disagreements: frozenset[tuple[str, str | None, str | None]] = frozenset()  # keys; medians 2+ points apart

    def cell(self, key: tuple[str, str | None, str | None], group_id: str = ALL_GROUPS) -> CellStats | None:
        """Returns one cell's figures, or None when nobody in that group was asked."""
        return self._by_key.get((key, group_id))

    @cached_property
    def _by_key(self) -> dict[tuple[tuple[str, str | None, str | None], str], CellStats]:
        # A digest looks up two cells for each of a person's ratings: a million ratings, not a million scans.
        found: dict = {}
        for c in self.cells:
            found.setdefault((c.key, c.group_id), c)
        return found


@dataclass(frozen=True)
class ExamplesTally:
    """How many people of a group gave examples to a question, and how many examples."""

    question_id: str
    group_id: str  # or ALL_GROUPS
    people: int
    examples: int
    suppressed: bool = False  # fewer people than min_group_size: counted only in ALL_GROUPS


@dataclass(frozen=True)
class GroupCount:
    """How many people of a group took part in a round (answered anything); a small group keeps no count."""

    group_id: str  # or ALL_GROUPS
    people: int
    suppressed: bool = False  # fewer people than min_group_size: counted only in ALL_GROUPS


@dataclass(frozen=True)
class ChoiceTally:
    """How many people of a group answered a choice question, and how many picked each option."""

    question_id: str
    group_id: str  # or ALL_GROUPS
    people: int
    chosen: tuple[tuple[str, int], ...] = ()  # (option id, people who picked it), in the options' order
    suppressed: bool = False  # fewer people than min_group_size: counted only in ALL_GROUPS


@dataclass(frozen=True)
class Excerpt:
    """A short, scrubbed quotation from someone who agreed to be quoted."""

    number: int  # its place in the summary, from 1; the coordinator drops excerpts by number
    group_id: str
    question_id: str
    text: str
    dropped: bool = False  # left out by a coordinator, or after its writer withdrew
    answer_id: int | None = None  # the answer quoted; None in drafts made before writers were kept
    # Its writer no longer agrees to be quoted (or has withdrawn): read afresh whenever the summary is read.
    withheld: bool = False

    @property
    def goes_out(self) -> bool:
        """Says whether the excerpt reaches participants: neither dropped nor withheld."""
        return not self.dropped and not self.withheld


class Quotable(NamedTuple):
    """An answer whose writer agrees to be quoted, as stored: what a summary may quote."""

    group_id: str
    question_id: str
    text: str
    answer_id: int | None = None


@dataclass(frozen=True)
class ChosenReason:
    """A reason someone gave for rating an idea differently, scrubbed, that a coordinator chose to show."""

    reason_id: int
    group_id: str
    question_id: str
    item_id: str | None
    criterion_id: str | None
    text: str
    # Its writer no longer agrees to be quoted (or has withdrawn): read afresh whenever the summary is read.
    withheld: bool = False

    @property
    def idea(self) -> tuple[str, str | None]:
        """Returns (question, item): the idea the reason is about, whatever criterion it explains."""
        return (self.question_id, self.item_id)


@dataclass(frozen=True)
class Summary:
    """A round's shared summary as drafted, edited and approved; the same for everyone it goes to."""

    round_id: str
    kind: SummaryKind
    opening: str  # a coordinator's own first paragraph; "" while the default one (said by the shell) stands
    status: SummaryStatus = SummaryStatus.DRAFT
    tallies: tuple[ExamplesTally, ...] = ()
    excerpts: tuple[Excerpt, ...] = ()
    stats: RoundStats | None = None
    reasons: int = 0  # people who explained why they see an item differently from their group
    item_titles: dict[str, str] = field(default_factory=dict, hash=False)  # item id -> text shown
    # The default opening and next step are the shell's catalogue's, said in each person's language; a
    # coordinator's own opening is shown as written. next_opens: when the next round opens (ISO), for the default next step.
    own_opening: bool = False
    next_opens: str | None = None
    chosen_reasons: tuple[ChosenReason, ...] = ()  # "Why some people rated it differently", as a coordinator chose
    took_part: tuple[GroupCount, ...] = ()  # who answered anything, by group; () in summaries drafted before
    choices: tuple[ChoiceTally, ...] = ()  # the round's choice questions, by group


class Spread(str):
    """Where the middle half of a cell's ratings falls: "mostly Some" or "Some to A lot" (its str, in the
    definition's first language); `low` and `high` keep the scale's labels for other languages."""

    low: str
    high: str

    def __new__(cls, low: str, high: str) -> Spread:
        made = super().__new__(cls, f"mostly {low}" if low == high else f"{low} to {high}")
        made.low, made.high = low, high
        return made


@dataclass(frozen=True)
class DigestLine:
    """One thing a person rated: their answer beside their group's and everyone's."""

    key: tuple[str, str | None, str | None]
    title: str  # the item's text (or the rating question's), as participants saw it
    criterion: str  # the criterion's name, or "" for a rating question
    yours: str  # the label the person chose, or "Not sure"
    group: str  # e.g. "mostly Some"; "" when the person's group is suppressed for this cell
    everyone: str  # e.g. "Some to A lot"
    distance: float  # how far the person is from everyone's median, in scale points (0 for Not sure)


@dataclass(frozen=True)
class Digest:
    """A person's own lines, furthest from everyone else first."""

    participant_id: int
    round_id: str
    group_id: str
    lines: tuple[DigestLine, ...]


def hidden_groups(sizes: dict[str, int], min_group_size: int, answered: Collection[str] = ()) -> set[str]:
    """Returns the groups whose figures are not shown on their own: those under min_group_size, and
    when exactly one group with respondents is hidden, the smallest shown group with it too.

    For ratings, `sizes` counts the ratings on the scale behind the figures ("Not sure" is not one);
    `answered` names groups that said "Not sure" or "I don't know this idea": one with no ratings still
    has respondents, whose counts "all groups" minus the others would give away.
    Without that second group, "all groups" minus the groups shown would give the hidden group's
    figures back (three people's count, or how many of them rated an item in the top two).
    """
    hidden = {g for g, n in sizes.items() if n < min_group_size}
    if sum(1 for g in hidden if sizes[g] > 0 or g in answered) == 1:
        shown = sorted((n, g) for g, n in sizes.items() if g not in hidden and n > 0)
        if shown:
            hidden.add(shown[0][1])
    return hidden


def chart_id(round_id: str, language: str) -> str:
    """Returns the id a queued chart goes by (and its file's name): its round and language, e.g. "r2.cy"
    (a round id has no dot)."""
    return f"{round_id}.{language}"


def chart_parts(chart: str) -> tuple[str, str]:
    """Returns (round, language) of a chart id; a bare round id (queued before charts had languages) is English."""
    round_id, _, language = chart.partition(".")
    return round_id, language or "en"
