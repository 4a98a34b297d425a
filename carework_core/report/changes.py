"""What changed between two rounds that rated the same card, as data: per person who rated it in both,
kept, moved by one point, or moved by two or more; the share who moved, the median's shift, and whether
the ratings were stable, for everyone and per stakeholder group.

The rules, said once (the report's method says them in words):
- A card (an item on a criterion, or a rating question) of a round is paired with the latest round
  before it in which anyone answered the same card on the same scale, as carry-forward matches them
  (answering.carry.earlier_places). Each person's latest answer in each round counts.
- "Not sure" and "I don't know this idea" are not ratings. Someone who rated the card in one round and
  said either in the other is not among n_both (no distance on the scale to measure): they are counted
  apart as unsure_once, and, like Not sure in summaries, make their group one with respondents.
- moved_share = (moved_1 + moved_2plus) / n_both; stable when moved_share < stable_below (0.15 unless the
  definition's `report: {stable_below: ...}` says otherwise).
- median_shift = the median of the later ratings minus the median of the earlier ones, both over the same
  n_both people (positive: the group rated it higher the second time).
- Small groups are folded as in summaries (results.summary.hidden_groups) over n_both. A group folded in
  either round's figures for the card stays folded here too, even when large enough in this table: its
  shift beside the other round's shown figures would give the folded round's figures back. A folded
  group's people count only in "all".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from carework_core.answering.carry import earlier_places
from carework_core.answering.vocabulary import DONT_KNOW, NOT_SURE
from carework_core.definitions.kinds import every_criterion
from carework_core.definitions.model import Consultation, ItemRatingQuestion, RatingQuestion, ReportRules, Round
from carework_core.results.summary import ALL_GROUPS, hidden_groups

STABLE_BELOW = ReportRules().stable_below  # the definition's default: 15% (Scheibe, Skutsch and Schofer, 1975)
Key = tuple[str, str | None, str | None]  # (question, item, criterion)


@dataclass(frozen=True)
class CardPair:
    """One card as asked in an earlier round and again in a later one."""

    round_from: str
    round_to: str
    question_from: str
    question_to: str
    item_id: str | None
    criterion_id: str | None
    title: str = field(default="", compare=False)  # the item's text, or the rating question's

    @property
    def key_from(self) -> Key:
        return (self.question_from, self.item_id, self.criterion_id)

    @property
    def key_to(self) -> Key:
        return (self.question_to, self.item_id, self.criterion_id)


@dataclass(frozen=True)
class Answered:
    """One person's latest answer to a card in each of the two rounds (a scale point, or Not sure / don't know)."""

    group_id: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeCell:
    """The change of one card between two rounds, for one group or ALL_GROUPS; a folded group keeps no figures."""

    pair: CardPair
    group_id: str
    n_both: int = 0  # people who rated the card on the scale in both rounds
    kept: int = 0
    moved_1: int = 0
    moved_2plus: int = 0
    unsure_once: int = 0  # rated in one round, Not sure or don't know in the other: not among n_both
    median_from: float | None = None  # over the n_both people
    median_to: float | None = None
    reasons: int = 0  # dissent reasons given on the card in the later round
    stable: bool | None = None  # None when folded or nobody rated in both
    suppressed: bool = False

    @property
    def moved_share(self) -> float | None:
        return (self.moved_1 + self.moved_2plus) / self.n_both if self.n_both else None

    @property
    def median_shift(self) -> float | None:
        return None if self.median_from is None or self.median_to is None else self.median_to - self.median_from


@dataclass(frozen=True)
class QuotedReason:
    """A dissent reason given in the later round, from someone who allows quoting, scrubbed."""

    pair: CardPair
    text: str


@dataclass(frozen=True)
class ChangeReport:
    """Every card rated in two rounds, its cells (ALL_GROUPS first, then each group), and the reasons quoted."""

    stable_below: float
    cells: tuple[ChangeCell, ...] = ()
    reasons: tuple[QuotedReason, ...] = ()

    @property
    def round_pairs(self) -> list[tuple[str, str]]:
        """Returns each (earlier round, later round) with a card in common, in order."""
        return list(dict.fromkeys((c.pair.round_from, c.pair.round_to) for c in self.cells))

    def everyone(self, round_from: str, round_to: str) -> list[ChangeCell]:
        """Returns the ALL_GROUPS cell of each card the two rounds have in common."""
        return [
            c
            for c in self.cells
            if c.group_id == ALL_GROUPS and (c.pair.round_from, c.pair.round_to) == (round_from, round_to)
        ]

    def groups_of(self, pair: CardPair) -> list[ChangeCell]:
        """Returns a card's cells per stakeholder group (folded ones included, marked)."""
        return [c for c in self._by_pair.get(pair, []) if c.group_id != ALL_GROUPS]

    @cached_property
    def _by_pair(self) -> dict[CardPair, list[ChangeCell]]:
        found: dict[CardPair, list[ChangeCell]] = {}
        for c in self.cells:
            found.setdefault(c.pair, []).append(c)
        return found


