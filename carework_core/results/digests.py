"""Each person's digest of a rating round: their answers beside their group's and everyone's.

Counted once, with the summary's figures, when the summary is drafted (Summaries.draft) and kept
beside it (storage/digests.py); sending the summary, the team's sample and every "See all" page a
participant taps read what was kept, so they show the figures the team approved and never count
the ratings again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from carework_core.env import Env
from carework_core.results.figures import Results
from carework_core.results.summary import Digest, SummaryKind, SummaryStatus
from carework_core.storage import digests as kept
from carework_core.storage import summaries as stored
from carework_core.storage.db import Tx

T = TypeVar("T")


class Digests:
    """Reads the digests kept with each round's summary."""

    def __init__(self, env: Env, results: Results):
        self.env = env
        self.results = results

    async def of_round(self, round_id: str) -> list[Digest]:
        """Returns the digest of everyone who rated anything in the round, by participant id, as kept."""
        # Everyone's lines (a million for a large round) are read and unpacked off the event loop.
        return await self._kept(round_id, lambda tx: kept.round_digests(tx, round_id), apart=True) or []

    async def sample(self, round_id: str) -> Digest | None:
        """Returns one person's kept digest (the first to join), for the team to see how digests read."""
        return await self._kept(round_id, lambda tx: kept.first_digest(tx, round_id))

    async def sent(self, round_id: str, participant_id: int) -> Digest | None:
        """Returns a person's digest of a round whose summary went out, as kept; None when they rated nothing
        or it has not gone (no figures of a round still open, or of a summary not yet sent)."""
        if round_id not in {r.id for r in self.env.consultation.rounds}:
            return None
        return await self._kept(round_id, lambda tx: kept.digest_of(tx, round_id, participant_id), sent=True)

    async def _kept(
        self, round_id: str, read: Callable[[Tx], Awaitable[T]], sent: bool = False, apart: bool = False
    ) -> T | None:
        """Returns what `read` finds among a summary's kept digests (`apart`: on a connection of its own, in
        a worker thread); a summary drafted before they were kept (migration 26) has them counted once,
        here, and kept."""
        for _ in range(2):
            async with self.env.db.reading() as tx:
                state = await kept.digest_state(tx, round_id)
                if state is None or (sent and state[0] != SummaryStatus.SENT):
                    return None
                if state[1] and not apart:
                    return await read(tx)
            if state[1]:
                return await self.env.db.read_apart(read)
            await self._count_once(round_id)
        return None

    async def _count_once(self, round_id: str) -> None:
        async with self.env.db.reading() as tx:
            found = await stored.read_summary(tx, round_id)
        rating = found is not None and found.summary.kind == SummaryKind.RATINGS and found.summary.stats is not None
        digests = (await self.results.figures(round_id)).digests if rating else kept.Packer()
        async with self.env.db.transaction() as tx:
            await kept.keep_digests(tx, round_id, digests)
