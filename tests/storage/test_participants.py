"""The participants, invites, consents, audit and bot-state storage functions against real SQLite."""

import pytest

from carework_core.people.model import Participant, ParticipantStatus
from carework_core.storage import participants as stored
from carework_core.storage.audit import audit_entries, record_audit
from carework_core.storage.db import Database
from carework_core.storage.state import read_state, write_state


@pytest.fixture
async def db(tmp_path):
    opened = await Database.open(tmp_path / "p.db")
    yield opened
    await opened.close()


async def test_a_newcomer_is_found_by_telegram_user_and_registered(db):
    async with db.transaction() as tx:
        await stored.add_invites(tx, "workforce", ["tok"], 1, "t0", "test")
        invite = await stored.invite_by_token(tx, "tok")
        assert invite is not None and (invite.group_id, invite.uses, invite.held) == ("workforce", 0, 0)
        pid = await stored.add_participant(tx, 70, 700, "workforce", invite.id, "en", "t1")
        consenting = Participant(pid, None, "workforce", ParticipantStatus.CONSENTING, 700, True, "en")
        assert await stored.find_participant(tx, 70) == consenting
        assert await stored.find_participant(tx, 71) is None
        await stored.record_consents(tx, pid, [("read", "v1"), ("store", "v1")], True, "t2")
        assert await stored.consents_of(tx, pid) == {"read": True, "store": True}
        await stored.use_invite(tx, invite.id)
        await stored.mark_consented(tx, pid, "P-0001", "t3")
        person = await stored.find_participant(tx, 70)
        assert person is not None and (person.code, person.status) == ("P-0001", ParticipantStatus.CONSENTED)
        assert (await stored.own_invite(tx, pid)).uses == 1
        assert await stored.registered_count(tx) == 1
        records = [r async for r in stored.participant_records(tx)]
    assert [(r.code, r.status, r.consented_at, r.consents) for r in records] == [
        ("P-0001", ParticipantStatus.CONSENTED, "t3", "read=yes; store=yes")
    ]


async def test_places_held_count_others_on_the_link_and_those_who_came_first(db):
    async with db.transaction() as tx:
        await stored.add_invites(tx, "workforce", ["tok"], 2, "t0", "test")
        invite = await stored.invite_by_token(tx, "tok")
        first = await stored.add_participant(tx, 1, 1, "workforce", invite.id, None, "t")
        second = await stored.add_participant(tx, 2, 2, "workforce", invite.id, None, "t")
        assert (await stored.invite_by_token(tx, "tok")).held == 2
        assert (await stored.invite_by_token(tx, "tok", newcomer=first)).held == 1
        assert [(await stored.own_invite(tx, p)).held for p in (first, second)] == [0, 1]
        await stored.set_status(tx, first, ParticipantStatus.DECLINED)
        assert (await stored.invite_by_token(tx, "tok")).held == 1
        assert await stored.invite_by_token(tx, "unknown") is None


async def test_coming_back_through_another_link_forgets_earlier_consents(db):
    async with db.transaction() as tx:
        await stored.add_invites(tx, "workforce", ["a"], 1, "t", "test")
        await stored.add_invites(tx, "lived", ["b"], 1, "t", "test")
        a, b = await stored.invite_by_token(tx, "a"), await stored.invite_by_token(tx, "b")
        pid = await stored.add_participant(tx, 5, 5, "workforce", a.id, None, "t")
        await stored.record_consents(tx, pid, [("read", "v1")], False, "t")
        await stored.set_status(tx, pid, ParticipantStatus.DECLINED)
        await stored.restart_consent(tx, pid, "lived", b.id)
        person = await stored.find_participant(tx, 5)
        assert (person.status, person.group_id) == (ParticipantStatus.CONSENTING, "lived")
        assert await stored.consents_of(tx, pid) == {}
        await stored.move_to_invite(tx, pid, "workforce", a.id)
        assert (await stored.own_invite(tx, pid)).id == a.id


async def test_mark_reachable_says_whether_anything_changed(db):
    async with db.transaction() as tx:
        await stored.add_invites(tx, "workforce", ["tok"], 1, "t", "test")
        pid = await stored.add_participant(
            tx, 9, 9, "workforce", (await stored.invite_by_token(tx, "tok")).id, None, "t"
        )
        await tx.execute("UPDATE participants SET reachable = 0 WHERE id = ?", (pid,))
        assert await stored.mark_reachable(tx, 9)
        assert not await stored.mark_reachable(tx, 9)
        assert not await stored.mark_reachable(tx, 10)
        assert (await stored.find_participant(tx, 9)).reachable


async def test_round_standings_cover_every_opened_round(db):
    async with db.transaction() as tx:
        await stored.add_invites(tx, "workforce", ["tok"], 1, "t", "test")
        pid = await stored.add_participant(
            tx, 9, 9, "workforce", (await stored.invite_by_token(tx, "tok")).id, None, "t"
        )
        await tx.execute(
            "INSERT INTO rounds (round_id, status, updated_at) VALUES ('r1', 'open', 't'), ('r2', 'closed', 't')"
        )
        await tx.execute(
            "INSERT INTO participations (participant_id, round_id, started_at) VALUES (?, 'r1', 't')", (pid,)
        )
        standings = await stored.round_standings(tx, pid)
    assert standings == {
        "r1": stored.RoundStanding("open", True, True, False),
        "r2": stored.RoundStanding("closed", False, False, False),
    }


async def test_audit_entries_come_back_in_order(db):
    async with db.transaction() as tx:
        await record_audit(tx, "t1", "cli", "open_round", "r1")
        await record_audit(tx, "t2", "cli", "create_invites", "workforce", '{"count": 1}')
        assert await audit_entries(tx) == [
            ("cli", "open_round", "r1", "{}"),
            ("cli", "create_invites", "workforce", '{"count": 1}'),
        ]


async def test_bot_state_is_replaced_under_its_key(db):
    async with db.transaction() as tx:
        assert await read_state(tx, "bot_username") is None
        await write_state(tx, "bot_username", "a_bot")
        await write_state(tx, "bot_username", "b_bot")
        assert await read_state(tx, "bot_username") == "b_bot"
