"""Bot methods that write text into chats: send, edit, delete, answer callback queries."""

from __future__ import annotations

from . import errors
from .chats import Chat, StoredMessage, text_content
from .errors import bad_request
from .html_markup import utf16_units
from .keyboards import checked_markup
from .params import BotCall, Params
from .telegram_text import message_text
from .world import World

MAX_TOAST_CHARS = 200
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


async def send_message(world: World, call: BotCall) -> dict:
    """sendMessage: posts a text message into a private chat."""
    params = call.params
    chat = world.writable_chat(params)
    text = message_text(params.string("text"), params.string("parse_mode"), params.structured("entities"))
    markup = checked_markup(params.structured("reply_markup"))
    reply_to = replied_message(chat, params)
    world.admit(chat)
    message = chat.post(call.bot, text_content(text), reply_markup=markup, reply_to=reply_to)
    world.messages_sent += 1
    return message.as_api()


async def edit_message_text(world: World, call: BotCall) -> dict:
    """editMessageText: replaces the text; a missing reply_markup removes the keyboard, as on Telegram."""
    params = call.params
    chat, message = editable_message(world, params)
    if "text" not in message.content:
        raise bad_request("there is no text in the message to edit")
    text = message_text(params.string("text"), params.string("parse_mode"), params.structured("entities"))
    markup = checked_markup(params.structured("reply_markup"), inline_only=True)
    content = text_content(text)
    if content == message.content and markup == message.reply_markup:
        raise bad_request(errors.NOT_MODIFIED)
    world.admit(chat, new_message=False)
    content_changed = content != message.content
    message.content, message.reply_markup = content, markup
    chat.touch(message, content_changed=content_changed)
    return message.as_api()


async def edit_message_reply_markup(world: World, call: BotCall) -> dict:
    """editMessageReplyMarkup: replaces or (when absent) removes the inline keyboard."""
    chat, message = editable_message(world, call.params)
    markup = checked_markup(call.params.structured("reply_markup"), inline_only=True)
    if markup == message.reply_markup:
        raise bad_request(errors.NOT_MODIFIED)
    world.admit(chat, new_message=False)
    message.reply_markup = markup
    chat.touch(message, content_changed=False)
    return message.as_api()


async def answer_callback_query(world: World, call: BotCall) -> bool:
    """answerCallbackQuery: shows the person a toast (or alert) once per query."""
    params = call.params
    text = params.string("text") or ""
    if utf16_units(text) > MAX_TOAST_CHARS:  # counted as message text is: an emoji is two
        raise bad_request("MESSAGE_TOO_LONG")
    chat = world.answer_callback(params.string("callback_query_id"))
    if text:
        chat.toasts.append({"text": text, "show_alert": params.flag("show_alert")})
    return True


async def send_chat_action(world: World, call: BotCall) -> bool:
    """sendChatAction: accepted and forgotten, after the same checks as a send."""
    world.writable_chat(call.params)
    if call.params.string("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def delete_message(world: World, call: BotCall) -> bool:
    """deleteMessage: removes a message from the chat."""
    chat = world.writable_chat(call.params)
    message = chat.find(call.params.integer("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    chat.delete(message)
    return True


def editable_message(world: World, params: Params) -> tuple[Chat, StoredMessage]:
    """Returns the bot message named by chat_id and message_id, or refuses."""
    if params.values.get("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    if params.values.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    chat = world.writable_chat(params)
    message = chat.find(params.integer("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def replied_message(chat: Chat, params: Params) -> dict | None:
    """Returns the message being replied to, refusing a missing one unless allowed."""
    reply = params.structured("reply_parameters")
    reply = reply if isinstance(reply, dict) else {}
    message_id = reply.get("message_id", params.integer("reply_to_message_id"))
    if message_id is None:
        return None
    target = chat.find(message_id if isinstance(message_id, int) else None)
    if target is not None:
        # Telegram nests replies one level deep only.
        return {k: v for k, v in target.as_api().items() if k != "reply_to_message"}
    if reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


METHODS = {
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "answercallbackquery": answer_callback_query,
    "sendchataction": send_chat_action,
    "deletemessage": delete_message,
}
