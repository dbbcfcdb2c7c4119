"""Time, and Telegram's limits kept by us so that Telegram never has to say 429.

Telegram's guidance (core.telegram.org/bots/faq): about 30 messages a second overall and about
one a second in one chat. A token bucket per limit gates the start of every request; a 429 that
still comes (another process using the same bot, say) holds every send for as long as it asks.
Several workers sharing one bot token share its limit: give each its part (`Pace(15)` for two).

The clock is injectable: tests drive a manual one together with the fake Bot API's, so pacing
2,000 messages is proven in seconds rather than a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

EPSILON = 1e-3  # of a token: 33 µs at 30 a second


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC time, for what is stored (not_before, leases)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back, for pacing."""
        ...

    async def sleep(self, seconds: float) -> None: ...

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        """Until `event` is set or `seconds` have passed, whichever is first."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()


@dataclass
class TokenBucket:
    rate: float  # tokens a second
    capacity: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0 if one is)."""
        self._refill(now)
        # Within a hair of a whole token is a token: a clock stepped by exactly the wait
        # asked for can fall short by a rounding error and would otherwise never get there.
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def available(self, now: float) -> int:
        self._refill(now)
        return int(self.tokens + EPSILON)

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now if self.updated is None else max(self.updated, now)


class Pace:
    """The worker's share of Telegram's limits: overall, and per chat.

    `overall_burst` is small but above one so that the few milliseconds a claim takes between
    one token and the next are not lost: the bucket catches up instead of falling behind.
    """

    FORGET_AFTER = 10_000  # chats remembered before those long quiet are dropped

    def __init__(
        self,
        clock: Clock,
        overall_per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        overall_burst: float = 3.0,
    ) -> None:
        self.clock = clock
        self._overall = TokenBucket(overall_per_second, overall_burst)
        self._per_chat_rate = per_chat_per_second
        self._chats: dict[str, TokenBucket] = {}
        self._held_until = 0.0

    def overall_wait(self) -> float:
        now = self.clock.monotonic()
        return max(self._overall.wait(now), self._held_until - now)

    def available(self) -> int:
        """Messages that may go at once, now."""
        now = self.clock.monotonic()
        return 0 if self._held_until > now else self._overall.available(now)

    def chat_wait(self, chat: str) -> float:
        bucket = self._chats.get(chat)
        return 0.0 if bucket is None else bucket.wait(self.clock.monotonic())

    async def ready(self, chat: str | None = None) -> None:
        """Until one more message may go (to `chat`, if named)."""
        while (wait := max(self.overall_wait(), self.chat_wait(chat) if chat else 0.0)) > 0:
            await self.clock.sleep(wait)

    def take(self, chat: str) -> None:
        now = self.clock.monotonic()
        self._overall.take(now)
        if chat not in self._chats:
            if len(self._chats) >= self.FORGET_AFTER:
                self._forget_quiet_chats(now)
            self._chats[chat] = TokenBucket(self._per_chat_rate, 1.0)
        self._chats[chat].take(now)

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nothing more goes for `seconds`."""
        self._held_until = max(self._held_until, self.clock.monotonic() + seconds)

    def _forget_quiet_chats(self, now: float) -> None:
        self._chats = {chat: b for chat, b in self._chats.items() if b.wait(now) > 0}
