"""The broadcast worker's life inside the bot process: started with the bot, stopped before it.

It must stop in post_stop, while the bot's HTTP client is still open: sends in flight then
finish and none is left in doubt. It is not an `Application.create_task` task, because
`Application.stop()` waits for those, and the worker waits to be told to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot

from bot.broadcast import BroadcastWorker
from bot.state.database import SessionFactory
from bot.telegram.courier import TelegramCourier

log = logging.getLogger(__name__)


class Broadcasts:
    def __init__(self) -> None:
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, sessions: SessionFactory, bot: Bot) -> None:
        worker = BroadcastWorker(sessions, TelegramCourier(bot))
        self._stop.clear()
        self._task = asyncio.create_task(worker.run(self._stop), name="broadcast-worker")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("broadcast_worker_stopped error=%s", type(task.exception()).__name__)
