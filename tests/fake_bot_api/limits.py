"""Telegram's flood control, as token buckets.

Telegram's published guidance (core.telegram.org/bots/faq): about one message a second in a
chat, with short bursts tolerated; no more than 20 messages a minute in a group; about 30
messages a second overall. Over the limit Telegram answers 429 with `retry_after` seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    """How much the fake lets a bot send before it answers 429.

    The defaults tolerate an ordinary conversation (a reply of a few messages at once);
    `Limits.strict()` is the published numbers with no burst, for flood-control tests.
    """

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 10
    group_per_minute: float = 20.0
    group_burst: int = 20
    overall_per_second: float = 30.0
    overall_burst: int = 30
    enabled: bool = True

    @classmethod
    def strict(cls) -> Limits:
        return cls(per_chat_burst=1, group_burst=20, overall_burst=30)

    @classmethod
    def off(cls) -> Limits:
        return cls(enabled=False)


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def wait_needed(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now if self.updated is None else max(self.updated, now)


class FloodControl:
    """Decides whether one more message to a chat is within Telegram's limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._overall = TokenBucket(limits.overall_per_second, limits.overall_burst)
        self._per_chat: dict[int, TokenBucket] = {}
        self._per_group: dict[int, TokenBucket] = {}

    def retry_after(self, chat_id: int, *, is_group: bool, now: float) -> int | None:
        """Take a message's share of every limit, or say how long to wait (whole seconds, ≥ 1)."""
        if not self.limits.enabled:
            return None
        buckets = [self._overall, self._chat_bucket(chat_id)]
        if is_group:
            buckets.append(self._group_bucket(chat_id))
        wait = max(bucket.wait_needed(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take(now)
        return None

    def _chat_bucket(self, chat_id: int) -> TokenBucket:
        if chat_id not in self._per_chat:
            limits = self.limits
            self._per_chat[chat_id] = TokenBucket(limits.per_chat_per_second, limits.per_chat_burst)
        return self._per_chat[chat_id]

    def _group_bucket(self, chat_id: int) -> TokenBucket:
        if chat_id not in self._per_group:
            limits = self.limits
            self._per_group[chat_id] = TokenBucket(limits.group_per_minute / 60, limits.group_burst)
        return self._per_group[chat_id]
