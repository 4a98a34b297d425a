"""What the schedule says is due, at fixed moments: due_actions is pure, so every case is a clock and a state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from carework_core.definitions.model import QuietHours, Round, Schedule
from carework_core.rounds.lifecycle import RoundStatus
from carework_core.rounds.schedule import (
    ChangeKind,
    CloseRound,
    OpenRound,
    PlanChange,
    ScheduleState,
    SendReminder,
    Skip,
    SkipReason,
    due_actions,
    next_wake,
    plan_of,
)

LONDON = ZoneInfo("Europe/London")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def a_round(**schedule) -> Round:
    question = {"id": "q1", "type": "text", "text": "Tell us"}
    return Round(id="r1", title="Round", theme="t", groups=["g"], schedule=Schedule(**schedule), questions=[question])


WEEK = a_round(
    opens=datetime(2026, 1, 12, 9),
    reminders=[datetime(2026, 1, 16, 18), datetime(2026, 1, 20, 18)],
    closes=datetime(2026, 1, 21, 21),
)


def state(rnd=WEEK, status=RoundStatus.DRAFT, done=(), changes=(), quiet=None) -> ScheduleState:
    return ScheduleState((plan_of(rnd, LONDON, changes),), {rnd.id: status}, frozenset(done), LONDON, quiet)


def run_through(rnd, times, quiet=None):
    """Plays the schedule at each moment, taking every action as the bot would; returns them in order."""
    status, done, taken = RoundStatus.DRAFT, set(), []
    for now in times:
        for action in due_actions(now, state(rnd, status, done, quiet=quiet)):
            taken.append(action)
            done.add(action.key)
            if isinstance(action, OpenRound):
                status = RoundStatus.OPEN
            elif isinstance(action, CloseRound):
                status = RoundStatus.CLOSED
    return taken


def test_nothing_is_due_before_the_round_opens():
    assert due_actions(utc("2026-01-12T08:59"), state()) == []
    assert next_wake(utc("2026-01-12T08:59"), state()) == utc("2026-01-12T09:00")


def test_a_normal_run_opens_reminds_twice_and_closes_once_each():
    minutes = [utc("2026-01-12T09:00") + timedelta(minutes=30 * n) for n in range(10 * 48)]
    taken = run_through(WEEK, minutes)
    assert [type(a).__name__ for a in taken] == ["OpenRound", "SendReminder", "SendReminder", "CloseRound"]
    assert [a.due for a in taken] == [
        utc("2026-01-12T09:00"),
        utc("2026-01-16T18:00"),
        utc("2026-01-20T18:00"),
        utc("2026-01-21T21:00"),
    ]


def test_taken_actions_are_not_due_again():
    now = utc("2026-01-16T18:05")
    first = due_actions(now, state(status=RoundStatus.OPEN, done={"open:r1"}))
    assert first == [SendReminder("r1", 1, utc("2026-01-16T18:00"))]
    assert due_actions(now, state(status=RoundStatus.OPEN, done={"open:r1", first[0].key})) == []


def test_downtime_across_the_open_and_a_reminder_opens_once_and_sends_only_the_fresh_reminder():
    # Down from before the open until 2 hours after the first reminder: open late, remind once.
    taken = run_through(WEEK, [utc("2026-01-16T20:00"), utc("2026-01-16T20:01")])
    assert taken == [OpenRound("r1", utc("2026-01-12T09:00")), SendReminder("r1", 1, utc("2026-01-16T18:00"))]


def test_a_reminder_made_stale_by_downtime_is_skipped_not_sent():
    now = utc("2026-01-17T07:00")  # 13 hours late; stale after 12
    actions = due_actions(now, state(status=RoundStatus.OPEN, done={"open:r1"}))
    assert actions == [Skip("remind:r1:1", "r1", utc("2026-01-16T18:00"), SkipReason.STALE)]


def test_stale_after_comes_from_the_definition():
    rnd = a_round(opens=datetime(2026, 1, 12, 9), reminders=[datetime(2026, 1, 16, 18)], stale_after="2d")
    actions = due_actions(utc("2026-01-17T07:00"), state(rnd, RoundStatus.OPEN, {"open:r1"}))
    assert actions == [SendReminder("r1", 1, utc("2026-01-16T18:00"))]


def test_two_missed_reminders_send_only_the_later_one():
    rnd = a_round(opens=datetime(2026, 1, 12, 9), reminders=[datetime(2026, 1, 16, 18), datetime(2026, 1, 16, 20)])
    actions = due_actions(utc("2026-01-16T21:00"), state(rnd, RoundStatus.OPEN, {"open:r1"}))
    assert actions == [
        Skip("remind:r1:1", "r1", utc("2026-01-16T18:00"), SkipReason.SUPERSEDED),
        SendReminder("r1", 2, utc("2026-01-16T20:00")),
    ]


def test_downtime_across_the_close_closes_once_and_skips_the_late_reminder():
    taken = run_through(WEEK, [utc("2026-01-12T09:00"), utc("2026-01-22T10:00"), utc("2026-01-23T10:00")])
    assert [type(a).__name__ for a in taken] == ["OpenRound", "CloseRound", "Skip", "Skip"]
    assert {a.reason for a in taken if isinstance(a, Skip)} == {SkipReason.STALE}


def test_a_round_whose_whole_window_passed_while_down_is_not_opened():
    actions = due_actions(utc("2026-01-22T10:00"), state())
    assert actions[0] == Skip("open:r1", "r1", utc("2026-01-12T09:00"), SkipReason.PASSED)
    assert not any(isinstance(a, OpenRound | CloseRound | SendReminder) for a in actions)


def test_times_follow_the_clocks_when_summer_time_starts():
    # London moves to BST on 29 March 2026: 09:00 local is 09:00 UTC the day before, 08:00 UTC after.
    rnd = a_round(opens=datetime(2026, 3, 28, 9), reminders=[datetime(2026, 3, 29, 9)], closes=datetime(2026, 3, 30, 9))
    plan = plan_of(rnd, LONDON)
    assert plan.opens == utc("2026-03-28T09:00")
    assert plan.reminders[0].at == utc("2026-03-29T08:00")
    assert due_actions(utc("2026-03-29T07:59"), state(rnd, RoundStatus.OPEN, {"open:r1"})) == []
    assert due_actions(utc("2026-03-29T08:00"), state(rnd, RoundStatus.OPEN, {"open:r1"})) == [
        SendReminder("r1", 1, utc("2026-03-29T08:00"))
    ]


QUIET = QuietHours.model_validate({"from": "21:00", "to": "08:00"})


def test_a_reminder_due_in_quiet_hours_waits_for_the_morning():
    rnd = a_round(
        opens=datetime(2026, 1, 12, 9), reminders=[datetime(2026, 1, 16, 22)], closes=datetime(2026, 1, 21, 21)
    )
    s = state(rnd, RoundStatus.OPEN, {"open:r1"}, quiet=QUIET)
    assert due_actions(utc("2026-01-16T22:00"), s) == []
    assert due_actions(utc("2026-01-17T07:59"), s) == []
    assert next_wake(utc("2026-01-16T22:00"), s) == utc("2026-01-17T08:00")
    assert due_actions(utc("2026-01-17T08:00"), s) == [SendReminder("r1", 1, utc("2026-01-16T22:00"))]


def test_quiet_hours_follow_local_time_in_summer():
    rnd = a_round(opens=datetime(2026, 6, 1, 9), reminders=[datetime(2026, 6, 5, 21, 30)], closes=datetime(2026, 6, 9))
    s = state(rnd, RoundStatus.OPEN, {"open:r1"}, quiet=QUIET)
    assert due_actions(utc("2026-06-06T06:59"), s) == []  # 07:59 BST
    assert next_wake(utc("2026-06-05T20:30"), s) == utc("2026-06-06T07:00")  # 08:00 BST


def test_a_reminder_kept_past_stale_after_by_quiet_hours_is_skipped():
    rnd = a_round(opens=datetime(2026, 1, 12, 9), reminders=[datetime(2026, 1, 16, 21)], stale_after="6h")
    s = state(rnd, RoundStatus.OPEN, {"open:r1"}, quiet=QUIET)
    assert due_actions(utc("2026-01-17T08:00"), s) == [
        Skip("remind:r1:1", "r1", utc("2026-01-16T21:00"), SkipReason.STALE)
    ]


def test_reminders_are_capped_at_the_definitions_number():
    minutes = [utc("2026-01-12T09:00") + timedelta(minutes=10 * n) for n in range(10 * 144)]
    taken = run_through(WEEK, minutes)
    assert sum(isinstance(a, SendReminder) for a in taken) == len(WEEK.schedule.reminders)


def test_a_reminder_for_a_round_closed_early_is_skipped():
    actions = due_actions(utc("2026-01-16T18:00"), state(status=RoundStatus.CLOSED, done={"open:r1"}))
    assert actions == [Skip("remind:r1:1", "r1", utc("2026-01-16T18:00"), SkipReason.NOT_OPEN)]


def test_a_coordinators_extension_moves_the_close_and_a_new_close_is_due_then():
    extended = [PlanChange("r1", ChangeKind.CLOSES, utc("2026-01-25T21:00"))]
    s = state(status=RoundStatus.OPEN, done={"open:r1", "remind:r1:1", "remind:r1:2"}, changes=extended)
    assert due_actions(utc("2026-01-21T21:00"), s) == []
    assert next_wake(utc("2026-01-21T21:00"), s) == utc("2026-01-25T21:00")
    assert due_actions(utc("2026-01-25T21:00"), s) == [CloseRound("r1", utc("2026-01-25T21:00"))]


def test_a_reopened_round_closes_again_under_a_new_key():
    old_close = CloseRound("r1", utc("2026-01-21T21:00"))
    extended = [PlanChange("r1", ChangeKind.CLOSES, utc("2026-01-25T21:00"))]
    s = state(status=RoundStatus.OPEN, done={"open:r1", "remind:r1:1", "remind:r1:2", old_close.key}, changes=extended)
    (close,) = due_actions(utc("2026-01-25T21:00"), s)
    assert close.key != old_close.key


def test_moved_and_cancelled_reminders():
    changes = [
        PlanChange("r1", ChangeKind.MOVE_REMINDER, utc("2026-01-17T10:00"), 1),
        PlanChange("r1", ChangeKind.CANCEL_REMINDER, None, 2),
    ]
    s = state(status=RoundStatus.OPEN, done={"open:r1"}, changes=changes)
    assert due_actions(utc("2026-01-16T18:00"), s) == []
    assert due_actions(utc("2026-01-17T10:00"), s) == [SendReminder("r1", 1, utc("2026-01-17T10:00"))]
    done = {"open:r1", "remind:r1:1"}
    assert due_actions(utc("2026-01-20T18:00"), state(status=RoundStatus.OPEN, done=done, changes=changes)) == []


def test_remind_now_adds_a_reminder_beyond_the_definitions():
    now = utc("2026-01-14T12:00")
    changes = [PlanChange("r1", ChangeKind.ADD_REMINDER, now)]
    s = state(status=RoundStatus.OPEN, done={"open:r1"}, changes=changes)
    assert due_actions(now, s) == [SendReminder("r1", 3, now)]
    assert plan_of(WEEK, LONDON, changes).reminder(3).manual


def test_changes_to_other_rounds_do_not_touch_this_one():
    changes = [PlanChange("r2", ChangeKind.CANCEL_REMINDER, None, 1)]
    assert not plan_of(WEEK, LONDON, changes).reminders[0].cancelled


def test_a_round_with_no_schedule_is_never_due():
    rnd = a_round()
    assert due_actions(utc("2026-01-16T18:00"), state(rnd)) == []
    assert next_wake(utc("2026-01-16T18:00"), state(rnd)) is None
