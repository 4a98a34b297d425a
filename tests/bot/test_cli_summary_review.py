"""Reviewing and approving a round's summary through the real `carework` process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.storage.audit import audit_entries
from tests.bot.test_cli import carework
from tests.conftest import MINI, join

EXAMPLE = "We started a buddy scheme so that new starters always have someone to ask."


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A database where r1 (its summary planned for 6 March 2099) has closed after one example."""
    survey = tmp_path / "mini.yaml"
    plan = "    minutes: 5\n    schedule:\n      summary: 2099-03-06 12:00\n"
    survey.write_text(MINI.read_text().replace("    minutes: 5\n", plan, 1))
    asyncio.run(_closed(tmp_path / "c.db", survey))
    return {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey)}


async def _closed(database: Path, survey: Path) -> None:
    services = await Services.open(database, survey, SystemClock())
    await join(services, 1, "workforce")
    await services.rounds.open_round("r1", actor="test")
    await services.answering.begin(1, "r1")
    await services.answering.receive_text(1, EXAMPLE, "m1")
    await services.rounds.close_round("r1", actor="test")
    await services.close()


def _audit(env: dict[str, str]) -> list[tuple[str, str, str]]:
    async def read():
        services = await Services.open(env["CAREWORK_DATABASE"], env["CAREWORK_SURVEY"], SystemClock(), create=False)
        try:
            async with services.env.db.reading() as tx:
                return [(a, b, c) for a, b, c, _ in await audit_entries(tx)]
        finally:
            await services.close()

    return asyncio.run(read())


def test_show_prints_what_each_group_receives_as_plain_text(env):
    shown = carework("summary", "show", "r1", env=env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "--- the summary for Social care workforce (workforce) ---"
    assert lines[1] == "Wellbeing examples: what we heard"
    assert "Thank you for taking part in round 1, Wellbeing examples. Here is what people told us." in lines
    assert "--- the summary for People with lived experience of care (lived) ---" in lines
    assert "<" not in shown.stdout and lines[-1] == "status: draft"
    assert ("cli", "draft_summary", "r1") in _audit(env)  # none existed: drafted on demand, once
    carework("summary", "show", "r1", env=env)
    assert [a for a in _audit(env) if a[1] == "draft_summary"] == [("cli", "draft_summary", "r1")]


def test_approve_says_when_it_goes_and_refuses_twice(env):
    none_yet = carework("summary", "approve", "r1", env=env)
    assert (
        none_yet.returncode == 1 and none_yet.stderr.strip() == "error: round r1 has no summary yet; nothing to approve"
    )
    carework("summary", "show", "r1", env=env)
    approved = carework("summary", "approve", "r1", env=env)
    assert approved.stdout.strip() == "summary of round r1 approved: the running bot sends it at Fri 6 Mar 2099 12:00"
    again = carework("summary", "approve", "r1", env=env)
    assert again.returncode == 1 and "summary is already approved; nothing to approve" in again.stderr
    now = carework("summary", "approve", "r1", "--now", env=env)
    assert now.stdout.strip() == "summary of round r1 approved: the running bot sends it within seconds", now.stderr
    assert carework("summary", "show", "r1", env=env).stdout.splitlines()[-1] == "status: approved"
    assert [a for a in _audit(env) if a[1] == "approve_summary"] == [("cli", "approve_summary", "r1")] * 2


def test_a_round_that_never_opened_has_no_summary_to_show(env):
    shown = carework("summary", "show", "r2", env=env)
    assert shown.returncode == 1
    assert shown.stderr.strip() == "error: round r2 has not opened, so there is nothing to summarise yet"


def test_show_leaves_out_words_whose_writer_no_longer_agrees_to_be_quoted_and_says_so(env):
    assert EXAMPLE in carework("summary", "show", "r1", env=env).stdout  # drafted, quoting the example

    async def quoting_off():
        services = await Services.open(env["CAREWORK_DATABASE"], env["CAREWORK_SURVEY"], SystemClock(), create=False)
        try:
            await services.consents.change(1, 2, False)
        finally:
            await services.close()

    asyncio.run(quoting_off())
    shown = carework("summary", "show", "r1", env=env)
    assert EXAMPLE not in shown.stdout
    said = "1 quote dropped: the person who wrote it no longer agrees to be quoted, or has withdrawn."
    assert shown.stdout.splitlines()[-2:] == [said, "status: draft"]
