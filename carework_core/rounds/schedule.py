"""What the schedule says is due now: a pure function of the time and the stored state.

The definition's `schedule` is the starting plan; coordinators' changes (an extension, a moved,
cancelled or extra reminder) are stored and folded in by `plan_of`. `due_actions` decides what to
open, close and remind; the caller records each action (by its key) in the same transaction as its
effects, so deciding twice never acts twice, and an action missed while the bot was down is taken
once when it starts (a reminder only while it is still worth sending).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from carework_core.clock import iso
from carework_core.definitions.model import QuietHours, Round
from carework_core.rounds.lifecycle import RoundStatus


class ChangeKind(StrEnum):
    """A coordinator's change to a round's plan; stored as this text in plan_changes.kind."""

    CLOSES = "closes"  # a new closing time (an extension, or closing earlier)
    MOVE_REMINDER = "move_reminder"
    CANCEL_REMINDER = "cancel_reminder"
    ADD_REMINDER = "add_reminder"  # "remind now": not counted against the definition's reminders


@dataclass(frozen=True)
class PlanChange:
    round_id: str
    kind: ChangeKind
    at: datetime | None = None  # the new time (UTC), if the change has one
    number: int | None = None  # which reminder, counting from 1
    actor: str = ""
    made_at: datetime | None = None


@dataclass(frozen=True)
class Reminder:
    number: int  # counting from 1 in the plan's order
    at: datetime  # UTC
    cancelled: bool = False
    manual: bool = False


@dataclass(frozen=True)
class RoundPlan:
    """A round's schedule as it stands: the definition's, with the coordinators' changes applied."""

    round_id: str
    opens: datetime | None
    closes: datetime | None
    reminders: tuple[Reminder, ...] = ()
    stale_after: timedelta = timedelta(hours=12)
    changes: tuple[PlanChange, ...] = ()
    summary: datetime | None = None  # when an approved summary goes out (UTC)

    def reminder(self, number: int) -> Reminder | None:
        """Returns the reminder with this number, if the plan has one."""
        return next((r for r in self.reminders if r.number == number), None)


def local_to_utc(when: datetime, zone: ZoneInfo) -> datetime:
    """Returns a definition time in UTC: a time without an offset is in the consultation's zone."""
    aware = when.replace(tzinfo=zone) if when.tzinfo is None else when
    return aware.astimezone(UTC)


def wall_clock_problem(when: datetime, zone: ZoneInfo) -> str | None:
    """Says why a time written without an offset is not one moment in the zone (the clocks change), or None."""
    if when.tzinfo is not None:
        return None
    first, second = when.replace(tzinfo=zone, fold=0), when.replace(tzinfo=zone, fold=1)
    written = f"{when:%Y-%m-%d %H:%M} "
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != when:
        return (
            written + f"does not exist in {zone.key}: the clocks go forward then; pick a time outside the skipped hour"
        )
    if first.utcoffset() != second.utcoffset():
        return written + f"happens twice in {zone.key}: the clocks go back then; pick a time outside the repeated hour"
    return None


def plan_of(rnd: Round, zone: ZoneInfo, changes: Iterable[PlanChange] = ()) -> RoundPlan:
    """Returns a round's plan: its definition schedule with stored changes applied in order."""
    s = rnd.schedule
    reminders = [Reminder(n, local_to_utc(t, zone)) for n, t in enumerate(s.reminders, start=1)]
    closes = local_to_utc(s.closes, zone) if s.closes else None
    mine = tuple(c for c in changes if c.round_id == rnd.id)
    for change in mine:
        match change.kind:
            case ChangeKind.CLOSES:
                closes = change.at
            case ChangeKind.ADD_REMINDER if change.at:
                reminders.append(Reminder(len(reminders) + 1, change.at, manual=True))
            case ChangeKind.MOVE_REMINDER if change.number and change.at:
                reminders = [replace(r, at=change.at) if r.number == change.number else r for r in reminders]
            case ChangeKind.CANCEL_REMINDER if change.number:
                reminders = [replace(r, cancelled=True) if r.number == change.number else r for r in reminders]
    opens = local_to_utc(s.opens, zone) if s.opens else None
    summary = local_to_utc(s.summary, zone) if s.summary else None
    return RoundPlan(rnd.id, opens, closes, tuple(reminders), s.stale_after, mine, summary)


@dataclass(frozen=True)
class ScheduleState:
    """Everything `due_actions` needs: plans, stored statuses, actions already taken, quiet hours."""

    plans: tuple[RoundPlan, ...]
    statuses: Mapping[str, RoundStatus]
    done: frozenset[str] = frozenset()
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    quiet_hours: QuietHours | None = None
    summaries: Mapping[str, bool] = field(default_factory=dict)  # approved, unsent: round -> send now


@dataclass(frozen=True)
class OpenRound:
    round_id: str
    due: datetime

    @property
    def key(self) -> str:
        return f"open:{self.round_id}"


@dataclass(frozen=True)
class CloseRound:
    round_id: str
    due: datetime

    @property
    def key(self) -> str:  # an extended round closes again at its new time, under a new key
        return f"close:{self.round_id}:{iso(self.due)}"


@dataclass(frozen=True)
class SendReminder:
    round_id: str
    number: int
    due: datetime

    @property
    def key(self) -> str:
        return reminder_key(self.round_id, self.number)


@dataclass(frozen=True)
class SendSummary:
    round_id: str
    due: datetime

    @property
    def key(self) -> str:
        return f"summary:{self.round_id}"


class SkipReason(StrEnum):
    STALE = "stale"  # too late to be useful (downtime, or quiet hours past stale_after)
    SUPERSEDED = "superseded"  # a later reminder of the same round goes instead
    NOT_OPEN = "not_open"  # the round was not open when it came due
    PASSED = "passed"  # the round's whole window went by while the bot was down


