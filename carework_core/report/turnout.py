"""Who took part: each round's invited, started and finished per group, and retention after the first round.

Pure functions over stored counts. A group is folded (shown only within all groups) by the summaries'
rule, summary.hidden_groups, on the people who finished: a group of two who finished is not named.
"""

from __future__ import annotations

from collections.abc import Mapping

from carework_core.report.model import Kept, Retention, RoundTurnout, Turnout
from carework_core.results.summary import ALL_GROUPS, hidden_groups
from carework_core.storage.progress import GroupCounts


def round_turnout(round_id: str, groups: list[str], counts: Mapping[str, GroupCounts], min_size: int) -> RoundTurnout:
    """Returns a round's rows: each group large enough to be shown, then everyone."""
    found = {g: counts.get(g, GroupCounts(g, 0, 0, 0, 0)) for g in groups}
    invited = {g for g, c in found.items() if c.invited}
    hidden = hidden_groups({g: c.finished for g, c in found.items()}, min_size, invited)
    rows = [Turnout(g, c.invited, c.started, c.finished) for g, c in found.items() if g not in hidden]
    everyone = Turnout(
        ALL_GROUPS, *(sum(getattr(c, f) for c in found.values()) for f in ("invited", "started", "finished"))
    )
    return RoundTurnout(round_id, (*rows, everyone), len(hidden & invited))


def retention(
    first: str,
    later: Mapping[str, list[str]],
    finished: Mapping[str, Mapping[int, str]],
    groups: list[str],
    min_size: int,
) -> Retention:
    """Returns how many of the first round's finishers finished each later round, per group and overall.

    `later` maps each later round to the groups it invites (a group not invited is not counted as lost);
    `finished` maps a round to its finishers' groups by participant id. Groups are folded once for the
    whole table, on their finishers of the first round."""
    starters = finished.get(first, {})
    sizes = {g: sum(1 for grp in starters.values() if grp == g) for g in groups}
    hidden = hidden_groups(sizes, min_size)
    rows: list[Kept] = []
    for round_id, invited in later.items():
        done = finished.get(round_id, {})
        asked = [pid for pid, g in starters.items() if g in invited]
        for g in (g for g in groups if g in invited and g not in hidden and sizes[g]):
            rows.append(Kept(round_id, g, sum(1 for pid in asked if starters[pid] == g and pid in done), sizes[g]))
        rows.append(Kept(round_id, ALL_GROUPS, sum(1 for pid in asked if pid in done), len(asked)))
    return Retention(first, tuple(rows), sum(1 for g in hidden if sizes[g]))
