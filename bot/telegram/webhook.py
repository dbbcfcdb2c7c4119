"""A webhook that answers Telegram only once the bot has dealt with the update.

PTB's webhook server answers 200 as soon as an update is queued, so one that a killed process
had not finished is gone. This one answers 200 after the handlers have finished (the engine
committed, the replies tried); until then Telegram holds the update, and sends it again if the
answer never comes (a kill, a dropped connection) or is not 2xx. The engine's journal applies a
resent update once.

The trade-off: each connection carries one update at a time, for as long as it takes to deal
with it. Telegram opens up to `max_connections` (40 here, its default) and, as other bot
frameworks report (grammY), sends one chat's updates in sequence and different chats' side by
side, so chats keep their order (the update processor keeps it too) and work concurrently; a
chat whose update is slow waits, and only that chat. An update that takes longer than Telegram
waits for an answer (it does not say how long: think of an export, or a long flood wait) is
sent again while the first is still working; the second waits its turn in the chat's lane and
is then found in the journal.

Only Telegram knows the secret (new each start, given in setWebhook): a request without it is
refused with 403 and nothing is done with it. The webhook is left set on stop, so Telegram
keeps what arrives meanwhile for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Sequence
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit

import tornado.web
from telegram import Bot, Update
from telegram.ext import ExtBot
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError

from bot.telegram.polling import CannotReceive, TelegramApp, deal_with, retrying

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONNECTIONS = 40  # Telegram's own default for max_connections, said out loud
log = logging.getLogger(__name__)


class WebhookReceiver:
    """Listens on `host:port` for the updates Telegram posts to `url`, until told to stop."""

    def __init__(
        self,
        application: TelegramApp,
        *,
        url: str,
        host: str,
        port: int,
        secret: str,
        allowed_updates: Sequence[str],
        start_attempts: int = 1,
        connections: int = CONNECTIONS,
    ) -> None:
        self.application = application
        self.url, self.host, self.port = url, host, port
        self.secret = secret
        self.allowed_updates = list(allowed_updates)
        self.start_attempts = start_attempts
        self.connections = connections
        self._closing = False
        self._answering = 0  # requests taken and not yet answered
        self._idle = asyncio.Event()
        self._idle.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, then answer every update in hand and close. If the task
        is cancelled (as a kill would end it), the connections close unanswered."""
        path = urlsplit(self.url).path.rstrip("/")
        # The public URL's path, so a proxy can pass requests through unchanged.
        routes = [(rf"{re.escape(path)}/?", _Updates, {"receiver": self})]
        server = HTTPServer(_Quiet(routes))
        try:
            server.listen(self.port, address=self.host)
        except OSError as error:
            raise CannotReceive(
                f"Cannot listen on {self.host}:{self.port} ({error.strerror}). Is another "
                "program using that port? Choose another with --listen HOST:PORT."
            ) from error
        try:
            await retrying(self._set_webhook, "setWebhook", self.start_attempts)
            log.info("webhook_started listen=%s:%d", self.host, self.port)
            await stop.wait()
            log.info("webhook_stopping in_hand=%d", self._answering)
            self._refuse_new(server)
            await self._idle.wait()
        finally:
            self._refuse_new(server)
            await server.close_all_connections()
        log.info("webhook_stopped")

    async def _set_webhook(self) -> bool:
        bot: Bot = self.application.bot
        return await bot.set_webhook(
            url=self.url,
            secret_token=self.secret,
            allowed_updates=self.allowed_updates,
            max_connections=self.connections,
        )

    def _refuse_new(self, server: HTTPServer) -> None:
        """No new connections; a request on one already open is told to come back later."""
        self._closing = True
        server.stop()

    @contextlib.asynccontextmanager
    async def answering(self) -> AsyncIterator[None]:
        """Around a request until its answer is sent: a stop waits for these."""
        self._answering += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._answering -= 1
            if self._answering == 0:
                self._idle.set()

    async def receive(self, secret: str | None, body: bytes) -> HTTPStatus:
        """What to answer Telegram for one posted update, once the bot is done with it."""
        if self._closing:
            return HTTPStatus.SERVICE_UNAVAILABLE  # Telegram tries again, reaching the next start
        if secret is None or not hmac.compare_digest(secret.encode(), self.secret.encode()):
            log.warning("webhook_refused reason=secret")
            return HTTPStatus.FORBIDDEN
        bot = self.application.bot
        try:
            posted = json.loads(body)
            if not isinstance(posted, dict):
                raise TypeError(type(posted).__name__)
            update = Update.de_json(posted, bot)
        except Exception as error:  # whatever was posted, it is not an update: say so, go on
            log.warning("webhook_refused reason=unreadable error=%s", type(error).__name__)
            return HTTPStatus.BAD_REQUEST
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)  # as PTB's own webhook does
        work = asyncio.create_task(
            deal_with(self.application, update), name=f"Webhook:update:{update.update_id}"
        )
        await asyncio.wait({work})  # not `await work`: its cancellation is an answer, not ours
        if work.cancelled():
            return HTTPStatus.SERVICE_UNAVAILABLE  # cut off mid-way: Telegram must send it again
        if work.exception() is not None:
            # PTB itself failed (handlers' errors go to the error handler and end there).
            # Answered all the same: an update that always fails must not block its chat.
            log.error("update_crashed update_id=%d", update.update_id, exc_info=work.exception())
        return HTTPStatus.OK


class _Updates(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver

    async def post(self) -> None:
        async with self.receiver.answering():
            status = await self.receiver.receive(
                self.request.headers.get(SECRET_HEADER), self.request.body
            )
            self.set_status(status)
            with contextlib.suppress(StreamClosedError):  # Telegram gave up: it sends again
                await self.finish()

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Tornado's own line prints the request, whose headers hold the secret.
        if isinstance(value, tornado.web.HTTPError):  # a GET, say: refused, nothing wrong here
            log.warning("webhook_refused status=%d", value.status_code)
            return
        log.error("webhook_error error=%s", typ.__name__ if typ else "-")


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: the handlers log one line per update already."""
