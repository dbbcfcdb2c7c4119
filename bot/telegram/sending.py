"""Bot API calls that ride out Telegram's bad moments: a few attempts, then a clear failure.

PTB's AIORateLimiter keeps the bot under Telegram's limits and waits out a 429 itself; this
wrapper covers what it does not: 5xx answers and timeouts (both `NetworkError` in PTB) are tried
again after a growing pause, and a 429 that still gets through waits as long as Telegram asks.
A retried send whose first attempt did arrive (the answer was lost) shows twice; that is the
price of never silently losing a reply.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.telegram.durations import seconds

T = TypeVar("T")
log = logging.getLogger(__name__)


class Unreachable(Exception):
    """Telegram says the person cannot be written to: they blocked the bot, or left Telegram."""


@dataclass(frozen=True)
class Patience:
    """How hard to try one call: `attempts` in all, waiting `first_wait`, doubling, between."""

    attempts: int = 5
    first_wait: float = 0.5
    longest_wait: float = 10.0
    longest_retry_after: float = 60.0  # a longer flood wait is an outage: give up, log it

    def pause(self, attempt: int) -> float:
        wait = min(self.longest_wait, self.first_wait * 2.0 ** (attempt - 1))
        return wait * random.uniform(0.8, 1.2)  # apart, so retries from many chats do not align


async def persist(call: Callable[[], Awaitable[T]], patience: Patience, method: str) -> T:
    """`call()`, tried again while Telegram is unwell; raises `Unreachable` on a 403, and the
    last error once the attempts are spent. A 400 is our mistake and is not tried again."""
    for attempt in range(1, patience.attempts + 1):
        try:
            return await call()
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except BadRequest:
            raise
        except RetryAfter as error:
            wait = seconds(error, "retry_after") or 1.0
            if attempt == patience.attempts or wait > patience.longest_retry_after:
                raise
            log.info("telegram_retry method=%s reason=flood wait=%.1f", method, wait)
        except NetworkError as error:  # 5xx, a timeout, a dropped connection
            if attempt == patience.attempts:
                raise
            wait = patience.pause(attempt)
            log.info(
                "telegram_retry method=%s reason=%s attempt=%d wait=%.1f",
                method,
                type(error).__name__,
                attempt,
                wait,
            )
        await asyncio.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")
