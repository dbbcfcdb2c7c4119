"""reply_markup as Telegram checks it: every inline button needs exactly one action, and
callback_data is 1–64 bytes."""

from __future__ import annotations

from typing import Any

from .errors import BUTTON_DATA_INVALID, bad_request
from .params import Params

CALLBACK_DATA_LIMIT = 64
_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def reply_markup(params: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    markup = params.json("reply_markup", what="reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("inline keyboard expected")
    elif "keyboard" in markup:
        _check_keyboard(markup["keyboard"])
    return markup


def inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a reply_markup that belongs to the message (and can be edited)."""
    return markup if markup and "inline_keyboard" in markup else None


def _rows(rows: Any, what: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{what}" must be of type Array')
    return rows


def _check_inline_keyboard(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
            actions = [name for name in _ACTIONS if name in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode()) if isinstance(data, str) else 0
                if not 1 <= size <= CALLBACK_DATA_LIMIT:
                    raise bad_request(BUTTON_DATA_INVALID)
            if "url" in button and not button["url"]:
                raise bad_request("BUTTON_URL_INVALID")


def _check_keyboard(rows: Any) -> None:
    for row in _rows(rows, "keyboard"):
        for button in row:
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str):
                raise bad_request("can't parse keyboard button: Can't find field \"text\"")
