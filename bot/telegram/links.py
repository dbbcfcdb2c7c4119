"""Telegram deep links for invites, with the bot's own username from getMe."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from bot.config import Settings
from bot.telegram.transport import AiohttpRequest

PLACEHOLDER_USERNAME = "your_bot"


def bot_for(settings: Settings) -> Bot:
    assert settings.telegram_bot_token is not None
    root = settings.telegram_api_url
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def bot_username(settings: Settings) -> str | None:
    """The bot's @username, or None when there is no token or Telegram cannot be reached."""
    if settings.telegram_bot_token is None:
        return None
    try:
        async with bot_for(settings) as bot:
            return bot.username
    except TelegramError:
        return None


def deep_link(username: str | None, token: str) -> str:
    return f"https://t.me/{username or PLACEHOLDER_USERNAME}?start={token}"
