"""The one place that wires Cornerstones to Telegram: settings in, a running bot out.

`cornerstones run` calls `run_bot`, which builds the PTB `Application` here and runs it with
PTB's start and stop steps, but receives updates its own way (bot/telegram/polling.py and
webhook.py): an update is confirmed to Telegram only once the bot has dealt with it, so a
`kill -9` loses none. On SIGINT/SIGTERM it finishes the updates in hand, confirms them and
shuts down. Tests and the benchmark build the same application with `build_application` and run
it inside their own event loop with `running`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.content import default_content
from bot.dialogues.engine import Engine
from bot.state import migrate
from bot.state.database import POSTGRES_CONNECTIONS, open_engine, session_factory
from bot.telegram.broadcasting import Broadcasts
from bot.telegram.delivery import Delivery
from bot.telegram.handlers import Handlers
from bot.telegram.links import deep_link
from bot.telegram.logs import Pseudonyms, configure_logging
from bot.telegram.menu import set_menu
from bot.telegram.polling import CannotReceive, Pace, Poller, TelegramApp, retrying
from bot.telegram.processor import ChatOrderedProcessor
from bot.telegram.sending import Patience, Unreachable
from bot.telegram.transport import AiohttpRequest
from bot.telegram.webhook import WebhookReceiver

log = logging.getLogger("bot.app")

# Only what the handlers below use; Telegram then does not send the rest at all.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
STARTUP_ATTEMPTS = 5  # getMe, deleteWebhook / setWebhook at start-up, a second apart


@dataclass(frozen=True)
class Tuning:
    """What a deployment, a test or the benchmark may want different; the defaults are for
    production against Telegram."""

    workers: int = 32  # updates worked on at once, across all chats
    # Events in the engine at once; None: see `engine_at_once`.
    engine_at_once: int | None = None
    patience: Patience = field(default_factory=Patience)
    read_timeout: float = 10.0  # seconds to wait for Telegram's answer to a call
    rate_limited: bool = True  # Telegram's ~30 messages a second; off only against a fake
    broadcasts: bool = True  # send the outbox (prompts, reminders, alerts) from this process


def build_application(
    settings: Settings, *, engine: Engine | None = None, tuning: Tuning | None = None
) -> TelegramApp:
    """The bot, ready to run. Without `engine` it opens the database in `settings` when it
    starts and closes it when it stops; with one (tests, the benchmark) it uses that."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    tuning = tuning or Tuning()
    token = settings.telegram_bot_token.get_secret_value()
    root = settings.telegram_api_url
    handlers = Handlers(Pseudonyms(token), tuning.patience)
    database: list[AsyncEngine] = []  # the one this application opened, to close at the end
    broadcasts = Broadcasts()

    async def post_init(application: TelegramApp) -> None:
        dialogues = engine
        if dialogues is None:
            opened = open_engine(settings.database_url.get_secret_value())
            database.append(opened)
            await migrate.require_current(opened)
            # Invites a co-ordinator makes in the chat link to this bot, by its name from getMe.
            links = partial(deep_link, application.bot.username)
            dialogues = Engine(session_factory(opened), default_content(), invite_link=links)
        at_once = tuning.engine_at_once or engine_at_once(dialogues, tuning.workers)
        handlers.open(dialogues, Delivery(application.bot, tuning.patience), at_once)
        if tuning.broadcasts:
            broadcasts.start(dialogues.sessions, application.bot)
        try:
            await set_menu(application.bot, dialogues.content.messages, tuning.patience)
        except (TelegramError, Unreachable) as error:
            log.warning("commands_menu_not_set error=%s", error)  # the bot works without it

    async def post_stop(application: TelegramApp) -> None:
        await broadcasts.stop()

    async def post_shutdown(application: TelegramApp) -> None:
        while database:
            await database.pop().dispose()

    limiter = AIORateLimiter(max_retries=3)
    if not tuning.rate_limited:
        limiter = AIORateLimiter(0, 0, 0, 0, max_retries=3)  # still waits out a 429
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .concurrent_updates(ChatOrderedProcessor(tuning.workers))
        .rate_limiter(limiter)
        .request(
            AiohttpRequest(read_timeout=tuning.read_timeout, write_timeout=tuning.read_timeout)
        )
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )

    # The order matters: PTB gives an update to the first matching handler of each group, and
    # group -1 runs before group 0.
    # 1. Groups and channels first, alone in their group: the bot says it works one to one,
    #    leaves, and stops the update there, so nothing about a group reaches the engine.
    application.add_handler(TypeHandler(Update, handlers.private_chats_only), group=-1)
    # 2. A partner blocking the bot (a my_chat_member update): mark them unreachable at once.
    application.add_handler(ChatMemberHandler(handlers.blocked, ChatMemberHandler.MY_CHAT_MEMBER))
    # 3. Button presses, then 4. everything a partner sends (text, commands, files, stickers):
    #    both go through the engine; the adapter sorts out the kinds, not the handler list.
    application.add_handler(CallbackQueryHandler(handlers.converse))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.converse))
    # Edited messages are not asked for (ALLOWED_UPDATES): the answer was taken when sent.
    # 5. Anything that went wrong: logged without partners' words, the partner told kindly.
    application.add_error_handler(handlers.on_error)
    return application


