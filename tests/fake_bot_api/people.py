"""The test's side of the chat: people who write, press buttons and read what the bot sent.

A `Person` is a Telegram user in a private chat with the bot; `person.in_group(group)`
is the same person writing in a group. Each `send…`/`press` becomes the update Telegram
would make of it; `messages`, `next_message()` and `wait_for()` show what the bot sent.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .chats import Chat
from .entities import detect_entities, utf16_len
from .files import TINY_PNG, document_json, photo_json
from .records import CallbackAnswer, SentMessage
from .world import CallbackQuery, World

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class Incoming:
    """What a person did, as Telegram handed it to the bot."""

    update_id: int | None  # None: Telegram would not give it to the bot (privacy mode)
    payload: dict[str, Any]  # the Message, or the CallbackQuery

    @property
    def delivered(self) -> bool:
        return self.update_id is not None

    @property
    def message_id(self) -> int:
        return int(self.payload["message_id"])

    @property
    def query_id(self) -> str:
        """The callback query's id, for a press."""
        return str(self.payload["id"])


class Screen:
    """A chat as seen from inside it: every message the bot sent there, live.

    The waits take a `timeout` because running out of it is a finding, not a cancellation:
    they fail the test with a report of everything the chat did receive.
    """

    _world: World
    _chat: Chat
    _seen: int
    label: str

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def messages(self) -> list[SentMessage]:
        return list(self._chat.bot_messages)

    @property
    def chat_actions(self) -> list[str]:
        return list(self._chat.actions)

    async def next_message(self, timeout: float = DEFAULT_TIMEOUT) -> SentMessage:  # noqa: ASYNC109
        """The first message the bot sent here that this screen has not handed out yet."""

        def arrived() -> SentMessage | None:
            messages = self._chat.bot_messages
            return messages[self._seen] if len(messages) > self._seen else None

        message = await self._world.wait_until(
            arrived, timeout, lambda: self._report("a new message", timeout)
        )
        self._seen += 1
        return message

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        what: str = "a message matching the test's condition",
    ) -> SentMessage:
        """Any message here, new or since edited, that satisfies `predicate`."""

        def matching() -> SentMessage | None:
            return next((m for m in self._chat.bot_messages if predicate(m)), None)

        return await self._world.wait_until(matching, timeout, lambda: self._report(what, timeout))

    def _report(self, what: str, timeout: float) -> str:
        sent = self._chat.bot_messages
        lines = [f"{self.label} did not get {what} within {timeout} s."]
        if not sent:
            lines.append("The bot has sent nothing to this chat.")
        else:
            lines.append(f"The bot sent this chat {len(sent)} message(s):")
            lines += [f"  {message.describe()}" for message in sent]
        return "\n".join(lines)


class Sender:
    """Someone writing in one chat: a person in their private chat or in a group."""

    def __init__(self, world: World, user: dict[str, Any], chat: Chat) -> None:
        self._world = world
        self.user = user
        self._chat = chat

    async def send(self, text: str, *, reply_to: SentMessage | None = None) -> Incoming:
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return await self._post(content, reply_to=reply_to)

    async def command(self, command: str, payload: str | None = None) -> Incoming:
        """`/start TOKEN` as a deep link sends it: one message, a bot_command entity first."""
        command = command if command.startswith("/") else f"/{command}"
        text = f"{command} {payload}" if payload else command
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
        return await self._post({"text": text, "entities": [entity]})

    async def press(
        self, message: SentMessage, button_text: str | None = None, *, data: str | None = None
    ) -> Incoming:
        """Press an inline button under `message`, found by its text or its callback data."""
        if message.chat_id != self._chat.id:
            raise AssertionError(f"message {message.message_id} is not in chat {self._chat.id}")
        if message.deleted:
            raise AssertionError(f"message {message.message_id} was deleted; nothing to press")
        button = message.button(button_text, data=data)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} opens a link; the bot hears nothing")
        query_id = str(4_300_000_000_000_000_000 + self._world.serial())
        self._world.callback_queries[query_id] = CallbackQuery(
            query_id, int(self.user["id"]), self._world.clock.now()
        )
        query = {
            "id": query_id,
            "from": self.user,
            "message": message.to_json(),
            "chat_instance": str(abs(self._chat.id) * 7_919 + 1),
            "data": button.callback_data,
        }
        update_id = await self._world.updates.push("callback_query", query)
        return Incoming(update_id, query)

    async def send_voice(
        self, data: bytes, *, duration: int, mime_type: str = "audio/ogg"
    ) -> Incoming:
        stored = self._world.files.add("voice", data, extension="oga", mime_type=mime_type)
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        return await self._post({"voice": voice})

    async def send_photo(self, data: bytes = TINY_PNG, *, caption: str | None = None) -> Incoming:
        stored = self._world.files.add("photo", data, extension="jpg")
        return await self._post(_with_caption({"photo": photo_json(stored)}, caption))

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
    ) -> Incoming:
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        mime_type = mime_type or mimetypes.guess_type(file_name)[0]
        stored = self._world.files.add(
            "document", data, extension=extension, mime_type=mime_type, file_name=file_name
        )
        return await self._post(_with_caption({"document": document_json(stored)}, caption))

    async def send_sticker(self, emoji: str = "👍") -> Incoming:
        stored = self._world.files.add("sticker", b"RIFF\x1a\x00\x00\x00WEBPVP8L", extension="webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return await self._post({"sticker": sticker})

    async def send_location(self, latitude: float, longitude: float) -> Incoming:
        return await self._post({"location": {"latitude": latitude, "longitude": longitude}})

    async def _post(
        self, content: dict[str, Any], *, reply_to: SentMessage | None = None
    ) -> Incoming:
        chat = self._chat
        message: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": self.user,
            "chat": chat.json,
            "date": self._world.now(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to.to_json(with_reply=False)
        chat.user_messages[message["message_id"]] = message
        if chat.is_private:
            chat.started = True  # writing to a bot is what lets it write back
        if not self._bot_hears(message, reply_to):
            return Incoming(None, message)
        return Incoming(await self._world.updates.push("message", message), message)

    def _bot_hears(self, message: dict[str, Any], reply_to: SentMessage | None) -> bool:
        """In groups, a bot in privacy mode hears commands, replies to it and mentions only."""
        if self._chat.is_private or not self._world.privacy_mode or reply_to is not None:
            return True
        text = str(message.get("text") or message.get("caption") or "")
        username = f"@{self._world.bot['username']}"
        if text.startswith("/"):
            command = text.split()[0]
            return "@" not in command or command.endswith(username)
        return username in text


def _with_caption(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    if caption:
        content["caption"] = caption
    return content


class Person(Sender, Screen):
    """A Telegram user, and their private chat with the bot."""

    def __init__(self, world: World, user: dict[str, Any], chat: Chat) -> None:
        super().__init__(world, user, chat)
        self._seen = 0
        self._answers_seen = 0
        self.label = f"{user['first_name']} (private chat {chat.id})"

    @property
    def first_name(self) -> str:
        return str(self.user["first_name"])

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._world.callback_answers[self.id])

    async def next_callback_answer(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        def arrived() -> CallbackAnswer | None:
            answers = self._world.callback_answers[self.id]
            return answers[self._answers_seen] if len(answers) > self._answers_seen else None

        def report() -> str:
            return f"{self.label}: no new answer to a button press within {timeout} s."

        answer = await self._world.wait_until(arrived, timeout, report)
        self._answers_seen += 1
        return answer

    def in_group(self, group: Group) -> Sender:
        """This person, writing in `group`."""
        return Sender(self._world, self.user, group._chat)


class Group(Screen):
    """A group chat the bot is in, as its members see it."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self._chat = chat
        self._seen = 0
        self.label = f"group {chat.json.get('title')!r} ({chat.id})"
