"""The figures of a rating round and each person's digest.

A temporary version by engineer flow, enough for drafting and sending summaries: engineer stats'
Results replaces it (same class, same methods).
"""

from __future__ import annotations

from carework_core.definitions import ItemRatingQuestion, RatingQuestion
from carework_core.env import Env
from carework_core.rounds import round_named
from carework_core.storage.items import item_texts
from carework_core.storage.ratings import ratings_of
from carework_core.summary import Digest, DigestLine, Rating, RoundStats


class Results:
    def __init__(self, env: Env):
        self.env = env

    def _rated(self, round_id: str) -> set[str]:
        rnd = round_named(self.env.consultation, round_id)
        return {q.id for q in rnd.questions if isinstance(q, RatingQuestion | ItemRatingQuestion)}

    async def round_stats(self, round_id: str) -> RoundStats:
        """Returns every cell of a rating round (none in this temporary version)."""
        round_named(self.env.consultation, round_id)
        return RoundStats(round_id, ())

    async def item_titles(self, round_id: str) -> dict[str, str]:
        """Returns item id -> the item's text, for the items the round rates."""
        async with self.env.db.reading() as tx:
            return {item: text for (_, item), text in (await item_texts(tx)).items()}

    async def digests(self, round_id: str) -> list[Digest]:
        """Returns the digest of everyone who rated something in the round."""
        async with self.env.db.reading() as tx:
            ratings = await ratings_of(tx, round_id)
        people = sorted({r.participant_id for r in ratings})
        found = [await self._digest(round_id, p, [r for r in ratings if r.participant_id == p]) for p in people]
        return [d for d in found if d is not None]

    async def digest(self, round_id: str, participant_id: int) -> Digest | None:
        """Returns one person's digest, or None when they rated nothing in the round."""
        async with self.env.db.reading() as tx:
            ratings = await ratings_of(tx, round_id, participant_id)
        return await self._digest(round_id, participant_id, ratings)

    async def _digest(self, round_id: str, participant_id: int, ratings: list[Rating]) -> Digest | None:
        mine = [r for r in ratings if r.question_id in self._rated(round_id)]
        if not mine:
            return None
        titles = await self.item_titles(round_id)
        lines = tuple(
            DigestLine(
                (r.question_id, r.item_id, r.criterion_id),
                titles.get(r.item_id or "", r.question_id),
                r.criterion_id or "",
                r.value,
                "",
                "",
                0.0,
            )
            for r in mine
        )
        return Digest(participant_id, round_id, mine[0].group_id, lines)
