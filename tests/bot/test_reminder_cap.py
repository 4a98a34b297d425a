"""The reminder gap in the core and the scheduler: whoever asks, a person already reminded about a
round in the last 12 hours is left out, and asking when everyone was is refused in one line."""

from __future__ import annotations

import asyncio

import pytest

from bot.scheduler import reconcile, run_schedule
from carework_core.errors import PlanError
from tests.bot.test_cli import carework
from tests.bot.test_cli_coordinators import _in_db, _invited
from tests.conftest import MINI, join


async def reminded(services) -> list[int]:
    """Returns the participant of every reminder queued, oldest first."""
    async with services.env.db.reading() as tx:
        rows = await tx.fetchall("SELECT participant_id FROM outbox WHERE dedupe_key LIKE 'remind:%' ORDER BY id")
    return [r[0] for r in rows]


async def test_a_reminder_within_the_gap_goes_only_to_those_not_reminded_and_is_refused_when_that_is_nobody(
    services, clock
):
    ann = await join(services, 1)
    await services.rounds.open_round("r1", actor="t")
    await reconcile(services)
    await services.plans.remind_now("r1", actor="cli")
    await run_schedule(services)
    assert await reminded(services) == [ann.id]
    with pytest.raises(PlanError, match=r"^everyone waiting in round r1 \(1 person\) had a reminder less than 12 h"):
        await services.plans.remind_now("r1", actor="cli")
    ben = await join(services, 2)
    await reconcile(services)
    clock.advance(hours=1)
    assert await services.plans.reminder_recipients("r1") == 1
    await services.plans.remind_now("r1", actor="cli")
    await run_schedule(services)
    assert await reminded(services) == [ann.id, ben.id]  # Ann's second would repeat her first
    clock.advance(hours=12)
    assert await services.plans.reminder_recipients("r1") == 2


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """A database where r1 is open and three people are invited, as `carework` reads it."""
    asyncio.run(_invited(tmp_path / "c.db", MINI))
    return {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}


def test_carework_remind_after_everyone_was_reminded_is_refused_in_one_line(cli_env):
    env = cli_env

    async def reminded_now(services):
        await services.plans.remind_now("r1", actor="cli")
        await run_schedule(services)

    _in_db(env, reminded_now)
    again = carework("remind", "r1", "--yes", env=env)
    assert again.returncode == 1
    assert again.stderr.startswith(
        "error: everyone waiting in round r1 (3 people) had a reminder less than 12 hours ago. The next can go from "
    )
    assert len(again.stderr.strip().splitlines()) == 1
