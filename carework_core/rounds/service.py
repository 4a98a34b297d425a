"""Opening and closing rounds, and who is owed an invitation to an open round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from carework_core.clock import iso
from carework_core.definitions.changes import (
    RoundSnapshot,
    definition_changes,
    removed_group,
    removed_groups,
    snapshot_of,
)
from carework_core.definitions.model import Consultation, ItemRatingQuestion, Round
from carework_core.env import Env, audit
from carework_core.errors import DefinitionChanged, NotFound, PlanError, RoundNotReady
from carework_core.messaging.outbox import OutgoingMessage
from carework_core.people.onboarding import Participant
from carework_core.rounds.effects import Effect, Invited, apply_effects
from carework_core.rounds.lifecycle import RoundEvent, RoundStatus, next_status
from carework_core.rounds.schedule import plan_of
from carework_core.storage import checks
from carework_core.storage import rounds as stored
from carework_core.storage.db import Tx
from carework_core.storage.items import item_rows
from carework_core.storage.participants import group_members
from carework_core.storage.progress import drop_figures, keep_figures
from carework_core.storage.rounds import round_status as round_status  # answering and whereabouts import it here
from carework_core.storage.schedule import plan_changes
from carework_core.storage.snapshots import keep_first_snapshot, snapshot_texts

# A refused invitation is tried again, but not forever: the same refusal would come back.
MAX_REFUSED_INVITATIONS = 3


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


def round_named(consultation: Consultation, round_id: str) -> Round:
    """Returns a round of the definition, or raises NotFound listing the real ones."""
    for rnd in consultation.rounds:
        if rnd.id == round_id:
            return rnd
    names = ", ".join(r.id for r in consultation.rounds)
    raise NotFound(f"there is no round called {round_id!r}; rounds are {names}")


class Rounds:
    """The coordinator's verbs for rounds."""

    def __init__(self, env: Env):
        self.env = env
        self._checked_everyone = False

    def definition(self, round_id: str) -> Round:
        """Returns a round of the definition, or raises NotFound listing the real ones."""
        return round_named(self.env.consultation, round_id)

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
            return await move_round(tx, self.env, rnd, event, actor)

    async def definition_changes(self) -> list[str]:
        """Returns how the loaded definition changes rounds that have opened (empty when it does not)."""
        async with self.env.db.reading() as tx:
            return definition_changes(await opened_snapshots(tx), self.env.consultation)

    async def removed_groups(self) -> list[tuple[str, int]]:
        """Returns (group id, members) of each group that has members but is gone from the definition."""
        async with self.env.db.reading() as tx:
            return removed_groups(await group_members(tx), self.env.consultation)

    async def refuse_changed_definition(self) -> None:
        """Raises DefinitionChanged when the definition changes what people of an opened round saw, or
        drops a group people belong to."""
        found = [removed_group(*gone) for gone in await self.removed_groups()] + await self.definition_changes()
        if found:
            more = f" (and {len(found) - 1} more; `carework validate FILE --database DB` lists them)"
            raise DefinitionChanged(found[0] + (more if len(found) > 1 else ""), found)

    async def pending_invitations(self, limit: int = 500) -> list[Invitation]:
        """Returns consented, reachable participants of open rounds' groups owed an invitation.

        Only people whose invitation a change may have made owed are looked at (invitation_checks, kept
        by triggers), and their checks are settled as they are found invited or not owed, so a pass with
        nothing to do costs one index seek, however many people there are."""
        if self._checked_everyone:
            async with self.env.db.reading() as tx:
                if not await checks.checks_waiting(tx, "invitation_checks"):
                    return []
        async with self.env.db.transaction() as tx:
            if not self._checked_everyone:  # once a process: the definition may give a round new groups
                await checks.check_everyone(tx)
            owed = await self._owed(tx, limit)
        self._checked_everyone = True
        return owed

    async def _owed(self, tx: Tx, limit: int) -> list[Invitation]:
        out: list[Invitation] = []
        open_rounds = []
        for number, rnd in enumerate(self.env.consultation.rounds, start=1):
            if await round_status(tx, rnd.id) != RoundStatus.OPEN:
                continue
            open_rounds.append(rnd.id)
            if len(out) < limit:
                owed = await stored.owed_invitations(
                    tx, rnd.id, list(rnd.groups), MAX_REFUSED_INVITATIONS, limit - len(out)
                )
                await checks.settle_checks(
                    tx, "invitation_checks", rnd.id, [person.id for person, _ in owed], limit - len(out)
                )
                out += [Invitation(person, rnd, number, earlier) for person, earlier in owed]
        await checks.drop_checks_except(tx, "invitation_checks", open_rounds)
        return out

    async def owed_closing_notices(self, limit: int = 500) -> list[Invitation]:
        """Returns people invited to a lately closed round who had not finished it and were not yet told;
        like invitations, only people a change may have made owed one are looked at (closing_checks)."""
        async with self.env.db.reading() as tx:
            if not await checks.checks_waiting(tx, "closing_checks"):
                return []
        out: list[Invitation] = []
        recent = []  # rounds whose closing is still news
        since = iso(self.env.clock.now() - CLOSING_NOTICE_WINDOW)
        async with self.env.db.transaction() as tx:
            for number, rnd in enumerate(self.env.consultation.rounds, start=1):
                state = await stored.read_round(tx, rnd.id)
                if state.status != RoundStatus.CLOSED or (state.closed_at or "") < since:
                    continue
                recent.append(rnd.id)
                if len(out) < limit:
                    owed = await stored.unfinished_not_told(
                        tx, rnd.id, closing_notice_key(rnd.id, ""), limit - len(out)
                    )
                    await checks.settle_checks(tx, "closing_checks", rnd.id, [p.id for p in owed], limit - len(out))
                    out += [Invitation(person, rnd, number) for person in owed]
            await checks.drop_checks_except(tx, "closing_checks", recent)
        return out

    async def send_invitations(self, invitations: list[tuple[Invitation, OutgoingMessage]]) -> int:
        """Queues each rendered invitation and records it, all in one transaction; returns how many were new."""
        return await apply_effects(
            self.env, [Effect(Invited(inv.participant.id, inv.round.id), (msg,)) for inv, msg in invitations]
        )

    async def send_closing_notices(self, notices: list[OutgoingMessage]) -> int:
        """Queues rendered closing notices in one transaction; their dedupe keys make each go once."""
        return await apply_effects(self.env, [Effect(None, (msg,)) for msg in notices])