@dataclass(frozen=True)
class Skip:
    """A due action that will not be taken, recorded so it is decided once."""

    key: str
    round_id: str
    due: datetime
    reason: SkipReason


Action = OpenRound | CloseRound | SendReminder | SendSummary | Skip


def reminder_key(round_id: str, number: int) -> str:
    """Returns the key recording that a round's reminder was sent (or skipped)."""
    return f"remind:{round_id}:{number}"


def due_actions(now: datetime, state: ScheduleState) -> list[Action]:
    """Returns what is due at `now`, opens and closes before reminders, in definition order."""
    actions: list[Action] = []
    for plan in state.plans:
        status = state.statuses.get(plan.round_id, RoundStatus.DRAFT)
        moves, status = _opening_and_closing(now, plan, status, state.done)
        actions += moves
        actions += _reminders(now, plan, status, state)
        actions += _summary(now, plan, status, state)
    return actions


def _opening_and_closing(
    now: datetime, plan: RoundPlan, status: RoundStatus, done: frozenset[str]
) -> tuple[list[Action], RoundStatus]:
    """Returns the open and close due for a round, and its status once they are taken."""
    actions: list[Action] = []
    opening = OpenRound(plan.round_id, plan.opens) if plan.opens else None
    if opening and opening.key not in done and opening.due <= now and status == RoundStatus.DRAFT:
        if plan.closes and plan.closes <= now:  # opening now would invite people to a closed round
            return [Skip(opening.key, plan.round_id, opening.due, SkipReason.PASSED)], status
        actions.append(opening)
        status = RoundStatus.OPEN
    closing = CloseRound(plan.round_id, plan.closes) if plan.closes else None
    if closing and closing.key not in done and closing.due <= now:
        if status == RoundStatus.OPEN:
            actions.append(closing)
            status = RoundStatus.CLOSED
        elif status == RoundStatus.CLOSED:  # a coordinator closed it early: nothing left to do
            actions.append(Skip(closing.key, plan.round_id, closing.due, SkipReason.NOT_OPEN))
    return actions, status


def _reminders(now: datetime, plan: RoundPlan, status: RoundStatus, state: ScheduleState) -> list[Action]:
    """Returns the reminder due for a round (the latest of those missed) and skips for the rest."""
    waiting = [
        r
        for r in plan.reminders
        if not r.cancelled and r.at <= now and reminder_key(plan.round_id, r.number) not in state.done
    ]
    actions: list[Action] = []
    for reminder in waiting:
        key = reminder_key(plan.round_id, reminder.number)
        if now - reminder.at > plan.stale_after:
            actions.append(Skip(key, plan.round_id, reminder.at, SkipReason.STALE))
        elif status != RoundStatus.OPEN:
            if status == RoundStatus.CLOSED or (plan.closes and plan.closes <= now):
                actions.append(Skip(key, plan.round_id, reminder.at, SkipReason.NOT_OPEN))
        elif reminder is not waiting[-1]:
            actions.append(Skip(key, plan.round_id, reminder.at, SkipReason.SUPERSEDED))
        elif quiet_until(now, state) is None:
            actions.append(SendReminder(plan.round_id, reminder.number, reminder.at))
    return actions


def _summary(now: datetime, plan: RoundPlan, status: RoundStatus, state: ScheduleState) -> list[Action]:
    """Returns the round's approved summary once its time (or, sent now, its approval) has come, outside quiet hours."""
    due = _summary_due(now, plan, state)
    if due is None or due > now or status != RoundStatus.CLOSED or quiet_until(now, state) is not None:
        return []
    return [SendSummary(plan.round_id, due)]


def _summary_due(now: datetime, plan: RoundPlan, state: ScheduleState) -> datetime | None:
    """Returns when an approved, unsent summary is due: its time, or now when sent now or it has none."""
    if plan.round_id not in state.summaries or SendSummary(plan.round_id, now).key in state.done:
        return None
    return now if state.summaries[plan.round_id] or plan.summary is None else plan.summary


def quiet_until(now: datetime, state: ScheduleState) -> datetime | None:
    """Returns when the quiet hours around `now` end (UTC), or None if `now` is not in them."""
    return quiet_end(now, state.quiet_hours, state.zone)


def quiet_end(now: datetime, quiet: QuietHours | None, zone: ZoneInfo) -> datetime | None:
    """Returns when the quiet hours around `now` end (UTC), or None if `now` is not in them."""
    if quiet is None:
        return None
    local = now.astimezone(zone)
    if not quiet.contains(local.time()):
        return None
    day = local.date() if local.time() < quiet.end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=zone).astimezone(UTC)


def next_wake(now: datetime, state: ScheduleState) -> datetime | None:
    """Returns the next time after `now` at which `due_actions` may have something new, if any."""
    times: list[datetime] = []
    for plan in state.plans:
        status = state.statuses.get(plan.round_id, RoundStatus.DRAFT)
        if plan.opens and status == RoundStatus.DRAFT and f"open:{plan.round_id}" not in state.done:
            times.append(plan.opens)
        if plan.closes and status != RoundStatus.CLOSED:
            times.append(plan.closes)
        for r in plan.reminders:
            if not r.cancelled and reminder_key(plan.round_id, r.number) not in state.done:
                times.append(r.at)
        summary = _summary_due(now, plan, state)
        if summary is not None and status == RoundStatus.CLOSED:
            times.append(summary)
    ahead = [t for t in times if t > now]
    quiet_end = quiet_until(now, state)
    if quiet_end and any(t <= now for t in times):  # a reminder or summary waits for the morning
        ahead.append(quiet_end)
    return min(ahead, default=None)
