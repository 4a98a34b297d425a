"""How far a consultation has got, read without changing anything: for reports and rehearsals."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.env import Env
from carework_core.storage import tallies as stored


@dataclass(frozen=True)
class Counts:
    registered: int  # people who consented and got a code
    answers: int  # stored answers of every kind


class Tallies:
    """Read-only figures about the consultation."""

    def __init__(self, env: Env):
        self.env = env

    async def counts(self) -> Counts:
        """Returns how many people registered and how many answers are stored, read at one moment."""
        async with self.env.db.reading() as tx:
            return Counts(await stored.count_registered(tx), await stored.count_answers(tx))

    async def typed_examples(self, round_ids: list[str], longer_than: int, limit: int) -> list[str]:
        """Returns distinct typed answers of these rounds longer than given, oldest first."""
        async with self.env.db.reading() as tx:
            return await stored.typed_texts(tx, round_ids, longer_than, limit)
