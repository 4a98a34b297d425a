"""Opening and closing rounds, and who is owed an invitation to an open round."""

from __future__ import annotations

from dataclasses import dataclass

from carework_core.definitions import Round
from carework_core.env import Env, audit
from carework_core.errors import NotFound
from carework_core.lifecycle import RoundEvent, RoundStatus, next_status
from carework_core.onboarding import PARTICIPANT_SQL, Participant
from carework_core.storage.db import Tx

# A refused invitation is tried again, but not forever: the same refusal would come back.
MAX_REFUSED_INVITATIONS = 3
# Owed an invitation: never invited, or every invitation so far failed for good (refused, expired,
# or the chat was unreachable) and the person has not started the round some other way.
OWED_INVITATION = """
 AND NOT EXISTS (SELECT 1 FROM participations x WHERE x.participant_id = p.id AND x.round_id = ?1
  AND (x.started_at IS NOT NULL
   OR EXISTS (SELECT 1 FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1 AND o.status IN ('pending', 'sent'))
   OR NOT EXISTS (SELECT 1 FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1)
   OR (SELECT COUNT(*) FROM outbox o WHERE o.participant_id = p.id AND o.round_id = ?1 AND o.status = 'failed')
      >= ?2))
"""


@dataclass(frozen=True)
class Invitation:
    """A consented participant who should be told that a round is open."""

    participant: Participant
    round: Round
    number: int
    earlier: int = 0  # invitations to this round that failed for good before this one

    @property
    def dedupe_key(self) -> str:
        """Returns the outbox key of this invitation; each new try needs a key of its own."""
        key = f"invite:{self.round.id}:{self.participant.id}"
        return f"{key}:{self.earlier}" if self.earlier else key


async def round_status(tx: Tx, round_id: str) -> RoundStatus:
    """Returns a round's status; a round never opened is a draft."""
    row = await tx.fetchone("SELECT status FROM rounds WHERE round_id = ?", (round_id,))
    return RoundStatus(row[0]) if row else RoundStatus.DRAFT


class Rounds:
    """The coordinator's verbs for rounds."""

    def __init__(self, env: Env):
        self.env = env

    def definition(self, round_id: str) -> Round:
        """Returns a round of the definition, or raises NotFound listing the real ones."""
        for rnd in self.env.consultation.rounds:
            if rnd.id == round_id:
                return rnd
        names = ", ".join(r.id for r in self.env.consultation.rounds)
        raise NotFound(f"there is no round called {round_id!r}; rounds are {names}")

    async def open_round(self, round_id: str, actor: str) -> RoundStatus:
        """Opens a round; invitations follow from `pending_invitations`."""
        return await self._move(round_id, RoundEvent.OPEN, actor)

    async def close_round(self, round_id: str, actor: str) -> RoundStatus:
        """Closes a round; answers arriving after this are politely refused."""
        return await self._move(round_id, RoundEvent.CLOSE, actor)

    async def reopen_round(self, round_id: str, actor: str) -> RoundStatus:
        """Opens a closed round again."""
        return await self._move(round_id, RoundEvent.REOPEN, actor)

    async def statuses(self) -> dict[str, RoundStatus]:
        """Returns every round's status, in definition order."""
        async with self.env.db.reading() as tx:
            return {r.id: await round_status(tx, r.id) for r in self.env.consultation.rounds}

    async def _move(self, round_id: str, event: RoundEvent, actor: str) -> RoundStatus:
        self.definition(round_id)
        async with self.env.db.transaction() as tx:
            new = next_status(round_id, await round_status(tx, round_id), event)
            stamp = self.env.stamp()
            await tx.execute(
                "INSERT INTO rounds (round_id, status, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (round_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
                (round_id, new.value, stamp),
            )
            column = "closed_at" if new == RoundStatus.CLOSED else "opened_at"
            await tx.execute(f"UPDATE rounds SET {column} = ? WHERE round_id = ?", (stamp, round_id))
            await audit(tx, self.env, actor, f"{event.value}_round", round_id)
        return new

    async def pending_invitations(self, limit: int = 500) -> list[Invitation]:
        """Returns consented, reachable participants of open rounds' groups owed an invitation."""
        out: list[Invitation] = []
        async with self.env.db.reading() as tx:
            for number, rnd in enumerate(self.env.consultation.rounds, start=1):
                if await round_status(tx, rnd.id) != RoundStatus.OPEN:
                    continue
                marks = ",".join(f"?{n}" for n in range(4, 4 + len(rnd.groups)))
                rows = await tx.fetchall(
                    "SELECT q.*, (SELECT COUNT(*) FROM outbox o WHERE o.participant_id = q.id AND o.round_id = ?1)"
                    " FROM (" + PARTICIPANT_SQL + " WHERE p.status = 'consented' AND p.reachable = 1"
                    f" AND p.group_id IN ({marks})" + OWED_INVITATION + ") q ORDER BY q.id LIMIT ?3",
                    (rnd.id, MAX_REFUSED_INVITATIONS, limit - len(out), *rnd.groups),
                )
                out += [Invitation(Participant(*r[:5], bool(r[5])), rnd, number, r[6]) for r in rows]
                if len(out) >= limit:
                    break
        return out

    async def mark_invited(self, tx: Tx, participant_id: int, round_id: str) -> None:
        """Records that an invitation was queued, inside the caller's transaction."""
        await tx.execute(
            "INSERT INTO participations (participant_id, round_id, invited_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO UPDATE SET invited_at = excluded.invited_at",
            (participant_id, round_id, self.env.stamp()),
        )