def engine_at_once(engine: Engine, workers: int) -> int:
    """How many events to let into the engine together. SQLite has one writer: every event
    takes its lock up front (BEGIN IMMEDIATE), and the others wait inside SQLite, which sleeps
    and retries; queueing them here instead costs nothing and keeps replies flowing. On
    PostgreSQL as many as the connections kept open allow, less a few for the broadcast worker
    and exports, so that events never wait for a connection to be made."""
    bind = engine.sessions.kw.get("bind")
    if bind is not None and bind.dialect.name == "sqlite":
        return 1
    return min(workers, POSTGRES_CONNECTIONS - 4)


class Receiver(Protocol):
    """Long polling or a webhook: takes updates until `stop` is set, then finishes them."""

    async def run(self, stop: asyncio.Event) -> None: ...


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen_host: str = "0.0.0.0",
    listen_port: int = 8080,
) -> None:
    """Run until SIGINT or SIGTERM; then finish the updates in hand, confirm them to Telegram
    and shut down. Exits with a message saying what to do if Telegram refuses the bot."""
    assert settings.telegram_bot_token is not None
    configure_logging(settings.log_level, settings.telegram_bot_token.get_secret_value())
    application = build_application(settings)
    receiver: Receiver
    if webhook_url is None:
        log.info("starting mode=polling api=%s", settings.telegram_api_url)
        receiver = Poller(application, ALLOWED_UPDATES, start_attempts=STARTUP_ATTEMPTS)
    else:
        log.info("starting mode=webhook listen=%s:%d", listen_host, listen_port)
        receiver = WebhookReceiver(
            application,
            url=webhook_url,
            host=listen_host,
            port=listen_port,
            # New each start: only Telegram, told it by setWebhook, can post updates to us.
            secret=secrets.token_urlsafe(32),
            allowed_updates=ALLOWED_UPDATES,
            start_attempts=STARTUP_ATTEMPTS,
        )
    try:
        asyncio.run(_serve(application, receiver))
    except CannotReceive as error:
        log.error("stopped reason=cannot_receive")
        raise SystemExit(f"Cornerstones stopped. {error}") from None


async def _serve(application: TelegramApp, receiver: Receiver) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # A second signal changes nothing: the stop is under way, and a kill -9 now loses nothing.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    async with started(application, attempts=STARTUP_ATTEMPTS):
        await receiver.run(stop)


@asynccontextmanager
async def started(application: TelegramApp, attempts: int = 1) -> AsyncIterator[TelegramApp]:
    """PTB's run_polling steps around receiving, without its loop, signals or Updater:
    initialize (getMe, tried `attempts` times), post_init, start; at the end stop, post_stop,
    shutdown and post_shutdown (the last two even if starting failed)."""
    try:
        await retrying(application.initialize, "getMe", attempts)
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@asynccontextmanager
async def running(
    application: TelegramApp, pace: Pace | None = None, attempts: int = STARTUP_ATTEMPTS
) -> AsyncIterator[TelegramApp]:
    """Long polling inside the caller's event loop, as `run_bot` polls but without signals:
    when the block ends, the updates in hand are finished and confirmed before it stops.
    Start-up calls are tried `attempts` times, as `run_bot` tries them."""
    async with started(application, attempts=attempts):
        stop = asyncio.Event()
        poller = Poller(application, ALLOWED_UPDATES, pace=pace, start_attempts=attempts)
        polling = asyncio.create_task(poller.run(stop), name="Polling:run")
        try:
            yield application
        finally:
            stop.set()
            await polling
