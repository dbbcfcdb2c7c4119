"""The engine's buttons as inline keyboards, and whether a message already shows a reply."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.dialogues.replies import Button

CALLBACK_DATA_LIMIT = 64  # bytes, as Telegram counts them

Rows = tuple[tuple[Button, ...], ...]
# A message's text and its buttons' (label, data), row by row: equal looks need no edit.
Look = tuple[str, tuple[tuple[tuple[str, str], ...], ...]]


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    if not any(rows):
        return None
    for row in rows:
        for button in row:
            if len(button.data.encode()) > CALLBACK_DATA_LIMIT:
                # Telegram would refuse the whole message; say which button, not what it carries.
                raise ValueError(f"button {button.label!r} carries more than 64 bytes of data")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows if row]
    )


def look_of(text: str, rows: Rows) -> Look:
    """How a message with this text and these buttons looks, as Telegram would show it (it
    trims a message's text)."""
    return text.strip(), tuple(tuple((b.label, b.data) for b in row) for row in rows if row)


def look_of_message(message: Message) -> Look:
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return (message.text or "").strip(), tuple(
        tuple((b.text, b.callback_data if isinstance(b.callback_data, str) else "") for b in row)
        for row in rows
    )
