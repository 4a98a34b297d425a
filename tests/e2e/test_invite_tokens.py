"""Invite links work while the database file holds only a keyed hash of their tokens."""

from __future__ import annotations

import sqlite3
import stat

from carework_core.bootstrap import Services
from carework_core.clock import ShiftedClock
from carework_core.people.invite_tokens import key_path
from tests.conftest import MINI


def _file_bytes(stack) -> bytes:
    """Returns the database file's bytes after a checkpoint and VACUUM (and any WAL left)."""
    path = stack.folder / "carework.db"
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_the_database_never_holds_a_working_link_yet_people_join_through_theirs(stack):
    participant_link = await stack.link("workforce")
    team_link = await stack.services.coordinators.create_invite(1, actor="test")
    held = _file_bytes(stack)
    assert participant_link.encode() not in held and team_link.encode() not in held

    ann = await stack.person("Ann")
    await ann.send(f"/start {participant_link}")
    await ann.wait_for(lambda chat: any("I agree" in row for m in chat for row in m.buttons))
    await ann.tap("I agree")
    await ann.wait_for(lambda chat: any("Yes" in row for m in chat for row in m.buttons))
    await ann.tap("Yes")
    await ann.wait_for(lambda chat: "You are taking part" in chat[-1].text)

    tom = await stack.person("Tom")
    await tom.send(f"/start {team_link}")
    await tom.wait_for_reply()
    assert await stack.services.coordinators.member(tom.user_id, tom.user_id, frozenset()) is not None


async def test_a_wrong_link_is_refused_kindly(stack):
    real = await stack.link("workforce")
    eve = await stack.person("Eve")
    await eve.send(f"/start {real[:-1]}{'A' if real[-1] != 'A' else 'B'}")
    reply = await eve.wait_for_reply()
    assert "this link does not work" in reply.text
    assert await stack.services.onboarding.participant(eve.user_id) is None


async def test_the_generated_key_sits_beside_the_database_for_its_owner_only(stack):
    mode = stat.S_IMODE(key_path(stack.folder / "carework.db").stat().st_mode)
    assert mode == 0o600


async def test_links_made_before_hashing_keep_working_and_leave_the_file(tmp_path):
    path = tmp_path / "carework.db"
    services = await Services.open(path, MINI, ShiftedClock())
    await services.close()
    conn = sqlite3.connect(path)  # a database from before migration 14: the token in clear
    conn.execute(
        "INSERT INTO invites (token, group_id, max_uses, created_at, created_by)"
        " VALUES ('oldcleartoken123', 'workforce', 1, 't', 'test')"
    )
    conn.commit()
    conn.close()

    services = await Services.open(path, MINI, ShiftedClock())
    try:
        step = await services.onboarding.start(5, 5, None, "oldcleartoken123")
        assert step.group_id == "workforce"
    finally:
        await services.close()
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    assert b"oldcleartoken123" not in path.read_bytes()
