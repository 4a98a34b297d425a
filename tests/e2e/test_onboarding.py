"""Joining, written as the person's script."""

from carework_core.people.model import ParticipantStatus
from carework_core.storage.participants import consents_of
from tests.e2e.conftest import caught_up, toasts


async def test_valid_link_welcome_consent_and_registration(stack):
    ann = await stack.person("Ann")
    await ann.send(f"/start {await stack.link('lived')}")
    consent = await ann.wait_for_reply()
    chat = await ann.chat()
    assert "Welcome to Mini consultation" in chat[-2].text and "People with lived experience of care" in chat[-2].text
    assert consent.buttons == [["I agree", "No thanks"]]
    assert "My answers are stored under a code, not my name." in consent.text
    await ann.tap("I agree")
    optional = await ann.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    assert "quoted anonymously" in optional[-1].text
    await ann.tap("No")
    done = await ann.wait_for(lambda c: "You are taking part" in c[-1].text)
    assert "We will send you a message here when a round of questions opens" in done[-1].text
    assert "Your answer: No" in done[-2].text and done[-2].buttons == []  # the tapped question keeps the answer
    person = await stack.services.onboarding.participant(ann.user_id)
    assert person is not None and (person.code, person.group_id, person.status) == ("P-0001", "lived", "consented")


async def test_unknown_link(stack):
    bob = await stack.person("Bob")
    await bob.send("/start not-a-real-token")
    assert "this link does not work" in (await bob.wait_for_reply()).text


async def test_used_up_link(stack):
    token = await stack.link("workforce", uses=1)
    ann = await stack.person("Ann")
    await ann.send(f"/start {token}")
    await ann.wait_for_reply()
    await ann.tap("I agree")
    await ann.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    await ann.tap("Yes")
    await ann.wait_for(lambda c: "You are taking part" in c[-1].text)
    cai = await stack.person("Cai")
    await cai.send(f"/start {token}")
    assert "already been used" in (await cai.wait_for_reply()).text


async def test_start_without_a_link(stack):
    dee = await stack.person("Dee")
    await dee.send("/start")
    assert "you need an invite link" in (await dee.wait_for_reply()).text


async def test_declining_means_nothing_more(stack):
    eve = await stack.person("Eve")
    await eve.send(f"/start {await stack.link()}")
    await eve.wait_for_reply()
    await eve.tap("No thanks")
    reply = await eve.wait_for(lambda c: "will not send you anything more" in c[-1].text)
    assert reply[-1].buttons == []
    await stack.open_round("r1")
    await caught_up(eve)  # an invitation queued for Eve would have gone before the answer to her /help
    assert not any("Round 1" in m.text for m in await eve.chat())
    person = await stack.services.onboarding.participant(eve.user_id)
    assert person is not None and (person.status, person.code) == (ParticipantStatus.DECLINED, None)


async def test_double_tap_on_consent_is_harmless(stack):
    fay = await stack.person("Fay")
    await fay.send(f"/start {await stack.link()}")
    consent = await fay.wait_for_reply()
    await fay.tap("I agree", message_id=consent.message_id)
    await fay.tap("I agree", message_id=consent.message_id)  # before the buttons disappear
    await fay.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    assert await toasts(fay, 1) == ["That question has already been answered."]
    person = await stack.services.onboarding.participant(fay.user_id)
    assert person is not None
    async with stack.services.env.db.reading() as tx:
        assert await consents_of(tx, person.id) == {"read": True, "store": True}


async def test_typing_during_consent_points_to_the_buttons(stack):
    gus = await stack.person("Gus")
    await gus.send(f"/start {await stack.link()}")
    await gus.wait_for_reply()
    await gus.send("what is this?")
    assert "tap one of the buttons above" in (await gus.wait_for_reply()).text


async def test_a_second_account_on_a_one_use_link_is_stopped_at_once_and_a_new_link_works(stack):
    token = await stack.link("workforce", uses=1)
    ann = await stack.person("Ann")
    await ann.send(f"/start {token}")
    await ann.wait_for_reply()
    cai = await stack.person("Cai")
    await cai.send(f"/start {token}")  # the same personal link, opened before Ann has finished
    refused = await cai.wait_for_reply()
    assert "already been used" in refused.text and "ask the research team for a new link" in refused.text
    assert not any(m.buttons for m in await cai.chat())  # no consent questions to answer in vain
    await ann.tap("I agree")
    await ann.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    await ann.tap("Yes")
    await ann.wait_for(lambda c: "You are taking part" in c[-1].text)
    await cai.send(f"/start {await stack.link('workforce', uses=1)}")
    await cai.wait_for(lambda c: c[-1].buttons == [["I agree", "No thanks"]])
    await cai.tap("I agree")
    await cai.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    await cai.tap("No")
    await cai.wait_for(lambda c: "You are taking part" in c[-1].text)


async def test_a_new_link_carries_on_where_a_used_up_one_left_off(stack):
    group_link = await stack.link("workforce", uses=2)
    ann, bob = await stack.person("Ann"), await stack.person("Bob")
    for person in (ann, bob):
        await person.send(f"/start {group_link}")
        await person.wait_for_reply()
        await person.tap("I agree")
        await person.wait_for(lambda c: c[-1].buttons == [["Yes", "No"]])
    cai = await stack.person("Cai")
    await cai.send(f"/start {group_link}")  # both places on the link are taken
    assert "already been used" in (await cai.wait_for_reply()).text
    await bob.send(f"/start {await stack.link('lived', uses=1)}")  # Bob was given a link of his own
    await bob.wait_for_reply()
    await bob.tap("Yes")
    done = await bob.wait_for(lambda c: "You are taking part" in c[-1].text)
    assert "People with lived experience of care" in done[-1].text
    await cai.send(f"/start {group_link}")  # Bob's place on the group link is free again
    assert (await cai.wait_for_reply()).buttons == [["I agree", "No thanks"]]
