"""The Bot API methods the fake answers, by name (Telegram matches names case-insensitively)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..params import Params
from ..world import World
from . import bot_info, media, messages, polling

Method = Callable[[World, Params], Awaitable[Any]]

METHODS: dict[str, Method] = {
    **bot_info.METHODS,
    **media.METHODS,
    **messages.METHODS,
    **polling.METHODS,
}
_BY_LOWER_NAME = {name.lower(): name for name in METHODS}


def canonical_name(name: str) -> str | None:
    return _BY_LOWER_NAME.get(name.lower())
