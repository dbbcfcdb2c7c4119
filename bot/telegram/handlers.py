"""PTB's callbacks: an update becomes an event, the engine's outcome becomes Bot API calls.

The engine commits before it returns, so whatever happens while sending, a partner's words
are already stored; a reply that cannot be delivered is logged (never its text) and the partner
picks up where they are with their next message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import traceback
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.dialogues.engine import Engine
from bot.telegram.delivery import Delivery
from bot.telegram.events import TRANSPORT, event_of
from bot.telegram.logs import Pseudonyms, update_kind
from bot.telegram.menu import set_coordinator_menu
from bot.telegram.sending import Patience, Unreachable, persist

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger("bot.telegram")


class Handlers:
    def __init__(self, pseudonyms: Pseudonyms, patience: Patience) -> None:
        self.pseudonyms = pseudonyms
        self.patience = patience
        self._engine: Engine | None = None
        self._delivery: Delivery | None = None
        self._turns = asyncio.Semaphore(1)

    def open(self, engine: Engine, delivery: Delivery, engine_at_once: int) -> None:
        """Ready to talk: called once the database is open (post_init). At most
        `engine_at_once` events are in the engine together, whatever is being sent meanwhile."""
        self._engine, self._delivery = engine, delivery
        self._turns = asyncio.Semaphore(engine_at_once)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("an update arrived before the database was opened")
        return self._engine

    @property
    def delivery(self) -> Delivery:
        if self._delivery is None:
            raise RuntimeError("an update arrived before the bot was ready to send")
        return self._delivery

    async def private_chats_only(self, update: Update, context: Context) -> None:
        """In a group or channel: say so once, leave, and let nothing else see the update."""
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        member = update.my_chat_member
        gone = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
        if member is None or member.new_chat_member.status not in gone:
            text = self.engine.content.messages.text("telegram.private_only")
            # Each is tried on its own: a group that will not hear the bot can still be left.
            await self._try(partial(context.bot.send_message, chat.id, text), "sendMessage")
            await self._try(partial(context.bot.leave_chat, chat.id), "leaveChat")
        log.info("group_refused chat=%s kind=%s", self.pseudonyms.of(chat.id), update_kind(update))
        raise ApplicationHandlerStop

    async def converse(self, update: Update, context: Context) -> None:
        """A partner's message or button press, through the engine and back."""
        started = time.monotonic()
        event = event_of(update)
        query = update.callback_query
        if event is None:  # a service message, or a button with nothing on it
            if query is not None:
                await self._stop_spinner(query)
            return
        async with self._turns:
            outcome = await self.engine.handle(event)  # committed when it returns
        result, sent = "ok", 0
        if outcome.duplicate:
            result = "duplicate"  # applied before, and answered then: say nothing twice
            if query is not None:
                await self._stop_spinner(query)
        else:
            try:
                sent = await self.delivery.tell(int(event.chat), outcome, query)
            except Unreachable:
                await self._unreachable(event.chat)
                result = "unreachable"
            except BadRequest:
                raise  # a reply Telegram refuses is our mistake: the error handler reports it
            except TelegramError as error:
                result = f"undelivered:{type(error).__name__}"
            if outcome.coordinator_menu and result == "ok":
                await self._coordinator_menu(int(event.chat))
        log.info(
            "update kind=%s chat=%s result=%s replies=%d messages=%d ms=%.0f",
            event.kind.value,
            self.pseudonyms.of(event.chat),
            result,
            len(outcome.replies),
            sent,
            (time.monotonic() - started) * 1000,
        )

    async def _coordinator_menu(self, chat_id: int) -> None:
        """Best kept, not essential: without it the co-ordinator still has /help."""
        messages = self.engine.content.messages
        try:
            await set_coordinator_menu(self.delivery.bot, chat_id, messages, self.patience)
        except (TelegramError, Unreachable) as error:
            log.warning("call_failed method=setMyCommands error=%s", type(error).__name__)

    async def blocked(self, update: Update, context: Context) -> None:
        """A partner blocked the bot: keep everything they said, stop writing to them. Unblocked
        again: they may be written to again."""
        member = update.my_chat_member
        if member is None:
            return
        status = member.new_chat_member.status
        if status == ChatMemberStatus.BANNED:
            await self._unreachable(str(member.chat.id))
            log.info("blocked chat=%s", self.pseudonyms.of(member.chat.id))
        elif status == ChatMemberStatus.MEMBER:
            async with self._turns:
                await self.engine.mark_reachable(TRANSPORT, str(member.chat.id))
            log.info("unblocked chat=%s", self.pseudonyms.of(member.chat.id))

    async def on_error(self, update: object, context: Context) -> None:
        """Log first, then tell the partner kindly; never log what a partner wrote."""
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        log.error(
            "update_failed kind=%s chat=%s error=%s%s where=%s",
            update_kind(update),
            self.pseudonyms.of(chat.id) if chat else "-",
            type(error).__name__,
            # Telegram's own descriptions are safe; other errors (a database's, say) may quote
            # the partner's words back, so only their type and where they happened are logged.
            f" ({error})" if isinstance(error, TelegramError) else "",
            where(error),
        )
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        text = self.engine.content.messages.text("telegram.error")
        await self._try(partial(context.bot.send_message, chat.id, text), "sendMessage")

    async def _unreachable(self, chat: str) -> None:
        async with self._turns:
            await self.engine.mark_unreachable(TRANSPORT, chat)

    async def _try(self, call: Callable[[], Awaitable[object]], method: str) -> None:
        """A call whose failure is worth a log line but not an error of its own."""
        try:
            await persist(call, self.patience, method)
        except (TelegramError, Unreachable) as error:
            log.warning("call_failed method=%s error=%s", method, type(error).__name__)

    async def _stop_spinner(self, query: CallbackQuery) -> None:
        with contextlib.suppress(TelegramError, Unreachable):
            await self.delivery.answer(query, None)


def where(error: BaseException | None) -> str:
    """The path through this project's code to an error, outermost first, on one line:
    "bot/dialogues/engine.py:37>bot/state/answers.py:77" (or the library line it ended in)."""
    if error is None:
        return "-"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{os.sep}bot{os.sep}" in f.filename]
    shown = ours or frames[-1:]
    return ">".join(
        f"{f.filename[f.filename.rfind(os.sep + 'bot' + os.sep) + 1 :]}:{f.lineno}" for f in shown
    )