def card_pairs(c: Consultation, rounds: Sequence[str], answered: Mapping[str, Collection[Key]]) -> list[CardPair]:
    """Returns each card answered in a round of `rounds` (in the definition's order) paired with the latest
    round before it in which anyone answered the same card on the same scale."""
    pairs = []
    for rnd in (r for r in c.rounds if r.id in rounds):
        for key in sorted(answered.get(rnd.id, ()), key=lambda k: _place(rnd, k)):
            question = next((q for q in rnd.questions if q.id == key[0]), None)
            if not isinstance(question, RatingQuestion | ItemRatingQuestion):
                continue
            criterion = next((k for k in c.criteria if k.id == key[2]), None)
            places = [(r, q) for r, q in earlier_places(c, rnd, question, criterion) if r in rounds]
            found = [(r, q) for r, q in places if (q, key[1], key[2]) in answered.get(r, ())]
            if found:
                title = str(question.text) if key[1] is None else ""
                pairs.append(CardPair(found[-1][0], rnd.id, found[-1][1], key[0], key[1], key[2], title))
    return pairs


def _place(rnd: Round, key: Key) -> tuple:
    """Orders a round's cards as it asks them: by question, then item, then criterion."""
    place = {q.id: n for n, q in enumerate(rnd.questions)}
    question = next((q for q in rnd.questions if q.id == key[0]), None)
    crits = every_criterion(question) if isinstance(question, ItemRatingQuestion) else []
    return (place.get(key[0], len(place)), key[1] or "", crits.index(key[2]) if key[2] in crits else len(crits))


def card_changes(
    pair: CardPair,
    people: Mapping[int, Answered],
    groups: Sequence[str],
    folded: Collection[str],
    min_group_size: int,
    stable_below: float = STABLE_BELOW,
    reasons: Mapping[str, int] | None = None,
) -> list[ChangeCell]:
    """Returns a card's change for everyone, then for each group, small groups and groups folded in either
    round (`folded`) kept without figures. `people` are those who answered the card in both rounds;
    `reasons` counts the reasons given in the later round, by group."""
    reasons = reasons or {}
    by_group: dict[str, list[Answered]] = {g: [] for g in groups}
    for answered in people.values():
        by_group.setdefault(answered.group_id, []).append(answered)
    counted = {g: _count(pair, g, found, stable_below, reasons.get(g, 0)) for g, found in by_group.items()}
    sizes = {g: 0 if g in folded else cell.n_both for g, cell in counted.items()}
    present = {g for g, found in by_group.items() if found}  # Not sure twice is still a respondent
    hidden = hidden_groups(sizes, min_group_size, present)
    everyone = _count(pair, ALL_GROUPS, list(people.values()), stable_below, sum(reasons.values()))
    return [everyone] + [ChangeCell(pair, g, suppressed=True) if g in hidden else counted[g] for g in by_group]


def _count(pair: CardPair, group_id: str, found: list[Answered], stable_below: float, reasons: int) -> ChangeCell:
    """Returns the figures of one group's people (or everyone's)."""
    moves: Counter[str] = Counter()
    before: list[int] = []
    after: list[int] = []
    for answered in found:
        rated = [v.isdigit() for v in (answered.before, answered.after)]
        if all(rated):
            step = abs(int(answered.after) - int(answered.before))
            moves["kept" if step == 0 else "moved_1" if step == 1 else "moved_2plus"] += 1
            before.append(int(answered.before))
            after.append(int(answered.after))
        elif any(rated) and {answered.before, answered.after} & {NOT_SURE, DONT_KNOW}:
            moves["unsure_once"] += 1
    n = len(before)
    medians = (float(statistics.median(before)), float(statistics.median(after))) if n else (None, None)
    share = (moves["moved_1"] + moves["moved_2plus"]) / n if n else None
    return ChangeCell(
        pair,
        group_id,
        n_both=n,
        kept=moves["kept"],
        moved_1=moves["moved_1"],
        moved_2plus=moves["moved_2plus"],
        unsure_once=moves["unsure_once"],
        median_from=medians[0],
        median_to=medians[1],
        reasons=reasons,
        stable=None if share is None else share < stable_below,
    )
