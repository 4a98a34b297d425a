"""The research team's own scores of a round's items, set beside the participants' figures: on the criteria
participants also rate (the team's review score) and on the criteria only the team scores (rated_by: team)."""

from __future__ import annotations

from carework_core.definitions.changes import RoundSnapshot
from carework_core.definitions.kinds import criteria_of
from carework_core.definitions.model import ItemRatingQuestion
from carework_core.storage.db import Tx
from carework_core.storage.items import item_details

TeamKey = tuple[str, str, str]  # (question id, item id, criterion id)
TEAM_GROUP = "team"  # the group column of a row that holds only the team's score


async def team_scores(tx: Tx, snapshot: RoundSnapshot) -> dict[TeamKey, int]:
    """Returns the team's score of each item on each criterion its kind is rated on, where the team gave one."""
    found: dict[TeamKey, int] = {}
    for q in snapshot.round.questions:
        if not isinstance(q, ItemRatingQuestion):
            continue
        for item in await item_details(tx, q.item_set):
            for crit in criteria_of(q, item.kind):
                if crit in item.scores:
                    found[(q.id, item.item_id, crit)] = item.scores[crit]
    return found


def team_only(snapshot: RoundSnapshot, scores: dict[TeamKey, int]) -> list[tuple[TeamKey, int]]:
    """Returns the scores on criteria only the team rates (no participant figures to sit beside), in order."""
    team = {k.id for k in snapshot.criteria if k.rated_by == "team"}
    return [(key, score) for key, score in scores.items() if key[2] in team]
