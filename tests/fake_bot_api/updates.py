"""The update queue behind getUpdates (and the webhook), with Telegram's confirmation rules.

An update stays pending until the bot calls getUpdates with an offset above its update_id;
then it is forgotten for good. A long poll returns as soon as an update arrives. A second
getUpdates ends the one still waiting with 409 Conflict.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import dataclass
from typing import Any

from .errors import TERMINATED_BY_OTHER_POLL, WEBHOOK_ACTIVE, conflict

# Telegram's default when allowed_updates was never given (or given as []).
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class _Pending:
    update: dict[str, Any]
    redelivered: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._next_id = first_update_id
        self._pending: list[_Pending] = []
        self._created: dict[int, dict[str, Any]] = {}
        self._allowed: frozenset[str] | None = None  # None: Telegram's default
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self.webhook_active = False
        self._closed = False
        self.dropped = 0  # updates allowed_updates kept from ever being created

    @property
    def pending(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(entry.update) for entry in self._pending]

    async def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Create an update; None when allowed_updates says the bot does not want it."""
        if not self._wanted(kind):
            self.dropped += 1
            return None
        update_id = self._next_id
        self._next_id += 1
        update = {"update_id": update_id, kind: payload}
        self._created[update_id] = update
        self._pending.append(_Pending(copy.deepcopy(update)))
        await self._notify()
        return update_id

    async def redeliver(self, update_id: int) -> None:
        """Hand an update the bot already had to it once more."""
        if update_id not in self._created:
            raise KeyError(f"no update {update_id} was ever created")
        self._pending.append(_Pending(copy.deepcopy(self._created[update_id]), redelivered=True))
        await self._notify()

    def set_allowed(self, allowed: Any) -> None:
        if allowed is None:
            return  # "If not specified, the previous setting will be used."
        self._allowed = frozenset(allowed) if allowed else None

    def confirm(self, offset: int) -> None:
        if offset < 0:  # the last -offset updates; everything before them is forgotten
            self._pending = (
                self._pending[offset:] if -offset < len(self._pending) else self._pending
            )
            return
        self._pending = [
            entry
            for entry in self._pending
            if entry.update_id >= offset or (entry.redelivered and not entry.delivered)
        ]

    async def get(self, *, offset: int | None, limit: int, wait: float) -> list[dict[str, Any]]:
        if offset is not None:
            self.confirm(offset)
        if self.webhook_active:
            raise conflict(WEBHOOK_ACTIVE)
        self._poll_generation += 1
        mine = self._poll_generation
        await self._notify()  # ends an older poll that is still waiting
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(wait, 0)):
                    await self._changed.wait_for(lambda: self._ready(mine))
            if mine != self._poll_generation:
                raise conflict(TERMINATED_BY_OTHER_POLL)
            if self.webhook_active:
                raise conflict(WEBHOOK_ACTIVE)
            batch = self._pending[:limit]
            for entry in batch:
                entry.delivered = True
            return [copy.deepcopy(entry.update) for entry in batch]

    async def next_for_webhook(self) -> dict[str, Any]:
        async with self._changed:
            await self._changed.wait_for(lambda: bool(self._pending))
            return copy.deepcopy(self._pending[0].update)

    def acknowledge(self, update_id: int) -> None:
        """The webhook answered 2xx: that update is done."""
        for index, entry in enumerate(self._pending):
            if entry.update_id == update_id:
                del self._pending[index]
                return

    async def set_webhook_active(self, active: bool) -> None:
        self.webhook_active = active
        await self._notify()

    async def drop_pending(self) -> None:
        self._pending.clear()
        await self._notify()

    async def close(self) -> None:
        self._closed = True
        await self._notify()

    def _ready(self, generation: int) -> bool:
        superseded = generation != self._poll_generation
        return bool(self._pending) or superseded or self.webhook_active or self._closed

    def _wanted(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self._allowed

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
