"""The control API that plays the people: accounts, messages, edits, taps, blocks, and the chat view."""

from __future__ import annotations

import asyncio
import time

import pytest

from botapi_emulator import EmulatorError


def keyboard(*labels: str) -> dict:
    return {"inline_keyboard": [[{"text": label, "callback_data": label.lower()} for label in labels]]}


async def test_user_ids_look_real_and_increase(people):
    ann, bea = await people.new_user("Ann"), await people.new_user("Bea")
    assert ann.user_id >= 10001 and bea.user_id == ann.user_id + 1


async def test_a_leading_command_is_a_bot_command_entity(bot_api, people):
    ann = await people.new_user("Ann", language_code="de")
    await ann.send("/start abc")
    await ann.send("/start@carework_test_bot")
    await ann.send("plain /start")
    first, second, third = [u["message"] for u in await bot_api.drain()]
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first["from"] == {"id": ann.user_id, "is_bot": False, "first_name": "Ann", "language_code": "de"}
    assert first["chat"] == {"id": ann.user_id, "type": "private", "first_name": "Ann"}
    assert second["entities"][0]["length"] == len("/start@carework_test_bot")
    assert "entities" not in third


async def test_text_a_telegram_app_would_not_send_is_refused(people):
    ann = await people.new_user("Ann")
    for text, error in (("", "message text is empty"), ("😀" * 2049, "message is too long")):
        with pytest.raises(EmulatorError) as refused:
            await ann.send(text)
        assert (refused.value.status, refused.value.error) == (400, error)


async def test_voice_sticker_and_photo_arrive_as_telegram_objects(bot_api, people):
    ann = await people.new_user("Ann")
    await ann.send_voice(12)
    await ann.send_sticker()
    await ann.send_photo()
    voice, sticker, photo = [u["message"] for u in await bot_api.drain()]
    assert voice["voice"]["duration"] == 12 and voice["voice"]["mime_type"] == "audio/ogg"
    assert sticker["sticker"]["type"] == "regular" and "emoji" in sticker["sticker"]
    assert photo["photo"][0]["width"] > 0
    assert [m.kind for m in await ann.chat()] == ["voice", "sticker", "photo"]


async def test_an_edit_queues_an_edited_message(bot_api, people):
    ann = await people.new_user("Ann")
    message_id = await ann.send("4")
    await ann.edit(message_id, "5")
    original, edited = await bot_api.drain()
    assert "edited_message" in edited and edited["edited_message"]["message_id"] == message_id
    assert edited["edited_message"]["text"] == "5" and "edit_date" in edited["edited_message"]
    assert original["message"]["text"] == "4"
    assert [(m.text, m.edited) for m in await ann.chat()] == [("5", True)]


async def test_a_tap_queues_a_callback_query_carrying_the_current_message(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="Agree?", reply_markup=keyboard("Yes", "No"))
    await bot_api.drain()
    query_id = await ann.tap("No")
    [update] = await bot_api.drain()
    query = update["callback_query"]
    assert query["id"] == query_id and query["data"] == "no"
    assert query["from"]["id"] == ann.user_id and query["chat_instance"]
    assert query["message"] == sent


async def test_taps_on_missing_buttons_or_messages_are_404(people, bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard("Yes"))
    for body in (
        {"message_id": sent["message_id"], "button": "Maybe"},
        {"message_id": 999, "button": "Yes"},
        {"message_id": 1, "button": "Yes"},
    ):
        with pytest.raises(EmulatorError) as refused:
            await people.call("POST", f"/emulator/users/{ann.user_id}/taps", body=body)
        assert refused.value.status == 404


async def test_a_link_button_sends_no_callback(people, bot_api, ann):
    markup = {"inline_keyboard": [[{"text": "Read", "url": "https://example.org"}]]}
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup)
    with pytest.raises(EmulatorError) as refused:
        await ann.tap("Read")
    assert refused.value.status == 400


async def test_blocking_queues_my_chat_member_and_writing_again_unblocks(bot_api, ann):
    await bot_api.drain()
    await ann.block()
    [blocked] = await bot_api.drain()
    member = blocked["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == ("member", "kicked")
    assert member["new_chat_member"]["user"]["id"] == 123456
    await ann.send("/start")
    unblocked, message = await bot_api.drain()
    assert unblocked["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert message["message"]["text"] == "/start"
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="welcome back")


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/emulator/users/999/messages"),
        ("POST", "/emulator/users/999/edits"),
        ("POST", "/emulator/users/999/taps"),
        ("POST", "/emulator/users/999/block"),
        ("GET", "/emulator/users/999/chat"),
        ("GET", "/emulator/users/999/toasts"),
        ("GET", "/emulator/users/nobody/chat"),
    ],
)
async def test_unknown_users_are_404_with_a_json_error(people, method, path):
    with pytest.raises(EmulatorError) as refused:
        await people.call(method, path, body={"text": "x"} if method == "POST" else None)
    assert refused.value.status == 404 and "no virtual user" in refused.value.error


async def test_bad_control_bodies_are_400(people):
    ann = await people.new_user("Ann")
    for path, body in (("/emulator/users", {}), (f"/emulator/users/{ann.user_id}/messages", {"gif": True})):
        with pytest.raises(EmulatorError) as refused:
            await people.call("POST", path, body=body)
        assert refused.value.status == 400


async def test_the_chat_long_poll_waits_for_a_new_version(people, bot_api, ann):
    _, headers = await people.call("GET", f"/emulator/users/{ann.user_id}/chat")
    version = int(headers["X-Chat-Version"])
    started = time.monotonic()
    poll = asyncio.create_task(
        people.call(
            "GET", f"/emulator/users/{ann.user_id}/chat", query={"after_version": str(version), "timeout": "10"}
        )
    )
    await asyncio.sleep(0.1)
    assert not poll.done()
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="hello")
    chat, headers = await poll
    assert int(headers["X-Chat-Version"]) == version + 1 and chat[-1]["text"] == "hello"
    assert time.monotonic() - started < 2
    assert chat[-1] | {"version": 0, "posted": 0} == {
        "message_id": 2,
        "from": "bot",
        "text": "hello",
        "buttons": [],
        "document": None,
        "photo": False,
        "kind": "text",
        "edited": False,
        "version": 0,
        "posted": 0,
    }


async def test_the_chat_long_poll_gives_up_after_its_timeout(people, ann):
    _, headers = await people.call("GET", f"/emulator/users/{ann.user_id}/chat")
    started = time.monotonic()
    _, later = await people.call(
        "GET",
        f"/emulator/users/{ann.user_id}/chat",
        query={"after_version": headers["X-Chat-Version"], "timeout": "0.2"},
    )
    assert later["X-Chat-Version"] == headers["X-Chat-Version"]
    assert 0.15 < time.monotonic() - started < 2


async def test_stats_are_served_over_http(people, bot_api):
    await bot_api.ok("getMe")
    stats = await people.stats()
    assert stats["requests"] == 1 and stats["refusals"] == 0 and stats["messages_sent"] == 0
