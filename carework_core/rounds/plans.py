"""The schedule at work: reading the plan, taking due actions once, and coordinators' changes.

`due_actions` (carework_core.rounds.schedule) decides; this service reads the state it decides from and
records each action in the same transaction as its effect. Opening a round is followed by
invitations and closing by closing notices (carework_core.rounds.service); a reminder's messages are
rendered by the shell and queued here with the record of the reminder itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from carework_core.answering.left import left_in_round
from carework_core.clock import iso, parse_iso
from carework_core.definitions.model import Consultation, Round, parse_duration
from carework_core.env import Env, audit
from carework_core.errors import PlanError
from carework_core.messaging.messages import OutgoingMessage
from carework_core.people.model import Participant
from carework_core.rounds.coming import coming_in
from carework_core.rounds.effects import Effect, record_effects
from carework_core.rounds.lifecycle import RoundEvent, RoundStatus
from carework_core.rounds.next_round import Coming
from carework_core.rounds.schedule import (
    Action,
    ChangeKind,
    CloseRound,
    OpenRound,
    PlanChange,
    RoundPlan,
    ScheduleState,
    SendReminder,
    Skip,
    due_actions,
    next_wake,
    plan_of,
    quiet_until,
    reminder_key,
    wall_clock_problem,
)
from carework_core.rounds.service import move_round, round_named, round_status
from carework_core.storage import rounds as stored_rounds
from carework_core.storage import schedule as stored
from carework_core.storage import summaries as stored_summaries
from carework_core.storage.answers import round_progress
from carework_core.storage.db import Tx

SCHEDULE_ACTOR = "schedule"


@dataclass(frozen=True)
class ReminderTarget:
    """Someone a reminder is for: invited, not finished, and how far they have come."""

    participant: Participant
    round: Round
    number: int  # the round's number in the consultation, counting from 1
    questions_left: int  # besides the ideas left, when the person is on an item-rating question
    closes: datetime | None
    reminder: int  # which reminder of the round this is
    started: bool = False
    ideas_left: int = 0  # ideas of the item-rating question the person is on still to rate (their share's)
    share_left: float = 1.0  # the part of the round left, for the minutes a reminder says

    @property
    def dedupe_key(self) -> str:
        return f"{reminder_key(self.round.id, self.reminder)}:{self.participant.id}"


@dataclass(frozen=True)
class ReminderReach:
    """Who a reminder to a round would reach now, and how many it leaves out for having had one lately."""

    due: int
    held_back: int = 0
    next_at: datetime | None = None  # when the first of those left out may be reminded again


class Plans:
    def __init__(self, env: Env):
        self.env = env

    def _round(self, round_id: str) -> Round:
        return round_named(self.env.consultation, round_id)

    async def _state(self, tx: Tx) -> ScheduleState:
        c = self.env.consultation
        changes = await stored.plan_changes(tx)
        plans = tuple(plan_of(r, c.zone, changes) for r in c.rounds)
        stored_statuses = await stored_rounds.round_statuses(tx)
        statuses = {r.id: stored_statuses.get(r.id, RoundStatus.DRAFT) for r in c.rounds}
        ready = await stored_summaries.ready_summaries(tx)
        return ScheduleState(plans, statuses, await stored.done_keys(tx), c.zone, c.quiet_hours, ready)

    async def plans(self) -> list[RoundPlan]:
        """Returns every round's plan as it stands, in definition order."""
        async with self.env.db.reading() as tx:
            return list((await self._state(tx)).plans)

    async def plan(self, round_id: str) -> RoundPlan:
        """Returns one round's plan as it stands."""
        self._round(round_id)
        return next(p for p in await self.plans() if p.round_id == round_id)

    async def due(self) -> list[Action]:
        """Returns what the schedule says is due now."""
        async with self.env.db.reading() as tx:
            return due_actions(self.env.clock.now(), await self._state(tx))

    async def next_wake(self) -> datetime | None:
        """Returns the next time something may fall due, if anything is planned."""
        async with self.env.db.reading() as tx:
            return next_wake(self.env.clock.now(), await self._state(tx))

    async def take(self, action: OpenRound | CloseRound | Skip) -> bool:
        """Records an open, close or skip and makes it so, in one transaction; False if it was taken before."""
        name = {OpenRound: "open", CloseRound: "close", Skip: "skip"}[type(action)]
        outcome = action.reason.value if isinstance(action, Skip) else "done"
        async with self.env.db.transaction() as tx:
            if not await stored.log_action(
                tx, action.key, action.round_id, name, iso(action.due), outcome, self.env.stamp()
            ):
                return False
            if isinstance(action, OpenRound | CloseRound):
                event = RoundEvent.OPEN if isinstance(action, OpenRound) else RoundEvent.CLOSE
                await move_round(tx, self.env, self._round(action.round_id), event, SCHEDULE_ACTOR)
        return True

    async def reminder_targets(self, action: SendReminder) -> list[ReminderTarget]:
        """Returns who a due reminder is for: invited to the round, consented, reachable, not finished."""
        rnd = self._round(action.round_id)
        number = self.env.consultation.rounds.index(rnd) + 1
        async with self.env.db.reading() as tx:
            plan = next(p for p in (await self._state(tx)).plans if p.round_id == rnd.id)
            people = await stored.unfinished_invited(tx, rnd.id, self._gap_start())
            targets = []
            for p, _, started in people:
                left = await left_in_round(tx, self.env.consultation, rnd, await round_progress(tx, p.id, rnd.id))
                targets.append(
                    ReminderTarget(
                        p, rnd, number, left.questions, plan.closes, action.number, started, left.ideas, left.share
                    )
                )
        return targets

    async def send_reminder(self, action: SendReminder, messages: list[OutgoingMessage]) -> int:
        """Records a reminder and queues its messages in one transaction; returns how many were new."""
        async with self.env.db.transaction() as tx:
            if not await stored.log_action(
                tx, action.key, action.round_id, "remind", iso(action.due), "done", self.env.stamp(), len(messages)
            ):
                return 0
            reminded = [m.participant_id for m in messages if m.participant_id is not None]
            await stored.mark_reminded(tx, action.round_id, reminded, self.env.stamp())
            return await record_effects(tx, self.env, [Effect(None, (m,)) for m in messages])

    async def reminder_recipients(self, round_id: str) -> int:
        """Returns how many people a reminder to this round would reach now."""
        return (await self.reminder_reach(round_id)).due

    async def reminder_reach(self, round_id: str) -> ReminderReach:
        """Returns who a reminder to this round would reach now, and who had one within the reminder gap."""
        self._round(round_id)
        async with self.env.db.reading() as tx:
            return await self._reach(tx, round_id)

    async def check_reminder(self, round_id: str) -> ReminderReach:
        """Returns who a reminder would reach; refuses one that would only repeat a reminder of the last hours."""
        reach = await self.reminder_reach(round_id)
        _refuse_repeat(round_id, reach, self.env.consultation)
        return reach

    def _gap_start(self) -> str:
        """Returns the time after which a reminder counts as recent: now less the definition's reminder gap."""
        return iso(self.env.clock.now() - self.env.consultation.reminder_gap)

    async def _reach(self, tx: Tx, round_id: str) -> ReminderReach:
        since = self._gap_start()
        due = len(await stored.unfinished_invited(tx, round_id, since))
        held_back = len(await stored.unfinished_invited(tx, round_id)) - due
        recent = await stored.reminded_after(tx, round_id, since)
        first = parse_iso(recent[0]) + self.env.consultation.reminder_gap if recent and held_back else None
        return ReminderReach(due, held_back, first)

    async def quiet_until(self) -> datetime | None:
        """Returns when the quiet hours we are in end, or None outside them."""
        async with self.env.db.reading() as tx:
            return quiet_until(self.env.clock.now(), await self._state(tx))

    async def coming(self, group_id: str, after: str | None = None) -> Coming:
        """Returns what comes next for a group after a round (or from now): its next round, or none left."""
        async with self.env.db.reading() as tx:
            return await coming_in(tx, self.env.consultation, group_id, self.env.clock.now(), after)

    async def extend(self, round_id: str, until: datetime, actor: str) -> Extended:
        """Sets a new closing time; a closed round opens again until then, and so does a draft round
        whose planned opening or closing has passed (`round open` would otherwise come next)."""
        rnd = self._round(round_id)
        now = self.env.clock.now()
        if until <= now:
            raise PlanError(f"round {round_id} cannot close at {until:%Y-%m-%d %H:%M} UTC: that time has passed")
        async with self.env.db.transaction() as tx:
            plan = await self._plan_in(tx, rnd)
            if plan.opens and until <= plan.opens:
                raise PlanError(f"round {round_id} cannot close before it opens ({plan.opens:%Y-%m-%d %H:%M} UTC)")
            passed = any(when is not None and when <= now for when in (plan.opens, plan.closes))
            await self._change(tx, PlanChange(round_id, ChangeKind.CLOSES, until, actor=actor))
            was = await round_status(tx, round_id)
            if was == RoundStatus.CLOSED:
                await move_round(tx, self.env, rnd, RoundEvent.REOPEN, actor)
            elif was == RoundStatus.DRAFT and passed:
                await move_round(tx, self.env, rnd, RoundEvent.OPEN, actor)
            return Extended(await self._plan_in(tx, rnd), was, await round_status(tx, round_id))

    async def remind_now(self, round_id: str, actor: str) -> RoundPlan:
        """Adds a reminder at this moment; the scheduler sends it to those who have not finished."""
        rnd = self._round(round_id)
        async with self.env.db.transaction() as tx:
            if await round_status(tx, round_id) != RoundStatus.OPEN:
                raise PlanError(f"round {round_id} is not open, so there is nobody to remind")
            _refuse_repeat(round_id, await self._reach(tx, round_id), self.env.consultation)
            await self._change(tx, PlanChange(round_id, ChangeKind.ADD_REMINDER, self.env.clock.now(), actor=actor))
            return await self._plan_in(tx, rnd)

    async def move_reminder(self, round_id: str, number: int, when: datetime, actor: str) -> RoundPlan:
        """Moves a reminder that has not gone out yet to a new time before the round closes."""
        rnd = self._round(round_id)
        if when <= self.env.clock.now():
            raise PlanError(f"reminder {number} of round {round_id} cannot move to a time that has passed")
        async with self.env.db.transaction() as tx:
            plan = await self._pending_reminder(tx, rnd, number)
            if plan.closes and when >= plan.closes:
                raise PlanError(
                    f"reminder {number} of round {round_id} must come before the round closes "
                    f"({plan.closes:%Y-%m-%d %H:%M} UTC)"
                )
            await self._change(tx, PlanChange(round_id, ChangeKind.MOVE_REMINDER, when, number, actor))
            return await self._plan_in(tx, rnd)

    async def cancel_reminder(self, round_id: str, number: int, actor: str) -> RoundPlan:
        """Cancels a reminder that has not gone out yet."""
        rnd = self._round(round_id)
        async with self.env.db.transaction() as tx:
            await self._pending_reminder(tx, rnd, number)
            await self._change(tx, PlanChange(round_id, ChangeKind.CANCEL_REMINDER, None, number, actor))
            return await self._plan_in(tx, rnd)

    async def _plan_in(self, tx: Tx, rnd: Round) -> RoundPlan:
        return plan_of(rnd, self.env.consultation.zone, await stored.plan_changes(tx))

    async def _pending_reminder(self, tx: Tx, rnd: Round, number: int) -> RoundPlan:
        plan = await self._plan_in(tx, rnd)
        reminder = plan.reminder(number)
        if reminder is None or reminder.cancelled:
            have = ", ".join(str(r.number) for r in plan.reminders if not r.cancelled) or "none"
            raise PlanError(f"round {rnd.id} has no reminder {number} (its reminders: {have})")
        if reminder_key(rnd.id, number) in await stored.done_keys(tx):
            raise PlanError(f"reminder {number} of round {rnd.id} has already gone out (or was skipped)")
        return plan

    async def _change(self, tx: Tx, change: PlanChange) -> None:
        await stored.add_plan_change(tx, change, self.env.stamp())
        detail = {"number": change.number, "at": iso(change.at) if change.at else None}
        await audit(tx, self.env, change.actor, f"plan_{change.kind.value}", change.round_id, json.dumps(detail))


