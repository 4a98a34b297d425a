"""No dead ends: whatever a person sends or taps, the bot says what to do now and keeps nothing wrongly."""

import pytest

from bot.errors import words_for
from bot.screens import render
from bot.text.catalogue import ENGLISH
from carework_core.answering.steps import Item
from carework_core.errors import NotYourRound
from tests.e2e.conftest import held_on_disk
from tests.e2e.test_forged_taps import GONE as STALE_TOAST
from tests.e2e.test_round import reach_the_rating, start_round
from tests.e2e.test_withdraw import all_processed, all_sent, vacuumed_bytes

NOT_TEXT = [
    ("send_sticker", "a sticker"),
    ("send_photo", "a photo"),
    ("send_document", "a file"),
    ("send_location", "a location"),
    ("send_contact", "a contact"),
    ("send_poll", "a poll"),
]


@pytest.mark.parametrize(("send", "thing"), NOT_TEXT)
async def test_something_other_than_text_where_text_is_expected_asks_for_typed_words(stack, send, thing):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    await getattr(ann, send)()
    reply = await ann.wait_for_reply()
    assert f"I cannot use {thing} here, so I have not kept it" in reply.text
    assert "Please type your answer to question 1" in reply.text
    await ann.send("A typed example")  # and the round goes on as before
    assert (await ann.wait_for_reply()).text == "Saved. Thank you."
    assert [a[2] for a in await stack.answers()] == ["A typed example"]


async def test_a_contact_where_a_button_is_expected_asks_for_a_tap_and_keeps_nothing(stack):
    ann = await stack.joined("Ann")
    await reach_the_rating(stack, ann)
    await ann.send_contact("+447700900123", "Bea")
    reply = await ann.wait_for_reply()
    assert "Please tap one of the buttons on question 3" in reply.text
    await all_processed(stack)
    assert b"+447700900123" not in vacuumed_bytes(stack)
    assert await stack.answers() == [("P-0001", "examples", "x")]


async def test_a_photo_before_tapping_start_offers_start(stack):
    ann = await stack.joined("Ann")
    await stack.open_round("r1")
    await ann.wait_for(lambda c: any(m.text.startswith("Round 1:") for m in c))
    await ann.send_photo()
    reply = await ann.wait_for_reply()
    assert "To answer round 1, tap Start." in reply.text and reply.buttons == [["Start"]]
    await ann.tap("Start", message_id=reply.message_id)
    assert (await ann.wait_for_reply()).text.startswith("Question 1 of 4")


async def test_a_sticker_or_a_message_while_no_round_is_open_says_we_will_message(stack):
    ann = await stack.joined("Ann")
    await ann.send_sticker()
    assert "No round of questions is open right now" in (await ann.wait_for_reply()).text
    await ann.send("Hello?")
    assert "No round of questions is open right now" in (await ann.wait_for_reply()).text


async def test_a_stranger_sending_a_location_is_told_how_to_join(stack):
    stranger = await stack.person("Sid")
    await stranger.send_location()
    assert "you need an invite link" in (await stranger.wait_for_reply()).text


async def test_text_where_a_button_is_expected_asks_for_a_tap(stack):
    ann = await stack.joined("Ann")
    await reach_the_rating(stack, ann)
    await ann.send("Big, I think")
    assert (await ann.wait_for_reply()).text == "Please tap one of the buttons above to answer this question."
    assert await stack.answers() == [("P-0001", "examples", "x")]


async def test_an_edited_message_is_kept_as_first_sent_and_points_to_review(stack):
    ann = await stack.joined("Ann")
    await start_round(stack, ann)
    message_id = await ann.send("Frist example")
    await ann.wait_for_reply()
    await ann.edit(message_id, "First example")
    reply = await ann.wait_for_reply()
    assert "I have kept your message as you first sent it" in reply.text and "/review" in reply.text
    assert [a[2] for a in await stack.answers()] == ["Frist example"]


async def test_an_unknown_command_says_so_and_lists_what_you_can_do(stack):
    ann = await stack.joined("Ann")
    await ann.send("/frobnicate now")
    reply = await ann.wait_for_reply()
    assert reply.text.startswith("Sorry, I do not know the command /frobnicate.")
    assert "/withdraw: Stop taking part" in reply.text and "/help" in reply.text


async def test_help_lists_what_a_participant_can_do_and_the_contact(stack):
    ann = await stack.joined("Ann")
    await ann.send("/help")
    text = (await ann.wait_for_reply()).text
    for command in ("/review", "/pause", "/resume", "/consent", "/mydata", "/withdraw", "/language", "/help"):
        assert f"\n{command}: " in text
    assert "contact the test team at test@example.org" in text
    assert "/export" not in text


