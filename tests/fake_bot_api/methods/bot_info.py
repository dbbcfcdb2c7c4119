"""getMe, getChat, leaveChat, answerCallbackQuery and the command menus."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import QUERY_TOO_OLD, bad_request
from ..params import Params
from ..records import CallbackAnswer
from ..world import World

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


async def get_me(world: World, params: Params) -> dict[str, Any]:
    return {
        **world.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_chat(world: World, params: Params) -> dict[str, Any]:
    chat = world.chat(params.string("chat_id"))
    return {
        **chat.json,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


async def leave_chat(world: World, params: Params) -> bool:
    chat = world.chat(params.string("chat_id"))
    if chat.is_private:
        raise bad_request("chat member status can't be changed in private chats")
    refusal = chat.access_error()
    if refusal is not None:
        raise refusal
    chat.bot_is_member = False
    await world.changed()
    return True


async def answer_callback_query(world: World, params: Params) -> bool:
    query_id = params.string("callback_query_id") or ""
    query = world.callback_queries.get(query_id)
    too_old = query is None or world.clock.now() - query.created_at > world.callback_query_lifetime
    if query is None or query.answered or too_old:
        raise bad_request(QUERY_TOO_OLD)
    query.answered = True
    answer = CallbackAnswer(
        query_id, params.string("text"), params.boolean("show_alert"), params.string("url")
    )
    world.callback_answers[query.user_id].append(answer)
    await world.changed()
    return True


def command_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Menus are kept per (scope, language): the same scope written either way is one menu."""
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("wrong bot command scope type specified")
    normal = {key: _as_id(v) if key in ("chat_id", "user_id") else v for key, v in scope.items()}
    return json.dumps(normal, sort_keys=True), language_code or ""


def _as_id(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # "@channelusername"


def _params_key(params: Params) -> tuple[str, str]:
    return command_key(params.json("scope"), params.string("language_code"))


async def set_my_commands(world: World, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    menu = []
    for command in commands:
        name, description = command.get("command", ""), command.get("description", "")
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        menu.append({"command": name, "description": description})
    key = _params_key(params)
    if menu:
        world.commands[key] = menu
    else:
        world.commands.pop(key, None)
    return True


async def get_my_commands(world: World, params: Params) -> list[dict[str, str]]:
    return list(world.commands.get(_params_key(params), []))


async def delete_my_commands(world: World, params: Params) -> bool:
    world.commands.pop(_params_key(params), None)
    return True


METHODS = {
    "getMe": get_me,
    "getChat": get_chat,
    "leaveChat": leave_chat,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
