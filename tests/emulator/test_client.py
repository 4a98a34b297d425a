"""The people's client: tests read like a person's script, and waiting never busy-polls."""

from __future__ import annotations

import asyncio

import pytest

from botapi_emulator import ButtonNotFound, ReplyTimeout


def keyboard(*labels: str) -> dict:
    return {"inline_keyboard": [[{"text": label, "callback_data": label.lower()} for label in labels]]}


async def reply_later(bot_api, delay: float, method: str, **params) -> None:
    await asyncio.sleep(delay)
    await bot_api.ok(method, **params)


async def test_wait_for_reply_returns_the_new_bot_message(bot_api, ann):
    bot_side = asyncio.create_task(reply_later(bot_api, 0.05, "sendMessage", chat_id=ann.user_id, text="Welcome"))
    reply = await ann.wait_for_reply(timeout=5)
    await bot_side
    assert reply.from_bot and reply.text == "Welcome"
    assert ann.last_message() == reply


async def test_wait_for_reply_sees_an_edit_followed_by_a_new_message_whole(bot_api, ann):
    question = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="Q1", reply_markup=keyboard("4"))
    await ann.wait_for_reply()
    await ann.tap("4")

    async def answer():
        await bot_api.ok("editMessageText", chat_id=ann.user_id, message_id=question["message_id"], text="Q1: 4")
        await asyncio.sleep(0.03)
        await bot_api.ok("sendMessage", chat_id=ann.user_id, text="Q2", reply_markup=keyboard("Yes"))

    bot_side = asyncio.create_task(answer())
    reply = await ann.wait_for_reply()
    await bot_side
    assert reply.text == "Q2" and reply.buttons == [["Yes"]]
    assert [m.text for m in await ann.chat()] == ["/start", "Q1: 4", "Q2"]


async def test_wait_for_reply_returns_an_edited_message_when_the_bot_only_edits(bot_api, ann):
    question = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="Pick", reply_markup=keyboard("A"))
    await ann.wait_for_reply()
    await ann.tap("A")
    await bot_api.ok("editMessageReplyMarkup", chat_id=ann.user_id, message_id=question["message_id"])
    reply = await ann.wait_for_reply()
    assert reply.message_id == question["message_id"] and reply.buttons == []


async def test_each_reply_is_waited_for_once(bot_api, ann):
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="one")
    assert (await ann.wait_for_reply(settle=0)).text == "one"
    bot_side = asyncio.create_task(reply_later(bot_api, 0.05, "sendMessage", chat_id=ann.user_id, text="two"))
    assert (await ann.wait_for_reply(settle=0)).text == "two"
    await bot_side


async def test_no_reply_times_out_with_the_chat_in_the_message(ann):
    with pytest.raises(ReplyTimeout) as timed_out:
        await ann.wait_for_reply(timeout=0.2)
    assert "Ann waited 0.2s for a reply" in str(timed_out.value)
    assert "'/start'" in str(timed_out.value)


async def test_wait_for_a_condition_on_the_chat(bot_api, ann):
    async def several():
        for number in range(3):
            await bot_api.ok("sendMessage", chat_id=ann.user_id, text=f"part {number}")
            await asyncio.sleep(0.02)

    bot_side = asyncio.create_task(several())
    chat = await ann.wait_for(lambda c: sum(m.from_bot for m in c) == 3, timeout=5)
    await bot_side
    assert [m.text for m in chat if m.from_bot] == ["part 0", "part 1", "part 2"]
    assert ann.last_message().text == "part 2"


async def test_tap_uses_the_newest_message_with_that_button(bot_api, ann):
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="old", reply_markup=keyboard("Next"))
    newer = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="new", reply_markup=keyboard("Next"))
    await bot_api.drain()
    await ann.tap("Next")
    [update] = await bot_api.drain()
    assert update["callback_query"]["message"]["message_id"] == newer["message_id"]


async def test_tap_can_name_an_older_message(bot_api, ann):
    older = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="old", reply_markup=keyboard("Next"))
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="new", reply_markup=keyboard("Next"))
    await bot_api.drain()
    await ann.tap("Next", message_id=older["message_id"])
    [update] = await bot_api.drain()
    assert update["callback_query"]["message"]["message_id"] == older["message_id"]


async def test_tapping_a_button_nobody_sees_says_what_is_on_screen(bot_api, ann):
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard("Yes", "No"))
    with pytest.raises(ButtonNotFound) as missing:
        await ann.tap("I agree")
    assert "'I agree'" in str(missing.value) and "['Yes', 'No']" in str(missing.value)
    with pytest.raises(ButtonNotFound):
        await ann.tap("I agree", message_id=2)


async def test_a_toast_is_visible_to_the_person(bot_api, ann):
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard("Yes"))
    query_id = await ann.tap("Yes")
    await bot_api.ok("answerCallbackQuery", callback_query_id=query_id, text="Saved", show_alert=True)
    assert await ann.toasts() == [{"text": "Saved", "show_alert": True}]


async def test_an_existing_person_can_be_picked_up_by_id(people, ann):
    same = people.user(ann.user_id, "Ann")
    assert [m.text for m in await same.chat()] == ["/start"]
