"""A chat the bot can talk in: who it is, what was said in it, and whether the bot may speak."""

from __future__ import annotations

from typing import Any

from .errors import BLOCKED, CANT_INITIATE, ApiError, forbidden
from .records import SentMessage


class Chat:
    def __init__(self, json: dict[str, Any], *, started: bool) -> None:
        self.json = json  # the Chat object Telegram puts in every message
        self.id = int(json["id"])
        self.type = str(json["type"])
        self.bot_messages: list[SentMessage] = []
        self.user_messages: dict[int, dict[str, Any]] = {}
        self.actions: list[str] = []
        self.blocked = False  # the person blocked the bot, or the group removed it
        self.started = started  # a person has to write to a bot before it may write to them
        self.bot_is_member = True
        self._last_message_id = 0

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def next_message_id(self) -> int:
        """Message ids count up per chat, shared by both sides of the conversation."""
        self._last_message_id += 1
        return self._last_message_id

    def bot_message(self, message_id: int) -> SentMessage | None:
        for message in self.bot_messages:
            if message.message_id == message_id:
                return message
        return None

    def access_error(self) -> ApiError | None:
        """Why Telegram would refuse to let the bot send here, if it would."""
        if self.is_private:
            if self.blocked:
                return forbidden(BLOCKED)
            if not self.started:
                return forbidden(CANT_INITIATE)
            return None
        kind = "supergroup" if self.type == "supergroup" else "group"
        if self.blocked:
            return forbidden(f"bot was kicked from the {kind} chat")
        if not self.bot_is_member:
            return forbidden(f"bot is not a member of the {kind} chat")
        return None
