"""A group taken out of the definition while people belong to it is a problem, not a silent loss."""

from __future__ import annotations

import asyncio

from carework_core.bootstrap import Services
from tests.bot.test_cli import carework
from tests.conftest import MINI, join

LIVED = "  - id: lived\n    name: People with lived experience of care\n"


async def test_validate_with_the_database_names_a_removed_group_its_line_and_its_members(tmp_path, clock):
    services = await Services.open(tmp_path / "c.db", MINI, clock)
    try:
        for user in (1, 2, 3):
            await join(services, user, "lived")
        await join(services, 4, "workforce")
    finally:
        await services.close()
    without = tmp_path / "without.yaml"
    without.write_text(MINI.read_text().replace(LIVED, "").replace("groups: [workforce, lived]", "groups: [workforce]"))
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    result = await asyncio.to_thread(carework, "validate", str(without), "--database", str(tmp_path / "c.db"), env=env)
    assert result.returncode == 1, result.stdout
    assert result.stdout.splitlines() == [
        f"{without}:8: groups: group lived was removed, but 3 participants belong to it; put it back "
        "(its members would drop out of announcements and /status)"
    ]
    assert (await asyncio.to_thread(carework, "validate", str(without))).returncode == 0  # fine for a new database
    run = env | {
        "CAREWORK_SURVEY": str(without),
        "CAREWORK_TELEGRAM_TOKEN": "1:x",
        "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9",
    }
    refused = await asyncio.to_thread(carework, "run", env=run)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        "error: group lived was removed, but 3 participants belong to it; put it back "
        "(its members would drop out of announcements and /status)"
    )
