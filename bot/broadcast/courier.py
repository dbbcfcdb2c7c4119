"""What the broadcast worker needs from a transport: send a reply, edit one, say how it went.

The worker never sees a transport's exceptions: a courier turns each answer into a `Delivery`,
and the worker decides from that alone whether to record, wait, try again or give up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.dialogues.replies import Reply


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # flood control: everything waits `seconds`, then tries again
    UNREACHABLE = "unreachable"  # blocked the bot, or gone: stop writing to them
    FAILED = "failed"  # `transient`: not delivered, worth another try; else refused for good
    UNCERTAIN = "uncertain"  # the request left but no answer came: it may have arrived


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Outcome
    message_id: str | None = None
    seconds: float = 0.0
    reason: str = ""
    transient: bool = False

    @classmethod
    def sent(cls, message_id: str) -> Delivery:
        return cls(Outcome.SENT, message_id=message_id)

    @classmethod
    def retry_after(cls, seconds: float) -> Delivery:
        return cls(Outcome.RETRY_AFTER, seconds=seconds, reason=f"flood control: {seconds:g} s")

    @classmethod
    def unreachable(cls, reason: str = "unreachable") -> Delivery:
        return cls(Outcome.UNREACHABLE, reason=reason)

    @classmethod
    def failed(cls, reason: str, *, transient: bool = False) -> Delivery:
        return cls(Outcome.FAILED, reason=reason, transient=transient)

    @classmethod
    def uncertain(cls, reason: str) -> Delivery:
        return cls(Outcome.UNCERTAIN, reason=reason)


class Courier(Protocol):
    async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
        """Send `reply` to `address`; `Delivery.sent` carries the transport's message id."""
        ...

    async def edit(self, transport: str, address: str, message_id: str, reply: Reply) -> Delivery:
        """Show `reply` in place of the message `message_id` sent earlier."""
        ...
