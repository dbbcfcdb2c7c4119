"""Webhook delivery: POST each update to the bot's URL until it answers 2xx.

Like Telegram, the fake sends updates one at a time and in order, puts the secret in
`X-Telegram-Bot-Api-Secret-Token`, and retries an update the webhook refused after a
(short, configurable) backoff. Every failure shows in getWebhookInfo's last_error_message.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import aiohttp

from .clock import Clock
from .stats import Stats
from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    allowed_updates: list[str] | None = None


class WebhookSender:
    def __init__(
        self,
        queue: UpdateQueue,
        clock: Clock,
        stats: Stats,
        *,
        retry_delays: tuple[float, ...],
        timeout: float,
    ) -> None:
        self._queue = queue
        self._clock = clock
        self._stats = stats
        self._retry_delays = retry_delays
        self._timeout = timeout
        self.settings: WebhookSettings | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._task: asyncio.Task[None] | None = None

    async def set(self, settings: WebhookSettings) -> None:
        await self._stop()
        self.settings = settings
        await self._queue.set_webhook_active(True)
        self._task = asyncio.create_task(self._deliver(settings), name="fake-bot-api-webhook")

    async def delete(self) -> bool:
        """Remove the webhook; False if there was none."""
        had = self.settings is not None
        await self._stop()
        self.settings = None
        await self._queue.set_webhook_active(False)
        return had

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.settings.url if self.settings else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue.pending),
        }
        if self.settings is not None:
            info["max_connections"] = self.settings.max_connections
            if self.settings.ip_address:
                info["ip_address"] = self.settings.ip_address
            if self.settings.allowed_updates:
                info["allowed_updates"] = self.settings.allowed_updates
            if self.last_error_date is not None:
                info["last_error_date"] = self.last_error_date
                info["last_error_message"] = self.last_error_message
        return info

    async def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _deliver(self, settings: WebhookSettings) -> None:
        headers = {SECRET_HEADER: settings.secret_token} if settings.secret_token else {}
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                update = await self._queue.next_for_webhook()
                attempt = 0
                while not await self._post(session, settings.url, update, headers):
                    delay = self._retry_delays[min(attempt, len(self._retry_delays) - 1)]
                    attempt += 1
                    await asyncio.sleep(delay)
                self._queue.acknowledge(int(update["update_id"]))

    async def _post(
        self,
        session: aiohttp.ClientSession,
        url: str,
        update: dict[str, Any],
        headers: dict[str, str],
    ) -> bool:
        self._stats.webhook_attempts += 1
        try:
            async with session.post(url, json=update, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return True
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError as exc:
            error = f"Connection failed: {exc}"
        self.last_error_date = int(self._clock.now())
        self.last_error_message = error
        return False
