"""Opening and closing rounds, and who is owed an invitation to an open round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from carework_core.clock import iso
from carework_core.definition_changes import RoundSnapshot, definition_changes, snapshot_of
from carework_core.definitions import ItemRatingQuestion, Round
from carework_core.env import Env, audit
from carework_core.errors import DefinitionChanged, NotFound, RoundNotReady
from carework_core.lifecycle import RoundEvent, RoundStatus, next_status
from carework_core.onboarding import PARTICIPANT_SQL, Participant
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows
from carework_core.storage.snapshots import keep_first_snapshot, snapshot_texts

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
    """A consented participant who should be told that a round has opened (or closed)."""

    participant: Participant
    round: Round
    number: int
    earlier: int = 0  # invitations to this round that failed for good before this one

    @property
    def dedupe_key(self) -> str:
        """Returns the outbox key of this invitation; each new try needs a key of its own."""
        key = f"invite:{self.round.id}:{self.participant.id}"
        return f"{key}:{self.earlier}" if self.earlier else key


# A round closed longer ago than this is not announced: a first start after an upgrade, or after
# a long outage, should not send news that is days old.
CLOSING_NOTICE_WINDOW = timedelta(days=2)


def closing_notice_key(round_id: str, participant_id: int | str) -> str:
    """Returns the outbox dedupe key that makes a round's closing notice go to a person once."""
    return f"closed:{round_id}:{participant_id}"


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
        rnd = self.definition(round_id)
        async with self.env.db.transaction() as tx:
            new = next_status(round_id, await round_status(tx, round_id), event)
            if new == RoundStatus.OPEN:
                await _refuse_missing_items(tx, rnd)
                snapshot = snapshot_of(self.env.consultation, rnd).model_dump_json()
                await keep_first_snapshot(tx, round_id, snapshot, self.env.stamp())
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

    async def definition_changes(self) -> list[str]:
        """Returns how the loaded definition changes rounds that have opened (empty when it does not)."""
        async with self.env.db.reading() as tx:
            return definition_changes(await opened_snapshots(tx), self.env.consultation)

    async def refuse_changed_definition(self) -> None:
        """Raises DefinitionChanged when the definition changes what people of an opened round saw."""
        found = await self.definition_changes()
        if found:
            more = f" (and {len(found) - 1} more; `carework validate FILE --database DB` lists them)"
            raise DefinitionChanged(found[0] + (more if len(found) > 1 else ""), found)

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

    async def owed_closing_notices(self, limit: int = 500) -> list[Invitation]:
        """Returns people invited to a lately closed round who had not finished it and were not yet told."""
        out: list[Invitation] = []
        since = iso(self.env.clock.now() - CLOSING_NOTICE_WINDOW)
        async with self.env.db.reading() as tx:
            for number, rnd in enumerate(self.env.consultation.rounds, start=1):
                row = await tx.fetchone("SELECT status, closed_at FROM rounds WHERE round_id = ?", (rnd.id,))
                if row is None or row[0] != RoundStatus.CLOSED or (row[1] or "") < since:
                    continue
                rows = await tx.fetchall(
                    PARTICIPANT_SQL + " WHERE p.status = 'consented' AND p.reachable = 1 AND EXISTS (SELECT 1"
                    " FROM participations x WHERE x.participant_id = p.id AND x.round_id = ? AND x.finished_at IS NULL)"
                    " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = ? || p.id) ORDER BY p.id LIMIT ?",
                    (rnd.id, closing_notice_key(rnd.id, ""), limit - len(out)),
                )
                out += [Invitation(Participant(*r[:5], bool(r[5])), rnd, number) for r in rows]
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


async def opened_snapshots(tx: Tx) -> dict[str, RoundSnapshot]:
    """Returns each opened round as it was when it first opened."""
    return {rid: RoundSnapshot.model_validate_json(text) for rid, text in (await snapshot_texts(tx)).items()}


async def _refuse_missing_items(tx: Tx, rnd: Round) -> None:
    """Refuses to open a round whose item-rating question has nothing to rate: people would skip it."""
    for q in rnd.questions:
        if isinstance(q, ItemRatingQuestion) and not await item_rows(tx, q.item_set):
            raise RoundNotReady(
                f"round {rnd.id} cannot open: question {q.id} rates the item set {q.item_set!r}, which has no items "
                "yet; load the items (the researchers' synthesis) first, then open the round"
            )
