import pytest

from carework_core.errors import InviteUnknown, InviteUsedUp, NotFound, NotRegistered, StaleAction
from carework_core.people.model import ParticipantStatus
from carework_core.people.onboarding import AlreadyTakingPart, ConsentStep, Declined, Registered
from carework_core.storage.audit import audit_entries
from carework_core.storage.participants import consents_of, own_invite


async def test_invite_consent_and_registration(services):
    (token,) = await services.onboarding.create_invites("lived", 1, 2, actor="test")
    first = await services.onboarding.start(501, 501, "en", token)
    assert isinstance(first, ConsentStep) and first.step == 0 and first.group_id == "lived"
    assert [s.id for s in first.statements] == ["read", "store"]
    optional = await services.onboarding.consent(501, 0, True)
    assert isinstance(optional, ConsentStep) and [s.id for s in optional.statements] == ["quote"]
    done = await services.onboarding.consent(501, 1, False)
    assert isinstance(done, Registered)
    assert done.participant.code == "P-0001" and done.participant.group_id == "lived"
    async with services.env.db.reading() as tx:
        assert await consents_of(tx, done.participant.id) == {"quote": False, "read": True, "store": True}


async def test_tokens_are_unguessable_and_distinct(services):
    tokens = await services.onboarding.create_invites("workforce", 50, 1, actor="test")
    assert len(set(tokens)) == 50
    assert all(len(t) >= 24 and t.replace("-", "").replace("_", "").isalnum() for t in tokens)


async def test_unknown_group_names_the_real_ones(services):
    with pytest.raises(NotFound, match="workforce, lived"):
        await services.onboarding.create_invites("nurses", 1, 1, actor="test")


async def test_unknown_and_used_up_tokens(services):
    with pytest.raises(InviteUnknown):
        await services.onboarding.start(7, 7, None, "nope")
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(8, 8, None, token)
    await services.onboarding.consent(8, 0, True)
    assert isinstance(await services.onboarding.consent(8, 1, True), Registered)
    with pytest.raises(InviteUsedUp):
        await services.onboarding.start(9, 9, None, token)


async def test_declining_stores_declined_and_no_code(services):
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(11, 11, "en", token)
    result = await services.onboarding.consent(11, 0, False)
    assert isinstance(result, Declined)
    person = await services.onboarding.participant(11)
    assert person is not None and (person.status, person.code) == (ParticipantStatus.DECLINED, None)
    async with services.env.db.reading() as tx:
        invite = await own_invite(tx, person.id)
    assert invite is not None and invite.uses == 0  # a person who said no does not use up the link


async def test_consent_answers_are_checked_against_the_current_step(services):
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(12, 12, "en", token)
    with pytest.raises(StaleAction):
        await services.onboarding.consent(12, 1, True)
    await services.onboarding.consent(12, 0, True)
    with pytest.raises(StaleAction):
        await services.onboarding.consent(12, 0, True)  # a double tap on "I agree"


async def test_start_again_resumes_or_says_already(services):
    (token,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(13, 13, "en", token)
    await services.onboarding.consent(13, 0, True)
    resumed = await services.onboarding.start(13, 13, "en", None)
    assert isinstance(resumed, ConsentStep) and resumed.step == 1
    await services.onboarding.consent(13, 1, True)
    assert isinstance(await services.onboarding.start(13, 13, "en", None), AlreadyTakingPart)


async def test_audit_log_records_invites(services):
    await services.onboarding.create_invites("workforce", 3, 2, actor="cli")
    async with services.env.db.reading() as tx:
        entries = await audit_entries(tx)
    assert entries == [("cli", "create_invites", "workforce", '{"count": 3, "uses": 2}')]


async def test_a_place_is_held_from_start_and_a_new_link_carries_on(services):
    (personal,) = await services.onboarding.create_invites("workforce", 1, 1, actor="test")
    await services.onboarding.start(21, 21, "en", personal)
    with pytest.raises(InviteUsedUp):
        await services.onboarding.start(22, 22, "en", personal)  # a second account on the same link
    with pytest.raises(NotRegistered):
        await services.onboarding.start(22, 22, "en", None)
    await services.onboarding.consent(21, 0, True)
    (fresh,) = await services.onboarding.create_invites("lived", 1, 1, actor="test")
    moved = await services.onboarding.start(21, 21, "en", fresh)  # given another link half way through
    assert isinstance(moved, ConsentStep) and moved.step == 1 and moved.group_id == "lived"
    started = await services.onboarding.start(22, 22, "en", personal)  # the first link is free again
    assert isinstance(started, ConsentStep) and started.step == 0
