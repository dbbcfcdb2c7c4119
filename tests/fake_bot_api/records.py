"""What the person sees: each message the bot sent, live, and the files that were shared."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery showed the person who pressed a button."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # voice, photo, document, sticker
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, as the person sees it now: later edits and deletion included."""

    chat: dict[str, Any]
    sender: dict[str, Any]
    message_id: int
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    attachment: dict[str, Any] = field(
        default_factory=dict
    )  # {"document": {...}} or {"photo": [...]}
    reply_to: dict[str, Any] | None = None
    edit_date: int | None = None
    deleted: bool = False
    earlier_texts: list[str] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[list[InlineButton]]:
        """The inline keyboard under the message, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [InlineButton(b["text"], b.get("callback_data"), b.get("url")) for b in row]
            for row in rows
        ]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def keyboard(self) -> list[list[str]]:
        """The reply keyboard the message put in place of the person's keyboard, if any."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    @property
    def document(self) -> dict[str, Any] | None:
        return self.attachment.get("document")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.attachment.get("photo")

    def button(self, text: str | None = None, *, data: str | None = None) -> InlineButton:
        for button in (b for row in self.buttons for b in row):
            if (text is not None and button.text == text) or (
                data is not None and button.callback_data == data
            ):
                return button
        wanted = f"text {text!r}" if text is not None else f"callback data {data!r}"
        raise AssertionError(
            f"message {self.message_id} has no button with {wanted}; "
            f"its buttons are {[(b.text, b.callback_data) for r in self.buttons for b in r]}"
        )

    def describe(self) -> str:
        """One line for failure reports."""
        body = self.text if self.text is not None else f"[{', '.join(self.attachment)}]"
        if self.caption:
            body += f" {self.caption!r}"
        line = f"#{self.message_id} {body!r}"
        if self.button_texts:
            line += f" buttons={self.button_texts}"
        if self.keyboard:
            line += f" keyboard={self.keyboard}"
        if self.edit_date is not None:
            line += " (edited)"
        return line + (" (deleted)" if self.deleted else "")

    def to_json(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Message object Telegram returns for it."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": dict(self.sender),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        message.update(copy.deepcopy(self.attachment))
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Only inline keyboards belong to the message; reply keyboards are the person's.
            message["reply_markup"] = copy.deepcopy(self.reply_markup)
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            message["reply_to_message"] = self.reply_to
        return message
