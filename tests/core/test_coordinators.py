"""The consultation team in the core: who is a coordinator, coordinator links, announcements sent once."""

from __future__ import annotations

import json

import pytest

from carework_core.errors import CareworkError, InviteUsedUp, NotFound
from carework_core.messaging.messages import OutboxStatus
from carework_core.people.coordinators import Coordinator, Joined, OnTeam
from carework_core.people.roles import Roster
from carework_core.storage.audit import audit_entries
from tests.conftest import join


async def test_a_coordinator_named_in_the_settings_keeps_one_id(services):
    first = await services.coordinators.member(500, 500, frozenset({500}))
    again = await services.coordinators.member(500, 500, frozenset({500}))
    assert first == again and first is not None and first.actor == f"coordinator:{first.id}"
    assert await services.coordinators.member(501, 501, frozenset({500})) is None


async def test_a_coordinator_link_works_as_often_as_it_allows(services):
    token = await services.coordinators.create_invite(1, actor="cli")
    assert isinstance(await services.coordinators.start(7, 7, token, frozenset()), Joined)
    assert isinstance(await services.coordinators.start(7, 7, None, frozenset()), OnTeam)
    with pytest.raises(InviteUsedUp):
        await services.coordinators.start(8, 8, token, frozenset())
    assert await services.coordinators.member(8, 8, frozenset()) is None


async def test_a_participant_link_is_not_the_teams(services):
    (token,) = await services.onboarding.create_invites("lived", 1, 1, actor="test")
    assert await services.coordinators.start(9, 9, token, frozenset()) is None
    assert await services.coordinators.start(9, 9, None, frozenset()) is None


async def test_an_announcement_goes_once_to_each_consented_person(services):
    await join(services, 1, "workforce")
    await join(services, 2, "lived")
    cora = await services.coordinators.member(500, 500, frozenset({500}))
    assert isinstance(cora, Coordinator)
    draft = await services.coordinators.begin_announcement(cora, "all")
    ready = await services.coordinators.take_text(cora, "Thank you all")
    assert ready is not None and ready.id == draft and ready.status == "ready"
    sent = await services.coordinators.send_announcement(draft, {"text": "Thank you all"}, cora.actor)
    assert sent is not None and sent.recipients == 2
    assert await services.coordinators.send_announcement(draft, {"text": "Thank you all"}, cora.actor) is None
    assert await services.coordinators.cancel_announcement(draft, cora.actor) is False
    assert (await services.outbox.counts())[OutboxStatus.PENDING] == 2
    assert await services.coordinators.take_text(cora, "a second message is not an announcement") is None


async def test_an_announcement_to_a_group_that_does_not_exist_is_refused(services):
    cora = await services.coordinators.member(500, 500, frozenset({500}))
    with pytest.raises(NotFound, match="no group called 'nurses'; write one of workforce, lived, or all"):
        await services.coordinators.begin_announcement(cora, "nurses")


async def test_an_announcement_too_long_for_telegram_keeps_waiting_for_a_shorter_one(services):
    cora = await services.coordinators.member(500, 500, frozenset({500}))
    await services.coordinators.begin_announcement(cora, "all")
    with pytest.raises(CareworkError, match="this announcement is 4,001 Telegram characters"):
        await services.coordinators.take_text(cora, "x" * 4001)
    ready = await services.coordinators.take_text(cora, "Short and kind")
    assert ready is not None and ready.text == "Short and kind"


async def test_the_settings_decide_the_role_of_those_they_name_and_each_change_is_audited(services):
    team = services.coordinators
    assert (await team.member(500, 500, Roster(researchers=frozenset({500})))).researcher
    both = Roster(coordinators=frozenset({500, 600}), researchers=frozenset({600}))
    assert (await team.member(500, 500, both)).researcher  # the role changes when the bot starts
    await team.settle(both)
    assert not (await team.member(500, 500, both)).researcher and (await team.member(600, 600, both)).researcher
    assert await team.settle(Roster(researchers=frozenset({600}))) == [1]
    async with services.env.db.reading() as tx:
        logged = [(a, b, c, json.loads(d)) for a, b, c, d in await audit_entries(tx)]
    assert logged == [
        ("settings", "grant_role", "coordinator:1", {"role": "researcher", "by": "settings"}),
        ("settings", "change_role", "coordinator:1", {"from": "researcher", "to": "coordinator"}),
        ("settings", "grant_role", "coordinator:2", {"role": "researcher", "by": "settings"}),
        ("settings", "remove_coordinator", "coordinator:1", {"role": "coordinator"}),
    ]
