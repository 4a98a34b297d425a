"""Each mistake a bot can make is refused with Telegram's own code and description."""

from __future__ import annotations

import pytest

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def keyboard(*buttons: dict) -> dict:
    return {"inline_keyboard": [list(buttons)]}


async def test_empty_text_is_refused(bot_api, ann):
    for text in ("", "   ", "<b></b>"):
        assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text=text, parse_mode="HTML") == (
            400,
            "Bad Request: message text is empty",
        )


async def test_missing_text_is_refused(bot_api, ann):
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id) == (400, "Bad Request: message text is empty")


async def test_length_is_counted_in_utf16_units_after_entity_parsing(bot_api, ann):
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="a" * 4096)
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text=f"<b>{'a' * 4096}</b>", parse_mode="HTML")
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="😀" * 2049) == (
        400,
        "Bad Request: message is too long",
    )
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="a" * 4097) == (
        400,
        "Bad Request: message is too long",
    )


async def test_edit_text_has_the_same_limits(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="question")
    where = {"chat_id": ann.user_id, "message_id": sent["message_id"]}
    assert await bot_api.refused("editMessageText", **where, text="") == (400, "Bad Request: message text is empty")
    assert await bot_api.refused("editMessageText", **where, text="x" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    assert await bot_api.refused("editMessageText", **where, text="<b>x", parse_mode="HTML") == (
        400,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    )


@pytest.mark.parametrize(
    "text, description",
    [
        ("<foo>x</foo>", 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0'),
        ("<b>x", "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        (
            "<b><i>x</b></i>",
            'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("1 < 2", 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("Q&A", "Bad Request: can't parse entities: Unsupported entity at byte offset 1"),
    ],
)
async def test_bad_html_is_refused(bot_api, ann, text, description):
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text=text, parse_mode="HTML") == (400, description)


async def test_markdown_is_not_emulated_and_says_so(bot_api, ann):
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="*x*", parse_mode="MarkdownV2") == (
        400,
        "Bad Request: unsupported parse_mode",
    )


@pytest.mark.parametrize("data", ["", "x" * 65, "é" * 33])
async def test_callback_data_must_be_1_to_64_bytes(bot_api, ann, data):
    markup = keyboard({"text": "Go", "callback_data": data})
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )


async def test_64_bytes_of_callback_data_are_fine(bot_api, ann):
    markup = keyboard({"text": "Go", "callback_data": "é" * 32})
    await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup)


async def test_a_button_without_an_action_is_refused(bot_api, ann):
    markup = keyboard({"text": "Just text"})
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )


async def test_an_edit_that_changes_nothing_is_refused(bot_api, ann):
    markup = keyboard({"text": "Go", "callback_data": "go"})
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="<b>q</b>", parse_mode="HTML", reply_markup=markup)
    where = {"chat_id": ann.user_id, "message_id": sent["message_id"]}
    assert await bot_api.refused(
        "editMessageText", **where, text="<b>q</b>", parse_mode="HTML", reply_markup=markup
    ) == (400, NOT_MODIFIED)
    assert await bot_api.refused("editMessageReplyMarkup", **where, reply_markup=markup) == (400, NOT_MODIFIED)


async def test_editing_text_without_markup_removes_the_keyboard_as_telegram_does(bot_api, ann):
    markup = keyboard({"text": "Go", "callback_data": "go"})
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup)
    edited = await bot_api.ok("editMessageText", chat_id=ann.user_id, message_id=sent["message_id"], text="q")
    assert "reply_markup" not in edited
    assert (await ann.chat())[-1].buttons == []


