"""The coordinators' verbs through the real `carework` process: status, extend, reminders, announce."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.messaging.messages import OutboxStatus, OutgoingMessage
from carework_core.people.coordinators import Joined
from carework_core.storage.audit import audit_entries
from tests.bot.test_cli import carework
from tests.conftest import MINI, join


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A database where r1 (target 50%) is open and two workforce people and one lived are invited."""
    survey = tmp_path / "mini.yaml"
    survey.write_text(MINI.read_text().replace("    minutes: 5\n", "    minutes: 5\n    response_target: 0.5\n", 1))
    asyncio.run(_invited(tmp_path / "c.db", survey))
    return {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey), "CAREWORK_BOT_USERNAME": "b"}


async def _invited(database: Path, survey: Path) -> None:
    services = await Services.open(database, survey, SystemClock())
    for user, group in ((1, "workforce"), (2, "workforce"), (3, "lived")):
        await join(services, user, group)
    await services.rounds.open_round("r1", actor="test")
    owed = await services.rounds.pending_invitations()
    await services.rounds.send_invitations([(i, _note(i)) for i in owed])
    await services.close()


def _note(inv) -> OutgoingMessage:
    chat = inv.participant.chat_id
    return OutgoingMessage(chat, {"chat_id": chat, "text": "open"}, inv.dedupe_key, inv.participant.id, inv.round.id)


def _in_db(env: dict[str, str], work):
    async def go():
        services = await Services.open(env["CAREWORK_DATABASE"], env["CAREWORK_SURVEY"], SystemClock(), create=False)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(go())


def _audit(env) -> list[tuple[str, str, str]]:
    async def read(services):
        async with services.env.db.reading() as tx:
            return [(a, b, c) for a, b, c, _ in await audit_entries(tx)]

    return _in_db(env, read)


def test_status_counts_each_group_and_warns_below_target(env):
    result = carework("status", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Round r1 (open)",
        "  workforce: invited 2, started 0, finished 0 (0%), unreachable 0",
        "  lived: invited 1, started 0, finished 0 (0%), unreachable 0",
        "  WARNING workforce: 0% finished, below the target of 50%",
        "  WARNING lived: 0% finished, below the target of 50%",
    ]


def test_extend_then_round_status_marks_the_change(env):
    extended = carework("round", "extend", "r1", "2099-03-06 17:00", env=env)
    assert extended.stdout.strip() == "round r1 now closes Fri 6 Mar 2099 17:00", extended.stderr
    listed = carework("round", "status", env=env).stdout
    assert "  opens not set, closes Fri 6 Mar 2099 17:00 (changed)\n" in listed
    past = carework("round", "extend", "r1", "2001-01-01", env=env)
    assert past.returncode == 1 and past.stderr.strip() == (
        "error: round r1 cannot close at 2001-01-01 23:59 UTC: that time has passed"
    )
    assert ("cli", "plan_closes", "r1") in _audit(env)


def test_remind_asks_first_and_then_adds_a_reminder(env):
    refused = carework("remind", "r1", env=env, answer="n\n")
    assert "a reminder to round r1 would go to 3 people; send it?" in refused.stdout
    assert "no reminder sent" in refused.stdout
    assert "reminder 1" not in carework("round", "status", env=env).stdout
    sent = carework("remind", "r1", "--yes", env=env)
    assert sent.stdout.strip() == "reminder to round r1 added: the running bot sends it to 3 people within seconds"
    assert "  reminder 1: " in carework("round", "status", env=env).stdout
    closed = carework("remind", "r2", "--yes", env=env)
    assert closed.returncode == 1 and "round r2 is not open, so there is nobody to remind" in closed.stderr
    assert ("cli", "plan_add_reminder", "r1") in _audit(env)


def test_a_reminder_can_be_moved_or_cancelled_but_not_one_that_does_not_exist(env):
    carework("round", "extend", "r1", "2099-03-06 17:00", env=env)
    carework("remind", "r1", "--yes", env=env)
    moved = carework("round", "reminder", "r1", "1", "--move", "2099-03-05 10:00", env=env)
    assert moved.stdout.strip() == "reminder 1 of round r1 now goes Thu 5 Mar 2099 10:00", moved.stderr
    assert "  reminder 1: Thu 5 Mar 2099 10:00 (changed) (added)" in carework("round", "status", env=env).stdout
    cancelled = carework("round", "reminder", "r1", "1", "--cancel", env=env)
    assert cancelled.stdout.strip() == "reminder 1 of round r1 is cancelled"
    assert "  reminder 1: cancelled (changed)" in carework("round", "status", env=env).stdout
    missing = carework("round", "reminder", "r1", "4", "--cancel", env=env)
    assert (
        missing.returncode == 1 and missing.stderr.strip() == "error: round r1 has no reminder 4 (its reminders: none)"
    )
    both = carework("round", "reminder", "r1", "1", env=env)
    assert both.returncode == 1 and both.stderr.strip() == "error: give exactly one of --move WHEN or --cancel"


def test_announce_queues_one_message_per_person_of_the_group(env):
    before = _in_db(env, lambda s: s.outbox.counts())[OutboxStatus.PENDING]
    sent = carework("announce", "workforce", "--text", "Round 2 opens <soon>", "--yes", env=env)
    assert sent.stdout.strip() == "announcement queued for 2 people (workforce)", sent.stderr
    assert _in_db(env, lambda s: s.outbox.counts())[OutboxStatus.PENDING] == before + 2
    wrong = carework("announce", "nurses", "--text", "x", "--yes", env=env)
    assert wrong.returncode == 1 and "no group called 'nurses'; write one of workforce, lived, or all" in wrong.stderr
    assert ("cli", "announce", "workforce") in _audit(env)


def test_invite_coordinator_makes_a_link_that_makes_a_coordinator(env):
    made = carework("invite", "--coordinator", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().removeprefix("https://t.me/b?start=")
    joined = _in_db(env, lambda s: s.coordinators.start(42, 42, token, frozenset()))
    assert isinstance(joined, Joined) and joined.coordinator.actor.startswith("coordinator:")
    assert ("cli", "create_coordinator_invite", "team") in _audit(env)
