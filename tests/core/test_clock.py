"""The shifted clock rehearsals use: real pace, from a chosen start, never backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from carework_core.clock import ManualClock, ShiftedClock


def test_a_shifted_clock_starts_where_told_even_in_the_past_and_runs_at_real_pace():
    real = ManualClock(datetime(2026, 11, 29, 7, 0, tzinfo=UTC))
    clock = ShiftedClock(real, start=datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    assert clock.now() == datetime(2026, 1, 12, 8, 0, tzinfo=UTC)
    real.advance(seconds=30)
    assert clock.now() == datetime(2026, 1, 12, 8, 0, 30, tzinfo=UTC)


def test_a_shifted_clock_jumps_only_forward():
    real = ManualClock(datetime(2026, 11, 29, 7, 0, tzinfo=UTC))
    clock = ShiftedClock(real, start=datetime(2026, 1, 12, 8, 0, tzinfo=UTC))
    clock.set(datetime(2026, 1, 14, 18, 0, tzinfo=UTC))
    clock.set(datetime(2026, 1, 13, 9, 0, tzinfo=UTC))  # behind: ignored
    assert clock.now() == datetime(2026, 1, 14, 18, 0, tzinfo=UTC)
    assert clock.advance(days=1) == datetime(2026, 1, 15, 18, 0, tzinfo=UTC)


def test_a_shifted_clock_without_a_start_is_real_time():
    real = ManualClock(datetime(2026, 11, 29, 7, 0, tzinfo=UTC))
    clock = ShiftedClock(real)
    assert clock.now() == real.now()
    assert clock.advance(hours=2) - real.now() == timedelta(hours=2)