async def test_a_coordinators_help_lists_the_teams_commands(stack):
    cora = stack.coordinator
    await cora.send("/help")
    text = (await cora.wait_for_reply()).text
    assert text.startswith("Commands for the consultation team:")
    assert "/status:" in text and "/export [ROUND]" in text and "/withdraw:" in text


async def test_the_menu_lists_the_participants_commands(stack):
    menu = stack.emulator.world.commands
    assert [c["command"] for c in next(iter(menu.values()))][:3] == ["review", "pause", "resume"]


async def test_buttons_for_another_round_a_missing_question_or_garbage_change_nothing(stack):
    ann = await stack.joined("Ann")
    rating = await reach_the_rating(stack, ann)
    for data in ("p|r2|1|carer", "p|r1|99|1", "p|nope|1|1", "zz|garbage", "p|r1|3|<b>", ""):
        await ann.tap_data(data, message_id=rating.message_id)
    await ann.tap("Big", message_id=rating.message_id)  # the real button still works afterwards
    await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    toasts = [t["text"] for t in await ann.toasts()]
    gone = "Sorry, that button does not work any more. Please use the newest message, or send /help."
    assert toasts == [gone] * 6  # none is a button of that message: another round's, a missing question, garbage
    assert await stack.answers() == [("P-0001", "examples", "x"), ("P-0001", "size", "3")]


async def test_a_tap_forged_as_another_person_is_ignored(stack):
    ann, bob = await stack.joined("Ann"), await stack.joined("Bob")
    rating = await reach_the_rating(stack, ann)
    await bob.tap("Start")
    await bob.wait_for_reply()
    await bob.send("y")
    await bob.wait_for_reply()
    # Bob's "Next question" on a message in Ann's chat: only a forger can send this.
    await ann.tap_data("n|r1|1", message_id=rating.message_id, as_user=bob.user_id)
    await ann.tap("Big", message_id=rating.message_id)
    chat = await ann.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    later = [m for m in chat if m.message_id > rating.message_id]
    assert not any(m.text.startswith("Question 2 of 4") for m in later)  # Bob's next question never shows here
    await bob.send("/start")
    await bob.wait_for(lambda c: c[-2].text.startswith("Welcome back") and c[-1].text.startswith("Question 1 of 4"))


async def test_a_group_is_told_once_to_write_in_private_and_its_members_are_not_kept(stack):
    group = await stack.client.new_group("Night shift chat")
    dee = await stack.client.new_user("Deirdre", username="dee_cares")
    await group.post(dee, "Hello bot")
    await group.post(dee, "/start")
    await group.post(dee, location={"latitude": 1, "longitude": 2})
    await group.view.wait_for(lambda c: any(m.from_bot for m in c))
    await all_sent(stack)  # every reply the group's three posts asked for has gone out
    replies = [m for m in await group.chat() if m.from_bot]
    assert len(replies) == 1 and "message me privately: @carework_test_bot" in replies[0].text
    stored = vacuumed_bytes(stack)
    assert not held_on_disk(stored, dee.user_id) and b"Deirdre" not in stored and b"dee_cares" not in stored


def test_a_round_of_another_group_is_named_as_not_theirs_not_as_answered():
    error = NotYourRound("round 'r2' is not one for this participant")
    assert words_for(error) == "not_yours"
    assert ENGLISH(render.TEXT[words_for(error)]) == "This round is not one of yours."


async def test_a_channel_post_gets_no_reply(stack):
    channel = await stack.client.new_group("Care news", kind="channel")
    await channel.post(None, "News for everyone")
    ann = await stack.joined("Ann")  # the bot is still answering, after the post
    await ann.send("/help")
    await ann.wait_for_reply()
    assert [m for m in await channel.chat() if m.from_bot] == []


async def test_a_forged_button_for_another_groups_round_is_refused_and_changes_nothing(stack):
    bea = await stack.joined("Bea", group="lived")  # round 2 is for the workforce only
    await stack.services.answering.load_items("ideas", [Item("i1", "Rota apps")])
    await stack.open_round("r2")
    rating = await reach_the_rating(stack, bea)
    for data in ("b|r2", "p|r2|1|1"):
        await bea.tap_data(data, message_id=rating.message_id)
    await bea.tap("Big", message_id=rating.message_id)  # the answer after them shows they were handled
    await bea.wait_for(lambda c: c[-1].text.startswith("Question 4 of 4"))
    toasts = [t.get("text") for t in await bea.toasts() if t.get("text")]
    # The bot never sent those buttons to Bea, so they are refused before anything reads their round.
    assert toasts == [STALE_TOAST, STALE_TOAST]
    assert await stack.answers() == [("P-0001", "examples", "x"), ("P-0001", "size", "3")]
