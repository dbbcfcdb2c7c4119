"""Updates of one chat strictly in order, different chats side by side.

PTB's own concurrent processing runs every update at once, so a partner's quick "ya" then
"/skip" could race. One global lock would make every partner wait for every other. Here each
chat has a lane (a lock that exists only while the chat has updates in hand, so memory does
not grow with the number of partners), and a pool of workers bounds how many updates are being
worked on at once, across all chats.

Order holds because PTB starts one task per update in the order Telegram sent them, and each
task queues on its chat's lock before its first pause; asyncio's locks and semaphores are
first come, first served. An update waiting for its chat holds no worker, so one busy chat
cannot stall the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates fetched and waiting, all chats together; past this, fetched updates queue in PTB.
IN_HAND = 10_000


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, workers: int = 32) -> None:
        super().__init__(max_concurrent_updates=IN_HAND)
        self.workers = workers
        self._working = asyncio.Semaphore(workers)
        self._lanes: dict[int, _Lane] = {}

    @property
    def chats_in_hand(self) -> int:
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = _chat_of(update)
        if chat is None:
            async with self._working:
                await coroutine
            return
        lane = self._lanes.setdefault(chat, _Lane())
        lane.users += 1
        try:
            async with lane.lock, self._working:
                await coroutine
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[chat]

    async def initialize(self) -> None:
        """Nothing to set up: lanes appear with their chats' first update."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB has waited for every update in hand before calling this."""


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