def _refuse_repeat(round_id: str, reach: ReminderReach, c: Consultation) -> None:
    """Refuses a reminder when everyone it is for had one within the reminder gap (it would repeat itself)."""
    if reach.due or not reach.held_back:
        return
    people = "1 person" if reach.held_back == 1 else f"{reach.held_back} people"
    hours = c.reminder_gap.total_seconds() / 3600
    gap = f"{hours:g} hour{'s' if hours != 1 else ''}"
    when = f" The next can go from {reach.next_at.astimezone(c.zone):%a %-d %b %Y %H:%M}." if reach.next_at else ""
    raise PlanError(f"everyone waiting in round {round_id} ({people}) had a reminder less than {gap} ago.{when}")


MAX_AHEAD = timedelta(days=366)  # a "+3d" further than this is a slip of the keyboard
TIME_FORMS = "write 2026-01-25 21:00, 2026-01-25, or +3d"


@dataclass(frozen=True)
class Extended:
    """A round's plan after a new closing time, and its status before and after."""

    plan: RoundPlan
    was: RoundStatus
    now: RoundStatus


def parse_local_time(text: str, zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """Reads a coordinator's time, e.g. "2026-01-25 21:00", "2026-01-25" (end of day) or "+3d", in the
    consultation's zone; returns it in UTC."""
    words = text.strip()
    if words.startswith("+") and now is not None:
        try:
            ahead = parse_duration(words[1:])
        except (ValueError, OverflowError):  # OverflowError: more days than a timedelta holds
            ahead = None
        if ahead is not None:
            if ahead > MAX_AHEAD:
                raise PlanError(f"cannot read {text!r} as a time: {TIME_FORMS} (at most {MAX_AHEAD.days} days ahead)")
            return now + ahead
    for pattern, end_of_day in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%dT%H:%M", False), ("%Y-%m-%d", True)):
        try:
            local = datetime.strptime(words, pattern)
            if end_of_day:
                local += timedelta(hours=23, minutes=59)
            if (why := wall_clock_problem(local, zone)) is not None:
                raise PlanError(why)  # a skipped or repeated hour is not one moment: ask for another
            return local.replace(tzinfo=zone).astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: 9999-12-31 in a zone ahead of UTC
            continue
    raise PlanError(f"cannot read {text!r} as a time: {TIME_FORMS}")