async def test_same_text_in_another_format_is_a_real_edit(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q")
    edited = await bot_api.ok(
        "editMessageText", chat_id=ann.user_id, message_id=sent["message_id"], text="<b>q</b>", parse_mode="HTML"
    )
    assert edited["entities"] == [{"type": "bold", "offset": 0, "length": 1}]
    assert "edit_date" in edited


async def test_edits_of_unknown_or_foreign_messages_are_refused(bot_api, ann):
    assert await bot_api.refused("editMessageText", chat_id=ann.user_id, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    own_message = (await ann.chat())[0].message_id
    assert await bot_api.refused("editMessageText", chat_id=ann.user_id, message_id=own_message, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )


async def test_a_callback_query_is_answered_once(bot_api, ann):
    await bot_api.ok(
        "sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard({"text": "Go", "callback_data": "go"})
    )
    query_id = await ann.tap("Go")
    assert await bot_api.ok("answerCallbackQuery", callback_query_id=query_id, text="Saved") is True
    assert await bot_api.refused("answerCallbackQuery", callback_query_id=query_id) == (400, QUERY_TOO_OLD)
    assert await bot_api.refused("answerCallbackQuery", callback_query_id="12345") == (400, QUERY_TOO_OLD)
    assert await ann.toasts() == [{"text": "Saved", "show_alert": False}]


async def test_a_toast_is_at_most_200_utf16_units(bot_api, ann):
    await bot_api.ok(
        "sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard({"text": "Go", "callback_data": "go"})
    )
    query_id = await ann.tap("Go")
    too_long = await bot_api.refused("answerCallbackQuery", callback_query_id=query_id, text="😀" * 101)
    assert too_long == (400, "Bad Request: MESSAGE_TOO_LONG")  # 101 characters, 202 units
    assert await bot_api.ok("answerCallbackQuery", callback_query_id=query_id, text="😀" * 100) is True


async def test_a_callback_query_expires_after_15_minutes(bot_api, ann, emulator_clock):
    await bot_api.ok(
        "sendMessage", chat_id=ann.user_id, text="q", reply_markup=keyboard({"text": "Go", "callback_data": "go"})
    )
    fresh, stale = await ann.tap("Go"), await ann.tap("Go")
    emulator_clock.advance(14 * 60)
    await bot_api.ok("answerCallbackQuery", callback_query_id=fresh)
    emulator_clock.advance(2 * 60)
    assert await bot_api.refused("answerCallbackQuery", callback_query_id=stale) == (400, QUERY_TOO_OLD)


async def test_the_bot_cannot_write_first(bot_api, people):
    bea = await people.new_user("Bea")
    assert await bot_api.refused("sendMessage", chat_id=bea.user_id, text="hi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_the_bot_cannot_write_to_someone_who_blocked_it(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q")
    await ann.block()
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert await bot_api.refused("editMessageText", chat_id=ann.user_id, message_id=sent["message_id"], text="x") == (
        403,
        "Forbidden: bot was blocked by the user",
    )


@pytest.mark.parametrize("chat_id", [424242, "@ann", "-100123"])
async def test_unknown_chats_are_not_found(bot_api, chat_id):
    assert await bot_api.refused("sendMessage", chat_id=chat_id, text="hi") == (400, "Bad Request: chat not found")


async def test_a_missing_chat_id_is_named(bot_api):
    assert await bot_api.refused("sendMessage", text="hi") == (400, "Bad Request: chat_id is empty")


async def test_replying_to_a_missing_message_is_refused_unless_allowed(bot_api, ann):
    assert await bot_api.refused("sendMessage", chat_id=ann.user_id, text="x", reply_parameters={"message_id": 99}) == (
        400,
        "Bad Request: message to be replied not found",
    )
    await bot_api.ok(
        "sendMessage",
        chat_id=ann.user_id,
        text="x",
        reply_parameters={"message_id": 99, "allow_sending_without_reply": True},
    )
    reply = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="x", reply_to_message_id=1)
    assert reply["reply_to_message"]["text"] == "/start"


async def test_refusals_are_counted_by_code_and_description(bot_api, people, emulator):
    bea = await people.new_user("Bea")
    await bot_api.refused("sendMessage", chat_id=bea.user_id, text="hi")
    await bot_api.refused("sendMessage", chat_id=1, text="hi")
    await bot_api.refused("sendMessage", chat_id=1, text="hi")
    stats = emulator.stats()
    assert stats["refusals"] == 3
    assert stats["refusals_by_code"] == {"403": 1, "400": 2}
    assert stats["refusal_descriptions"]["Bad Request: chat not found"] == 2
    assert stats["messages_sent"] == 0 and stats["requests"] == 3


async def test_an_empty_inline_keyboard_is_no_keyboard(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup={"inline_keyboard": []})
    assert "reply_markup" not in sent
    assert await bot_api.refused(
        "editMessageReplyMarkup",
        chat_id=ann.user_id,
        message_id=sent["message_id"],
        reply_markup={"inline_keyboard": [[]]},
    ) == (400, NOT_MODIFIED)
