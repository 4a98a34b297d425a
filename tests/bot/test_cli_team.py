"""`carework coordinator list|remove` and `carework invite list|revoke` through the real CLI process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from carework_core.bootstrap import Services
from carework_core.clock import SystemClock
from carework_core.errors import InviteUsedUp
from carework_core.storage.audit import audit_entries
from tests.bot.test_cli import carework
from tests.conftest import MINI

# Cora is named in CAREWORK_COORDINATORS; Dan joined through a link. Ids as large as Telegram's:
# SQLite keeps them as 6-byte integers, which the test looks for in the file.
CORA, DAN = 7_301_001_001, 7_302_002_002


def _in_db(env: dict[str, str], work):
    async def go():
        services = await Services.open(env["CAREWORK_DATABASE"], MINI, SystemClock(), create=False)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(go())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A database where Cora (from the settings) and Dan (through a link) are on the team."""
    env = {"CAREWORK_DATABASE": str(tmp_path / "c.db"), "CAREWORK_SURVEY": str(MINI), "CAREWORK_BOT_USERNAME": "b"}
    assert carework("init", env=env).returncode == 0

    async def team(services: Services) -> None:
        await services.coordinators.member(CORA, CORA, frozenset({CORA}))
        token = await services.coordinators.create_invite(1, "coordinator:1")
        await services.coordinators.start(DAN, DAN, token, frozenset({CORA}))

    _in_db(env, team)
    return env | {"CAREWORK_COORDINATORS": str(CORA)}


def _audit(env) -> list[tuple[str, str, str]]:
    async def read(services):
        async with services.env.db.reading() as tx:
            return [(a, b, c) for a, b, c, _ in await audit_entries(tx)]

    return _in_db(env, read)


def test_a_coordinator_who_joined_by_link_is_removed_and_one_named_in_the_settings_is_not(env):
    listed = carework("coordinator", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split(", since")[0] for line in lines] == [
        f"coordinator 1, Telegram id {CORA}: named in CAREWORK_COORDINATORS",
        f"coordinator 2, Telegram id {DAN}: joined through a link",
    ]
    refused = carework("coordinator", "remove", "1", env=env)
    assert refused.returncode == 1 and refused.stderr.strip() == (
        "error: coordinator 1 is named in CAREWORK_COORDINATORS, which decides for those it names: "
        "take their id out of it and restart the bot"
    )
    removed = carework("coordinator", "remove", "2", env=env)
    assert removed.stdout.strip() == "coordinator 2 is off the team: the team's commands now refuse them"
    again = carework("coordinator", "remove", "2", env=env)
    assert again.returncode == 1 and "there is no coordinator 2 on the team" in again.stderr
    assert [line.split(":")[0] for line in carework("coordinator", "list", env=env).stdout.splitlines()] == [
        f"coordinator 1, Telegram id {CORA}"
    ]

    async def powers(services: Services):
        return [await services.coordinators.member(who, who, frozenset({CORA})) for who in (CORA, DAN)]

    cora, dan = _in_db(env, powers)
    assert cora is not None and dan is None
    assert ("cli", "remove_coordinator", "coordinator:2") in _audit(env)
    on_disk = Path(env["CAREWORK_DATABASE"]).read_bytes() + _wal(env)
    assert CORA.to_bytes(6, "big") in on_disk  # the test can see an id that is there
    assert DAN.to_bytes(6, "big") not in on_disk and str(DAN).encode() not in on_disk


