"""The odd updates a careful bot must survive: shared things, groups, channels and forged taps."""

from __future__ import annotations

import telegram


async def test_location_contact_poll_and_document_arrive_as_telegram_objects(bot_api, people, ptb_bot):
    ann = await people.new_user("Ann")
    await ann.send_location(52.2, 0.1)
    await ann.send_contact("+447700900123", "Bea")
    await ann.send_poll("Tea or coffee?", ("Tea", "Coffee"))
    await ann.send_document("notes.pdf")
    updates = await bot_api.drain()
    messages = [telegram.Update.de_json(u, ptb_bot).message for u in updates]  # the library reads each one
    location, contact, poll, document = messages
    assert (location.location.latitude, contact.contact.phone_number) == (52.2, "+447700900123")
    assert [o.text for o in poll.poll.options] == ["Tea", "Coffee"] and document.document.file_name == "notes.pdf"
    assert [m.kind for m in await ann.chat()] == ["location", "contact", "poll", "document"]


async def test_a_group_message_names_the_group_and_the_bots_reply_lands_there(bot_api, people):
    group = await people.new_group("Night shift")
    dee = await people.new_user("Dee")
    await group.post(dee, "Hello everyone")
    (update,) = await bot_api.drain()
    message = update["message"]
    assert message["chat"] == {"id": group.chat_id, "type": "group", "title": "Night shift"}
    assert message["from"]["id"] == dee.user_id and group.chat_id < 0
    await bot_api.ok("sendMessage", chat_id=group.chat_id, text="Please message me in private.")
    assert [m.text for m in await group.chat()] == ["Hello everyone", "Please message me in private."]


async def test_a_channel_post_comes_only_when_asked_for(bot_api, people):
    channel = await people.new_group("Care news", kind="channel")
    await channel.post(None, "News")
    (update,) = await bot_api.drain()
    assert update["channel_post"]["sender_chat"]["type"] == "channel" and "from" not in update["channel_post"]
    await bot_api.ok("getUpdates", allowed_updates=["message", "callback_query"])
    await channel.post(None, "More news")
    assert await bot_api.drain() == []


async def test_a_forged_tap_carries_any_data_and_can_be_answered(bot_api, people):
    ann, bob = await people.new_user("Ann"), await people.new_user("Bob")
    await ann.send("/start")
    await bot_api.drain()
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="Pick one")
    query_id = await ann.tap_data("zz|<garbage>", as_user=bob.user_id)
    (update,) = await bot_api.drain()
    query = update["callback_query"]
    assert (query["data"], query["from"]["id"], query["message"]["chat"]["id"]) == (
        "zz|<garbage>",
        bob.user_id,
        ann.user_id,
    )
    assert await bot_api.ok("answerCallbackQuery", callback_query_id=query_id, text="That button does not work")
    assert [t["text"] for t in await ann.toasts()] == ["That button does not work"]
