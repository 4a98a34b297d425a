"""The coordinators' view: how each stakeholder group is answering, and each round's plan as it stands.

A group is *below target* when its share finished is under the round's `response_target`. It gets a
*balance alert* when it is far below the other groups: its share is under half the median share of
the other groups, counting only groups with at least BALANCE_MIN_INVITED people invited (a group of
two says little). The consultation needs every voice, not the loudest one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from carework_core.clock import iso
from carework_core.env import Env
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.plans import Plans
from carework_core.rounds.schedule import RoundPlan, reminder_key
from carework_core.storage.db import Tx
from carework_core.storage.progress import GroupCounts, group_counts, kept_figures
from carework_core.storage.rounds import read_round
from carework_core.storage.schedule import LoggedAction, logged_actions

RECENT = timedelta(days=14)  # a round closed longer ago than this has left the report
BALANCE_MIN_INVITED = 5
BALANCE_FACTOR = 0.5


@dataclass(frozen=True)
class GroupProgress:
    counts: GroupCounts

    @property
    def share(self) -> float | None:
        """Returns the share finished of those invited, or None when nobody was invited."""
        c = self.counts
        return c.finished / c.invited if c.invited else None


@dataclass(frozen=True)
class Warning:
    group_id: str
    kind: str  # "below_target" or "balance"
    share: float
    benchmark: float  # the target, or the median of the other groups

    def __str__(self) -> str:
        if self.kind == "below_target":
            return f"{self.group_id}: {self.share:.0%} finished, below the target of {self.benchmark:.0%}"
        return f"{self.group_id}: {self.share:.0%} finished, far below the other groups (median {self.benchmark:.0%})"


@dataclass(frozen=True)
class RoundProgress:
    round_id: str
    status: RoundStatus
    groups: tuple[GroupProgress, ...]
    warnings: tuple[Warning, ...]


@dataclass(frozen=True)
class RoundOverview:
    """A round's status and plan, with what became of each reminder already due (by number)."""

    round_id: str
    status: RoundStatus
    plan: RoundPlan
    reminders_done: Mapping[int, str]  # "sent (to N)" or "skipped (stale)" and the like


def warnings_for(groups: list[GroupCounts], target: float | None) -> list[Warning]:
    """Returns a warning for each group below the target, and a balance alert for each far below the others."""
    shares = {g.group_id: g.finished / g.invited for g in groups if g.invited}
    out = [Warning(gid, "below_target", s, target) for gid, s in shares.items() if target is not None and s < target]
    sizable = {g.group_id: shares[g.group_id] for g in groups if g.invited >= BALANCE_MIN_INVITED}
    for gid, share in sizable.items():
        others = [s for other, s in sizable.items() if other != gid]
        if others and share < BALANCE_FACTOR * median(others):
            out.append(Warning(gid, "balance", share, median(others)))
    return out


class Progress:
    def __init__(self, env: Env, plans: Plans):
        self.env = env
        self.plans = plans

    async def report(self) -> list[RoundProgress]:
        """Returns each open or recently closed round's numbers per stakeholder group, with warnings."""
        since = iso(self.env.clock.now() - RECENT)
        out = []
        async with self.env.db.reading() as tx:
            for rnd in self.env.consultation.rounds:
                state = await read_round(tx, rnd.id)
                recent = state.status == RoundStatus.CLOSED and (state.closed_at or "") >= since
                if state.status != RoundStatus.OPEN and not recent:
                    continue
                out.append(await self._round(tx, rnd.id, list(rnd.groups), rnd.response_target, state.status))
        return out

    async def _round(
        self, tx: Tx, round_id: str, groups: list[str], target: float | None, status: RoundStatus
    ) -> RoundProgress:
        kept = await kept_figures(tx, round_id) if status == RoundStatus.CLOSED else {}
        found = kept or await group_counts(tx, round_id)  # a round closed before figures were kept: live
        counts = [found.get(g, GroupCounts(g, 0, 0, 0, 0)) for g in groups]
        rows = tuple(GroupProgress(c) for c in counts)
        return RoundProgress(round_id, status, rows, tuple(warnings_for(counts, target)))

    async def overview(self) -> list[RoundOverview]:
        """Returns every round's status and plan, in definition order."""
        plans = await self.plans.plans()
        async with self.env.db.reading() as tx:
            logged = {a.key: a for a in await logged_actions(tx)}
            statuses = [(await read_round(tx, p.round_id)).status for p in plans]
        return [
            RoundOverview(plan.round_id, status, plan, _reminder_outcomes(plan, logged))
            for plan, status in zip(plans, statuses, strict=True)
        ]


def _reminder_outcomes(plan: RoundPlan, logged: Mapping[str, LoggedAction]) -> dict[int, str]:
    """Says what became of each reminder the schedule has acted on: sent (to how many) or skipped (why)."""
    out = {}
    for rem in plan.reminders:
        action = logged.get(reminder_key(plan.round_id, rem.number))
        if action is not None:
            out[rem.number] = (
                f"sent to {action.recipients}" if action.outcome == "done" else f"skipped ({action.outcome})"
            )
    return out
