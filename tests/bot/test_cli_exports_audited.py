"""Every export the `carework` command writes leaves a line in the audit log: who, when, which round, format."""

from __future__ import annotations

import asyncio
import json

from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.storage.audit import audit_entries
from tests.bot.test_cli import carework
from tests.bot.test_cli_summaries import rated_database
from tests.conftest import MINI


def audit_rows(env: dict) -> list[tuple[str, str, str, dict]]:
    """Returns (actor, action, subject, detail) of every entry in the audit log, oldest first."""

    async def read() -> list:
        services = await Services.open(env["CAREWORK_DATABASE"], env["CAREWORK_SURVEY"], SystemClock(), create=False)
        try:
            async with services.env.db.reading() as tx:
                rows = await audit_entries(tx)
        finally:
            await services.close()
        return [(a, b, c, json.loads(d)) for a, b, c, d in rows]

    return asyncio.run(read())


def exports(env: dict) -> list[tuple[str, str, str, dict]]:
    """Returns (actor, action, subject, detail) of every export in the audit log, oldest first."""
    return [row for row in audit_rows(env) if "export" in row[1]]


def audit_times(env: dict) -> list[str]:
    async def read() -> list[str]:
        services = await Services.open(env["CAREWORK_DATABASE"], env["CAREWORK_SURVEY"], SystemClock(), create=False)
        try:
            async with services.env.db.reading() as tx:
                return [r[0] for r in await tx.fetchall("SELECT at FROM audit_log WHERE action LIKE '%export%'")]
        finally:
            await services.close()

    return asyncio.run(read())


async def test_each_cli_export_is_in_the_audit_log_with_its_round_and_format(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    runs = [
        ("export", str(tmp_path / "all.xlsx")),
        ("export", str(tmp_path / "r2.zip"), "--format", "csv", "--round", "r2", "--since", "2026-01-01"),
        ("summary", "stats", "r2", str(tmp_path / "r2.csv")),
        ("synthesis", "export", "r1", str(tmp_path / "synthesis.xlsx")),
    ]
    for args in runs:
        result = await asyncio.to_thread(carework, *args, env=env)
        assert result.returncode == 0, result.stderr
    logged = await asyncio.to_thread(exports, env)
    assert [(actor, action, subject) for actor, action, subject, _ in logged] == [
        ("cli", "export", "all"),
        ("cli", "export", "r2"),
        ("cli", "export_stats", "r2"),
        ("cli", "synthesis_export", "r1"),
    ]
    details = [d for *_, d in logged]
    assert details[0] == {"format": "xlsx", "file": "all.xlsx", "answers": 12, "participants": 4}
    assert details[1] == {"format": "csv", "file": "r2.zip", "since": "2026-01-01", "answers": 12, "participants": 4}
    assert details[2] == {"format": "csv", "file": "r2.csv", "rows": 4}
    assert details[3]["format"] == "xlsx" and details[3]["file"] == "synthesis.xlsx"
    assert all(at for at in await asyncio.to_thread(audit_times, env))


async def test_a_refused_export_leaves_no_line(tmp_path, clock):
    env = await rated_database(tmp_path, clock)
    refused = await asyncio.to_thread(carework, "export", str(tmp_path / "a.xlsx"), "--round", "r9", env=env)
    assert refused.returncode == 1
    assert await asyncio.to_thread(exports, env) == []


def test_voice_notes_are_in_the_audit_log_even_when_none_were_fetched(tmp_path):
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI)}
    assert carework("init", env=env).returncode == 0
    run = env | {
        "CAREWORK_TELEGRAM_TOKEN": "123456:TEST-token-not-real",
        "CAREWORK_TELEGRAM_API_URL": "http://127.0.0.1:9",
    }
    assert carework("voice-notes", "r1", str(tmp_path / "voices"), env=run).returncode == 0
    assert exports(env) == [
        (
            "cli",
            "export_voice_notes",
            "r1",
            {"format": "ogg", "folder": "voices", "downloaded": 0, "skipped": 0, "failed": 0, "removed": 0},
        )
    ]