def _wal(env) -> bytes:
    wal = Path(env["CAREWORK_DATABASE"] + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_unused_links_are_listed_and_revoked_by_reference_or_all_at_once(env):
    made = [
        carework("invite", *args, env=env).stdout.strip().split("start=")[1]
        for args in (("--group", "workforce", "--uses", "3"), ("--group", "workforce"), ("--group", "lived"))
    ]
    team_link = carework("invite", "--coordinator", env=env).stdout.strip().split("start=")[1]
    listed = carework("invite", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    # c1 made Dan a coordinator: used up, so not listed.
    assert [line.split(", made")[0] for line in listed.stdout.splitlines()] == [
        "g1: workforce, 3 uses left",
        "g2: workforce, 1 use left",
        "g3: lived, 1 use left",
        "c2: coordinator, 1 use left",
    ]
    assert all(line.endswith(" by cli") for line in listed.stdout.splitlines())
    one = carework("invite", "revoke", "g1", env=env)
    assert one.stdout.strip() == "Revoked 1 link: g1 (workforce). They now count as used up."
    unknown = carework("invite", "revoke", "g1", "g9", env=env)
    assert unknown.returncode == 1 and "there is no unused invite link g1;" in unknown.stderr
    workforce = carework("invite", "revoke", "--all-unused", "--group", "workforce", env=env)
    assert workforce.stdout.strip() == "Revoked 1 link: g2 (workforce). They now count as used up."
    rest = carework("invite", "revoke", "--all-unused", env=env)
    assert rest.stdout.strip() == "Revoked 2 links: g3 (lived), c2 (coordinator). They now count as used up."
    assert carework("invite", "list", env=env).stdout.strip() == "No invite link has uses left."
    neither = carework("invite", "revoke", env=env)
    assert neither.returncode == 1 and "or --all-unused" in neither.stderr

    async def join_with_revoked(services: Services):
        with pytest.raises(InviteUsedUp):
            await services.coordinators.start(7003003, 7003003, team_link, frozenset())
        with pytest.raises(InviteUsedUp):
            await services.onboarding.start(7004004, 7004004, "en", made[2])

    _in_db(env, join_with_revoked)
    revokes = [(actor, subject) for actor, action, subject in _audit(env) if action == "revoke_invite"]
    assert revokes == [("cli", "g1"), ("cli", "g2"), ("cli", "g3"), ("cli", "c2")]


def _role_audit(env) -> list[tuple[str, str, str, dict]]:
    async def read(services):
        async with services.env.db.reading() as tx:
            return [(a, b, c, json.loads(d)) for a, b, c, d in await audit_entries(tx) if "role" in d or "role" in b]

    return _in_db(env, read)


def test_roles_are_given_by_link_changed_by_the_cli_and_every_change_is_audited(env):
    link = carework("invite", "--researcher", env=env)
    assert link.returncode == 0, link.stderr
    assert [line.split(", made")[0] for line in carework("invite", "list", env=env).stdout.splitlines()] == [
        "c2: researcher, 1 use left"
    ]
    both = carework("invite", "--coordinator", "--researcher", env=env)
    assert both.returncode == 1 and "give exactly one of --group GROUP, --coordinator or --researcher" in both.stderr
    rhea = 7_303_003_003

    async def join(services: Services):
        return await services.coordinators.start(rhea, rhea, link.stdout.strip().split("start=")[1], frozenset())

    assert _in_db(env, join).coordinator.researcher
    assert carework("coordinator", "role", "2", "researcher", env=env).stdout.strip() == (
        "coordinator 2 is now a researcher"
    )
    assert carework("coordinator", "role", "3", "researcher", env=env).stdout.strip() == (
        "coordinator 3 was already a researcher"
    )
    named = carework("coordinator", "role", "1", "researcher", env=env)
    assert named.returncode == 1 and named.stderr.strip() == (
        "error: coordinator 1 is named in CAREWORK_COORDINATORS, which decides for those it names: "
        "move their id to the other setting and restart the bot"
    )
    unknown = carework("coordinator", "role", "2", "boss", env=env)
    assert unknown.returncode == 1 and "there is no role 'boss'; a team member is a coordinator or a researcher" in (
        unknown.stderr
    )
    listed = carework("coordinator", "list", env=env).stdout.splitlines()
    assert [line.endswith("; researcher (may download the data)") for line in listed] == [False, True, True]
    assert carework("coordinator", "remove", "2", env=env).returncode == 0
    assert _role_audit(env) == [
        ("settings", "grant_role", "coordinator:1", {"role": "coordinator", "by": "settings"}),
        ("coordinator:1", "create_coordinator_invite", "team", {"uses": 1, "role": "coordinator"}),
        ("coordinator:2", "grant_role", "coordinator:2", {"role": "coordinator", "by": "invite"}),
        ("cli", "create_coordinator_invite", "team", {"uses": 1, "role": "researcher"}),
        ("coordinator:3", "grant_role", "coordinator:3", {"role": "researcher", "by": "invite"}),
        ("cli", "change_role", "coordinator:2", {"from": "coordinator", "to": "researcher"}),
        ("cli", "remove_coordinator", "coordinator:2", {"role": "researcher"}),
    ]
