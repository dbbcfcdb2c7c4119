"""sendMessage, the edits, deleteMessage and sendChatAction."""

from __future__ import annotations

from typing import Any

from ..chats import Chat
from ..errors import (
    MESSAGE_ID_MISSING,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_TO_EDIT_NOT_FOUND,
    NOT_MODIFIED,
    bad_request,
)
from ..formatting import message_text
from ..markup import inline_part, reply_markup
from ..params import Params
from ..records import SentMessage
from ..world import World

DELETE_WINDOW = 48 * 60 * 60  # Telegram lets a bot delete a message for 48 hours
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


def replied_message(world: World, chat: Chat, params: Params) -> dict[str, Any] | None:
    """The message a send replies to (reply_parameters, or the older reply_to_message_id)."""
    reply = params.json("reply_parameters") or {}
    message_id = reply.get("message_id") or params.integer("reply_to_message_id")
    if not message_id:
        return None
    message_id = int(message_id)
    bot_message = chat.bot_message(message_id)
    if bot_message is not None and not bot_message.deleted:
        return bot_message.to_json(with_reply=False)
    if message_id in chat.user_messages:
        return chat.user_messages[message_id]
    if reply.get("allow_sending_without_reply") or params.boolean("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


async def send_message(world: World, params: Params) -> dict[str, Any]:
    chat = world.chat(params.string("chat_id"))
    text = message_text(params.string("text"), params.string("parse_mode"), params.json("entities"))
    markup = reply_markup(params)
    reply_to = replied_message(world, chat, params)
    world.admit(chat)
    sent = world.post(
        chat, text=text.text, entities=text.entities, reply_markup=markup, reply_to=reply_to
    )
    await world.changed()
    return sent.to_json()


def _editable(world: World, params: Params) -> tuple[Chat, SentMessage]:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the fake sends no inline messages
    chat = world.chat(params.string("chat_id"))
    message_id = params.integer("message_id", missing=MESSAGE_ID_MISSING)
    assert message_id is not None
    message = chat.bot_message(message_id)
    if message is None or message.deleted:
        if message_id in chat.user_messages:
            raise bad_request("message can't be edited")
        raise bad_request(MESSAGE_TO_EDIT_NOT_FOUND)
    refusal = chat.access_error()
    if refusal is not None:
        raise refusal
    return chat, message


def _replace_markup(message: SentMessage, markup: dict[str, Any] | None) -> None:
    # An edit replaces the inline keyboard; a reply keyboard is the person's and stays.
    if markup is not None or inline_part(message.reply_markup) is not None:
        message.reply_markup = markup


async def edit_message_text(world: World, params: Params) -> dict[str, Any]:
    _, message = _editable(world, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text = message_text(params.string("text"), params.string("parse_mode"), params.json("entities"))
    markup = reply_markup(params, inline_only=True)
    unchanged = (text.text, text.entities, markup) == (
        message.text,
        message.entities,
        inline_part(message.reply_markup),
    )
    if unchanged:
        raise bad_request(NOT_MODIFIED)
    message.earlier_texts.append(message.text)
    message.text, message.entities = text.text, text.entities
    _replace_markup(message, markup)
    message.edit_date = world.now()
    await world.changed()
    return message.to_json()


async def edit_message_reply_markup(world: World, params: Params) -> dict[str, Any]:
    _, message = _editable(world, params)
    markup = reply_markup(params, inline_only=True)
    if markup == inline_part(message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    _replace_markup(message, markup)
    message.edit_date = world.now()
    await world.changed()
    return message.to_json()


async def delete_message(world: World, params: Params) -> bool:
    chat = world.chat(params.string("chat_id"))
    message_id = params.integer("message_id", missing=MESSAGE_ID_MISSING)
    assert message_id is not None
    message = chat.bot_message(message_id)
    if message is not None and not message.deleted:
        if world.now() - message.date > DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        message.deleted = True
    elif message_id in chat.user_messages:
        if not chat.is_private:  # deleting others' messages in a group needs admin rights
            raise bad_request("message can't be deleted")
        if world.now() - int(chat.user_messages[message_id]["date"]) > DELETE_WINDOW:
            raise bad_request("message can't be deleted")
        del chat.user_messages[message_id]
    else:
        raise bad_request(MESSAGE_TO_DELETE_NOT_FOUND)
    await world.changed()
    return True


async def send_chat_action(world: World, params: Params) -> bool:
    chat = world.chat(params.string("chat_id"))
    action = params.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.admit(chat, counts_as_message=False)
    chat.actions.append(action)
    await world.changed()
    return True


METHODS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
}
