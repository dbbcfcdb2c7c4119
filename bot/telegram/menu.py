"""The commands menu Telegram shows partners beside the message box, in private chats."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import ExtBot

from bot.content import Messages
from bot.telegram.sending import Patience, persist


def partner_commands(messages: Messages) -> list[BotCommand]:
    # /start is left out: partners arrive by their invite link, which sends it for them.
    return [
        BotCommand("pause", messages.text("commands.pause")),
        BotCommand("continue", messages.text("commands.continue")),
        BotCommand("back", messages.text("commands.back")),
        BotCommand("skip", messages.text("commands.skip")),
        BotCommand("progress", messages.text("commands.progress")),
        BotCommand("review", messages.text("commands.review")),
        BotCommand("help", messages.text("commands.help")),
        BotCommand("privacy", messages.text("commands.privacy")),
        BotCommand("forget", messages.text("commands.forget")),
    ]


async def set_menu(bot: ExtBot[None], messages: Messages, patience: Patience) -> None:
    commands = partner_commands(messages)
    scope = BotCommandScopeAllPrivateChats()
    await persist(lambda: bot.set_my_commands(commands, scope=scope), patience, "setMyCommands")
