"""What the fake saw: a count per method, and every refusal it answered with."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IssuedError:
    method: str
    status: int
    description: str
    injected: bool  # True when a test asked for it (fail_next), False when the bot earned it


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0  # 429s the bot provoked by going over Telegram's limits
    errors: list[IssuedError] = field(default_factory=list)
    webhook_attempts: int = 0

    @property
    def unexpected_errors(self) -> list[IssuedError]:
        """Refusals the bot earned itself: what an end-to-end test expects to be empty."""
        return [error for error in self.errors if not error.injected]
