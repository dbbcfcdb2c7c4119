"""Everything the fake Telegram knows, shared by the HTTP methods and the test's people."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .chats import Chat
from .clock import Clock
from .errors import CHAT_ID_EMPTY, CHAT_NOT_FOUND, bad_request, too_many_requests
from .faults import Faults
from .files import FileStore
from .limits import FloodControl, Limits
from .records import CallbackAnswer, SentMessage
from .stats import Stats
from .updates import UpdateQueue
from .webhook import WebhookSender

T = TypeVar("T")


@dataclass
class CallbackQuery:
    query_id: str
    user_id: int
    created_at: float
    answered: bool = False


class World:
    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_first_name: str,
        limits: Limits,
        clock: Clock,
        privacy_mode: bool,
        callback_query_lifetime: float,
        webhook_retry_delays: tuple[float, ...],
        webhook_timeout: float,
    ) -> None:
        self.token = token
        self.clock = clock
        self.stats = Stats()
        self.flood = FloodControl(limits)
        self.faults = Faults()
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.webhook = WebhookSender(
            self.updates,
            clock,
            self.stats,
            retry_delays=webhook_retry_delays,
            timeout=webhook_timeout,
        )
        self.privacy_mode = privacy_mode
        self.callback_query_lifetime = callback_query_lifetime
        self.bot: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.chats: dict[int, Chat] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.callback_answers: defaultdict[int, list[CallbackAnswer]] = defaultdict(list)
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._changed = asyncio.Condition()
        self._serial = 0

    def now(self) -> int:
        return int(self.clock.now())

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def chat(self, chat_id: Any) -> Chat:
        """The chat a call names, refused as Telegram refuses an unknown one."""
        if chat_id in (None, ""):
            raise bad_request(CHAT_ID_EMPTY)
        try:
            chat = self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            chat = None  # "@username": the fake's chats have no public usernames
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def admit(self, chat: Chat, *, counts_as_message: bool = True) -> None:
        """Refuse as Telegram would a bot that may not, or may not yet, send to this chat."""
        refusal = chat.access_error()
        if refusal is not None:
            raise refusal
        if counts_as_message:
            wait = self.flood.retry_after(
                chat.id, is_group=not chat.is_private, now=self.clock.now()
            )
            if wait is not None:
                self.stats.rate_limited += 1
                raise too_many_requests(wait)

    def post(self, chat: Chat, **content: Any) -> SentMessage:
        """Put a message from the bot into a chat."""
        message = SentMessage(
            chat=chat.json,
            sender=self.bot,
            message_id=chat.next_message_id(),
            date=self.now(),
            **content,
        )
        chat.bot_messages.append(message)
        return message

    async def changed(self) -> None:
        """Wake everyone waiting to see something new."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(
        self, check: Callable[[], T | None], within: float, report: Callable[[], str]
    ) -> T:
        """Wait (without polling) until `check` finds something; fail with `report` if not."""
        found: list[T] = []

        def ready() -> bool:
            result = check()
            if result is not None:
                found.append(result)
            return result is not None

        async with self._changed:
            try:
                async with asyncio.timeout(within):
                    await self._changed.wait_for(ready)
            except TimeoutError:
                raise AssertionError(report() + self._recent_errors()) from None
        return found[0]

    def _recent_errors(self) -> str:
        errors = self.stats.unexpected_errors[-5:]
        if not errors:
            return ""
        lines = [f"  {e.method}: {e.status} {e.description}" for e in errors]
        return "\nMeanwhile the fake Bot API refused:\n" + "\n".join(lines)
