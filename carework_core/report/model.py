"""The report's content as data: turnout per round and group, retention, each rating round's ranked ideas.

Groups too small to be shown on their own are folded as in summaries (summary.hidden_groups): their
numbers count only in ALL_GROUPS, and a folded group has no row, cell or name of its own anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carework_core.definitions.model import Consultation
from carework_core.report.changes import ChangeReport
from carework_core.results.summary import CellStats


@dataclass(frozen=True)
class Turnout:
    """One group's (or everyone's) numbers in one round."""

    group_id: str  # or ALL_GROUPS
    invited: int
    started: int
    finished: int

    @property
    def share(self) -> float | None:
        """Returns the share finished of those invited, or None when nobody was invited."""
        return self.finished / self.invited if self.invited else None


@dataclass(frozen=True)
class RoundTurnout:
    round_id: str
    rows: tuple[Turnout, ...]  # each group shown, then ALL_GROUPS
    folded: int  # how many groups count only in ALL_GROUPS


@dataclass(frozen=True)
class Kept:
    """How many of the first round's finishers in a group (or all) finished a later round."""

    round_id: str
    group_id: str
    kept: int
    of: int


@dataclass(frozen=True)
class Retention:
    first_round: str
    rows: tuple[Kept, ...]
    folded: int


@dataclass(frozen=True)
class Idea:
    """One rated idea of a round: its figures per criterion and group, the team's scores, where it came from."""

    rank: int
    question_id: str
    item_id: str
    title: str
    cells: tuple[CellStats, ...]  # every criterion, ALL_GROUPS first, folded groups left out
    key: tuple[float | None, ...]  # the rank_by terms' values, in order
    team: dict[str, int] = field(default_factory=dict)  # criterion id -> the team's score
    differ: tuple[str, ...] = ()  # criteria on which groups' medians lie 2+ points apart
    sources: tuple[str, ...] = ()  # example ids (E<answer id>)
    excerpts: tuple[str, ...] = ()  # scrubbed, from writers who agree to be quoted


@dataclass(frozen=True)
class RoundRanking:
    round_id: str
    criteria: tuple[str, ...]  # criterion ids in the order the round asks them
    groups: tuple[str, ...]  # the groups shown for at least one cell, in definition order
    ideas: tuple[Idea, ...]  # ranked, best first
    questions: tuple[CellStats, ...] = ()  # rating questions that are not about items, ALL_GROUPS and shown groups
    team_only: tuple[str, ...] = ()  # criteria only the team scores


@dataclass(frozen=True)
class Report:
    consultation: Consultation
    made_at: str  # local time, "YYYY-MM-DD HH:MM"
    turnout: tuple[RoundTurnout, ...]
    retention: Retention | None
    rankings: tuple[RoundRanking, ...]
    round_ids: tuple[str, ...]
    changes: ChangeReport | None = None  # what changed between rounds that rated the same cards
