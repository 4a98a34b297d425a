"""Parameters arrive every way Telegram accepts them; bad tokens and unknown methods are refused."""

from __future__ import annotations

import json

import aiohttp
import pytest


async def test_query_string_parameters(bot_api, ann):
    async with bot_api.session.get(
        f"{bot_api.base}/sendMessage", params={"chat_id": str(ann.user_id), "text": "from the query"}
    ) as response:
        body = await response.json()
    assert response.status == 200 and body["result"]["text"] == "from the query"


async def test_urlencoded_form_with_json_encoded_markup(bot_api, ann):
    form = {
        "chat_id": str(ann.user_id),
        "text": "form",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}),
    }
    async with bot_api.session.post(f"{bot_api.base}/sendMessage", data=form) as response:
        body = await response.json()
    assert body["result"]["reply_markup"] == {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}


async def test_multipart_fields_and_files(bot_api, ann):
    form = aiohttp.FormData()
    form.add_field("chat_id", str(ann.user_id))
    form.add_field("caption", "<i>notes</i>")
    form.add_field("parse_mode", "HTML")
    form.add_field("document", b"%PDF-1.4 tiny", filename="notes.pdf", content_type="application/pdf")
    async with bot_api.session.post(f"{bot_api.base}/sendDocument", data=form) as response:
        body = await response.json()
    message = body["result"]
    assert message["caption"] == "notes"
    assert message["caption_entities"] == [{"type": "italic", "offset": 0, "length": 5}]
    assert message["document"]["file_name"] == "notes.pdf"
    assert message["document"]["mime_type"] == "application/pdf"


async def test_json_markup_may_also_be_a_string(bot_api, ann):
    markup = json.dumps({"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]})
    message = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="q", reply_markup=markup)
    assert message["reply_markup"]["inline_keyboard"][0][0]["text"] == "Yes"


async def test_method_names_are_case_insensitive(bot_api):
    assert (await bot_api.ok("GETME"))["username"] == "carework_test_bot"


@pytest.mark.parametrize("token", ["123456", "abc:def", ":secret", "123456:", "12 34:x"])
async def test_a_malformed_token_is_unauthorized(bot_api, token):
    url = bot_api.base.rsplit("/bot", 1)[0]
    async with bot_api.session.post(f"{url}/bot{token}/getMe") as response:
        body = await response.json()
    assert response.status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(bot_api):
    assert await bot_api.refused("sendTelepathy") == (404, "Not Found")


async def test_get_me_describes_the_bot_from_its_token(bot_api):
    me = await bot_api.ok("getMe")
    assert me["id"] == 123456 and me["is_bot"] is True and me["first_name"] == "Carework"
    assert me["can_join_groups"] is True


async def test_unknown_paths_answer_like_telegram(bot_api):
    url = bot_api.base.rsplit("/bot", 1)[0]
    async with bot_api.session.get(f"{url}/nothing/here") as response:
        assert response.status == 404 and (await response.json())["description"] == "Not Found"


async def test_a_wrongly_typed_parameter_is_refused(bot_api, ann):
    code, description = await bot_api.refused("sendMessage", chat_id=ann.user_id, text={"not": "text"})
    assert (code, description) == (400, 'Bad Request: field "text" must be of type String')


async def test_commands_are_stored_per_scope_and_language(bot_api):
    commands = [{"command": "start", "description": "Begin"}, {"command": "help", "description": "Help"}]
    assert await bot_api.ok("setMyCommands", commands=commands) is True
    await bot_api.ok("setMyCommands", commands=commands[:1], language_code="de")
    assert await bot_api.ok("getMyCommands") == commands
    assert await bot_api.ok("getMyCommands", language_code="de") == commands[:1]
    assert await bot_api.refused("setMyCommands", commands=[{"command": "Start!", "description": "x"}]) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )


async def test_chat_actions_need_a_known_action(bot_api, ann):
    assert await bot_api.ok("sendChatAction", chat_id=ann.user_id, action="typing") is True
    assert await bot_api.refused("sendChatAction", chat_id=ann.user_id, action="dancing") == (
        400,
        "Bad Request: wrong parameter action in request",
    )


async def test_deleted_messages_leave_the_chat(bot_api, ann):
    sent = await bot_api.ok("sendMessage", chat_id=ann.user_id, text="oops")
    assert await bot_api.ok("deleteMessage", chat_id=ann.user_id, message_id=sent["message_id"]) is True
    assert [m.text for m in await ann.chat()] == ["/start"]
    assert await bot_api.refused("deleteMessage", chat_id=ann.user_id, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )
