"""A round's figures. TEMPORARY stand-in for engineer stats' Results: only group_median, which carry needs.

The stats branch's carework_core/results.py replaces this file whole at merge.
"""

from __future__ import annotations

from statistics import median

from carework_core.env import Env
from carework_core.storage.answers import coded_answers
from carework_core.vocabulary import NOT_SURE


class Results:
    """Figures of rating rounds, read from stored answers."""

    def __init__(self, env: Env):
        self.env = env

    async def group_median(self, round_id: str, key: tuple[str, str | None, str | None], group_id: str) -> float | None:
        """Returns a group's median on one card, or None when the group is too small to show or nobody rated."""
        question_id, item_id, criterion_id = key
        values: list[str] = []
        async with self.env.db.reading() as tx:
            async for row in coded_answers(tx):
                a = row.answer
                if row.group_id == group_id and (a.round_id, a.question_id, a.item_id, a.criterion_id) == (
                    round_id,
                    question_id,
                    item_id,
                    criterion_id,
                ):
                    values.append(a.value)
        points = [int(v) for v in values if v != NOT_SURE]
        if len(values) < getattr(self.env.consultation, "min_group_size", 5) or not points:
            return None
        return float(median(points))
