"""The real python-telegram-bot client works against the emulator unchanged, refusals included."""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

TOKEN = "123456:TEST-token-not-real"


def agree_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("I agree", callback_data="consent:yes"),
                InlineKeyboardButton("Not now", callback_data="consent:no"),
            ]
        ]
    )


def seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns while moving retry_after to timedelta
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


async def test_a_conversation_through_the_real_client(ptb_bot, people):
    me = await ptb_bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "carework_test_bot", True)
    ann = await people.new_user("Ann")
    await ann.send("/start abc")
    [start] = await ptb_bot.get_updates(timeout=1)
    assert start.message.text == "/start abc" and start.message.chat.id == ann.user_id
    assert start.message.entities[0].type == "bot_command"

    question = await ptb_bot.send_message(
        ann.user_id, "<b>Welcome.</b> Do you agree?", parse_mode=ParseMode.HTML, reply_markup=agree_keyboard()
    )
    assert question.text == "Welcome. Do you agree?" and question.entities[0].type == "bold"
    assert (await ann.wait_for_reply()).buttons == [["I agree", "Not now"]]

    await ann.tap("I agree")
    [tap] = await ptb_bot.get_updates(offset=start.update_id + 1, timeout=1)
    query = tap.callback_query
    assert query.data == "consent:yes" and query.from_user.id == ann.user_id
    assert query.message.message_id == question.message_id
    assert await ptb_bot.answer_callback_query(query.id, text="Thank you") is True

    edited = await ptb_bot.edit_message_text(
        "Welcome. You agreed.", chat_id=ann.user_id, message_id=question.message_id
    )
    assert edited.text == "Welcome. You agreed." and edited.reply_markup is None
    chat = await ann.chat()
    assert [(m.text, m.buttons) for m in chat if m.from_bot] == [("Welcome. You agreed.", [])]
    assert await ann.toasts() == [{"text": "Thank you", "show_alert": False}]


async def test_documents_upload_and_download_through_the_real_client(ptb_bot, ann):
    data = b"round,answers\nR1,42\n" * 100
    sent = await ptb_bot.send_document(ann.user_id, data, filename="round-1.csv", caption="Round 1")
    assert sent.document.file_name == "round-1.csv" and sent.document.file_size == len(data)
    file = await ptb_bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data
    assert (await ann.chat())[-1].document == "round-1.csv"


async def test_refusals_surface_as_ptb_exceptions(ptb_bot, people, ann):
    with pytest.raises(BadRequest, match="(?i)can.t find end tag corresponding to start tag"):
        await ptb_bot.send_message(ann.user_id, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await ptb_bot.send_message(ann.user_id, " ")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb_bot.send_message(
            ann.user_id, "q", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        )
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb_bot.send_message(999, "hello")
    stranger = await people.new_user("Stranger")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await ptb_bot.send_message(stranger.user_id, "hello")
    await ann.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(ann.user_id, "hello")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_surfaces_as_retry_after(ptb_bot, ann, emulator_clock):
    for number in range(5):
        await ptb_bot.send_message(ann.user_id, f"burst {number}")
    with pytest.raises(RetryAfter) as flooded:
        await ptb_bot.send_message(ann.user_id, "one too many")
    assert seconds(flooded.value) == 1
    emulator_clock.advance(1)
    await ptb_bot.send_message(ann.user_id, "after the pause")


async def test_a_second_bot_instance_makes_the_first_one_conflict(emulator):
    from telegram import Bot

    first, second = (Bot(TOKEN, base_url=f"{emulator.url}/bot") for _ in range(2))
    async with first, second:
        polling = asyncio.create_task(first.get_updates(timeout=5, read_timeout=10))
        await asyncio.sleep(0.1)
        other = asyncio.create_task(second.get_updates(timeout=0.2, read_timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await polling
        assert await other == ()


async def test_an_application_polls_and_answers(emulator, people):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Do you agree?", reply_markup=agree_keyboard())

    async def consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Noted")
        await update.callback_query.edit_message_text(f"You chose: {update.callback_query.data}")

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{emulator.url}/bot")
        .base_file_url(f"{emulator.url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(consent))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        ann = await people.new_user("Ann")
        await ann.send("/start")
        assert (await ann.wait_for_reply()).text == "Do you agree?"
        await ann.tap("I agree")
        assert (await ann.wait_for_reply()).text == "You chose: consent:yes"
        await application.updater.stop()
        await application.stop()
    assert await ann.toasts() == [{"text": "Noted", "show_alert": False}]
    assert emulator.stats()["refusal_descriptions"] == {}
