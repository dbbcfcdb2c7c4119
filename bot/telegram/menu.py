"""The commands menu Telegram shows beside the message box: partners' in every private chat,
and in each co-ordinator's own chat the co-ordinator commands instead."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.ext import ExtBot

from bot.content import Messages
from bot.dialogues.coordinator_commands import COMMANDS
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


def coordinator_commands(messages: Messages) -> list[BotCommand]:
    """Every co-ordinator command but /start, in the order /help lists them."""
    return [
        BotCommand(name, messages.text(f"coordinator_commands.{name}"))
        for name in COMMANDS
        if name != "start"
    ]


async def set_coordinator_menu(
    bot: Bot, chat_id: int, messages: Messages, patience: Patience
) -> None:
    """A chat's own menu outranks the private chats' one: this co-ordinator sees theirs."""
    commands = coordinator_commands(messages)
    scope = BotCommandScopeChat(chat_id)
    await persist(lambda: bot.set_my_commands(commands, scope=scope), patience, "setMyCommands")
