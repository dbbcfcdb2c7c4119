"""The fake Bot API server: real HTTP on 127.0.0.1, inside the test's event loop."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from aiohttp import web

from .chats import Chat
from .clock import Clock, SystemClock
from .faults import Failure
from .limits import Limits
from .methods import METHODS, canonical_name
from .methods.bot_info import command_key
from .people import Group, Person
from .routes import app_for
from .stats import Stats
from .world import World

TOKEN = "123456789:AAFakeBotApiTokenForTestsOnly0000000"


class FakeBotApi:
    """Telegram's Bot API, faked: `async with FakeBotApi() as api:` (see the package docs)."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_username: str = "cornerstones_test_bot",
        bot_first_name: str = "Cornerstones",
        limits: Limits | None = None,
        clock: Clock | None = None,
        privacy_mode: bool = True,
        callback_query_lifetime: float = 15.0,
        webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2, 0.5),
        webhook_timeout: float = 10.0,
    ) -> None:
        self.token = token
        self._world = World(
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            limits=limits or Limits(),
            clock=clock or SystemClock(),
            privacy_mode=privacy_mode,
            callback_query_lifetime=callback_query_lifetime,
            webhook_retry_delays=webhook_retry_delays,
            webhook_timeout=webhook_timeout,
        )
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._next_user_id = 10_001
        self._next_group_number = 1

    # Lifecycle

    async def __aenter__(self) -> FakeBotApi:
        # A long poll whose client went away ends with it, as on Telegram.
        self._runner = web.AppRunner(
            app_for(self._world), handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._world.webhook.delete()
        await self._world.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Where the bot should point

    @property
    def root(self) -> str:
        if self._port is None:
            raise RuntimeError("the fake Bot API is not running: use `async with FakeBotApi()`")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """For `Bot(token, base_url=…)` and `ApplicationBuilder().base_url(…)`."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root}/file/bot"

    # The people in the test

    def user(
        self,
        chat_id: int | None = None,
        first_name: str = "Sam",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        has_started_bot: bool = False,
    ) -> Person:
        """A person and their private chat. Until they write (or `has_started_bot`), the bot
        may not write to them: Telegram answers 403 "bot can't initiate conversation"."""
        if chat_id is None:
            chat_id = self._next_user_id
            self._next_user_id += 1
        names = {"first_name": first_name, "last_name": last_name, "username": username}
        names = {key: value for key, value in names.items() if value is not None}
        user = {"id": chat_id, "is_bot": False, **names}
        if language_code:
            user["language_code"] = language_code
        chat = self._add_chat({"id": chat_id, "type": "private", **names}, has_started_bot)
        return Person(self._world, user, chat)

    def group(self, chat_id: int | None = None, title: str = "Cornerstones group") -> Group:
        """A group the bot is a member of; ids starting -100 are supergroups, as on Telegram."""
        if chat_id is None:
            chat_id = -1_000_000_000_000 - self._next_group_number
            self._next_group_number += 1
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return Group(self._world, self._add_chat({"id": chat_id, "type": kind, "title": title}))

    def _add_chat(self, json_chat: dict[str, Any], started: bool = True) -> Chat:
        chat_id = int(json_chat["id"])
        if chat_id in self._world.chats:
            raise ValueError(f"chat {chat_id} already exists in this fake")
        chat = Chat(json_chat, started=started)
        self._world.chats[chat_id] = chat
        return chat

    # What the test can see and steer

    @property
    def stats(self) -> Stats:
        return self._world.stats

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self._world.bot)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates's offset (or by the webhook's 2xx)."""
        return self._world.updates.pending

    async def redeliver(self, update_id: int) -> None:
        """Hand the bot an update it already had, as after a crash before confirming it."""
        await self._world.updates.redeliver(update_id)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> dict[str, str]:
        """The command menu set for a scope and language: {command: description}."""
        menu = self._world.commands.get(command_key(scope, language_code), [])
        return {entry["command"]: entry["description"] for entry in menu}

    def webhook_info(self) -> dict[str, Any]:
        return self._world.webhook.info()

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail with `status` and do nothing else."""
        _known(method)
        self._world.faults.fail_next(method, Failure(status, description, retry_after), times)

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` take effect, then answer `seconds` late."""
        _known(method)
        self._world.faults.slow_next(method, seconds, times)

    def block(self, chat_id: int) -> None:
        """The person blocks the bot (or the group removes it): sends answer 403."""
        self._world.chat(chat_id).blocked = True

    def unblock(self, chat_id: int) -> None:
        self._world.chat(chat_id).blocked = False


def _known(method: str) -> None:
    if canonical_name(method) is None:
        raise ValueError(f"the fake Bot API has no method {method!r}; it knows {sorted(METHODS)}")