async def move_round(tx: Tx, env: Env, rnd: Round, event: RoundEvent, actor: str) -> RoundStatus:
    """Moves a round to its next status inside the caller's transaction, snapshot and audit included."""
    new = next_status(rnd.id, await round_status(tx, rnd.id), event)
    if new == RoundStatus.OPEN:
        await _refuse_missing_items(tx, rnd)
        await _refuse_passed_close(tx, env, rnd)
        snapshot = snapshot_of(env.consultation, rnd).model_dump_json()
        await keep_first_snapshot(tx, rnd.id, snapshot, env.stamp())
    await stored.save_round_status(tx, rnd.id, new, env.stamp())
    if new == RoundStatus.CLOSED:  # what /status says of a closed round is what it closed with
        await keep_figures(tx, rnd.id, list(rnd.groups))
    else:
        await drop_figures(tx, rnd.id)
    await audit(tx, env, actor, f"{event.value}_round", rnd.id)
    return new


async def opened_snapshots(tx: Tx) -> dict[str, RoundSnapshot]:
    """Returns each opened round as it was when it first opened."""
    return {rid: RoundSnapshot.model_validate_json(text) for rid, text in (await snapshot_texts(tx)).items()}


async def _refuse_passed_close(tx: Tx, env: Env, rnd: Round) -> None:
    """Refuses to open a round whose planned close has passed: the schedule would close it at once."""
    closes = plan_of(rnd, env.consultation.zone, await plan_changes(tx)).closes
    if closes and closes <= env.clock.now():
        local = closes.astimezone(env.consultation.zone)
        raise PlanError(
            f"round {rnd.id} was planned to close at {local:%Y-%m-%d %H:%M}, which has passed, so it would close "
            f"again at once; give it a new closing time instead: carework round extend {rnd.id} YYYY-MM-DD HH:MM"
        )


async def _refuse_missing_items(tx: Tx, rnd: Round) -> None:
    """Refuses to open a round whose item-rating question has nothing to rate: people would skip it."""
    for q in rnd.questions:
        if isinstance(q, ItemRatingQuestion) and not await item_rows(tx, q.item_set):
            raise RoundNotReady(
                f"round {rnd.id} cannot open: question {q.id} rates the item set {q.item_set!r}, which has no items "
                "yet; load the items (the researchers' synthesis) first, then open the round"
            )
