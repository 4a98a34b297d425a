"""Announcements wait for quiet hours to end unless the coordinator says it is urgent: the real bot
with its injectable clock moved into the night, and the real `carework announce`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from tests.bot.test_cli import carework
from tests.bot.test_cli_coordinators import _invited
from tests.conftest import MINI
from tests.e2e.test_coordinators import ask


def quiet(folder, start: str, end: str):
    """Writes the mini definition in UTC with these quiet hours."""
    definition = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    definition["timezone"] = "UTC"
    definition["quiet_hours"] = {"from": start, "to": end}
    path = folder / "quiet.yaml"
    path.write_text(yaml.safe_dump(definition), encoding="utf-8")
    return path


@pytest.fixture
async def night(tmp_path, make_stack):
    """The bot with quiet hours 22:00 to 07:00 (UTC), its clock moved to the coming 23:00."""
    stack = await make_stack(quiet(tmp_path, "22:00", "07:00"))
    clock = stack.services.env.clock
    now = clock.now()
    eleven = now.replace(hour=23, minute=0, second=0, microsecond=0)
    clock.set(eleven if eleven > now else eleven + timedelta(days=1))
    return stack


def texts(chat) -> list[str]:
    return [m.text for m in chat if m.from_bot]


async def test_an_announcement_at_night_waits_for_the_morning_and_an_urgent_one_goes_at_once(night):
    alice = await night.joined("Alice")
    cora = night.coordinator
    await ask(cora, "/announce workforce")
    await ask(cora, "Round 2 opens on Monday")
    assert (await cora.chat())[-1].buttons == [["Send at 07:00", "Cancel"], ["Send now (urgent)"]]
    await cora.tap("Send at 07:00")
    held = await cora.wait_for(lambda chat: chat[-1].text.startswith("Announcement will go"))
    assert held[-1].text.startswith("Announcement will go to 1 person when quiet hours end, ")
    assert held[-1].text.endswith(" 07:00.")
    await ask(cora, "/announce workforce")
    await ask(cora, "The office is closed tomorrow")
    await cora.tap("Send now (urgent)")
    await alice.wait_for(lambda chat: "The office is closed tomorrow" in texts(chat))
    night.services.env.clock.advance(hours=8, minutes=1)  # 07:01: quiet hours are over
    chat = await alice.wait_for(lambda chat: "Round 2 opens on Monday" in texts(chat))
    said = texts(chat)
    assert said.index("The office is closed tomorrow") < said.index("Round 2 opens on Monday")
    assert said.count("Round 2 opens on Monday") == 1


def test_the_cli_holds_an_announcement_in_quiet_hours_unless_urgent(tmp_path):
    now = datetime.now(UTC)
    survey = quiet(tmp_path, f"{(now - timedelta(hours=2)):%H:00}", f"{(now + timedelta(hours=2)):%H:00}")
    asyncio.run(_invited(tmp_path / "c.db", survey))
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(survey)}
    held = carework("announce", "workforce", "--text", "Round 2 opens", "--yes", env=env)
    assert held.stdout.startswith("announcement will go to 2 people (workforce) when quiet hours end, "), held.stderr
    urgent = carework("announce", "workforce", "--text", "Closed today", "--yes", "--urgent", env=env)
    assert urgent.stdout.strip() == "announcement queued for 2 people (workforce)", urgent.stderr
