"""What coordinators read about the plan: times in the consultation's zone, changes and reminders marked."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.screens.team_text import plan_lines, status_lines
from carework_core.bootstrap import Services
from carework_core.clock import ManualClock
from carework_core.rounds.schedule import SendReminder, Skip, SkipReason, reminder_key
from tests.conftest import MINI

SCHEDULE = """    minutes: 5
    schedule:
      opens: 2026-01-10 09:00
      closes: 2026-01-20 17:00
      reminders: [2026-01-12 10:00, 2026-01-14 10:00, 2026-01-16 10:00]
"""


async def test_the_plan_shows_sent_skipped_cancelled_and_extended(tmp_path):
    survey = tmp_path / "mini.yaml"
    survey.write_text(MINI.read_text().replace("    minutes: 5\n", SCHEDULE, 1))
    services = await Services.open(tmp_path / "c.db", survey, ManualClock())
    try:
        plans = services.plans
        await plans.send_reminder(SendReminder("r1", 1, datetime(2026, 1, 12, 10, tzinfo=UTC)), [])
        await plans.take(Skip(reminder_key("r1", 2), "r1", datetime(2026, 1, 14, 10, tzinfo=UTC), SkipReason.STALE))
        await plans.cancel_reminder("r1", 3, actor="test")
        await plans.extend("r1", datetime(2026, 1, 22, 17, tzinfo=UTC), actor="test")
        lines = plan_lines(await services.progress.overview(), services.env.consultation.zone)
    finally:
        await services.close()
    assert lines[:5] == [
        "r1\tdraft",
        "  opens Sat 10 Jan 2026 09:00, closes Thu 22 Jan 2026 17:00 (changed)",
        "  reminder 1: Mon 12 Jan 2026 10:00, sent to 0",
        "  reminder 2: Wed 14 Jan 2026 10:00, skipped (stale)",
        "  reminder 3: cancelled (changed)",
    ]


def test_no_round_to_report_says_so():
    assert status_lines([]) == ["No round is open or closed in the last 14 days."]
