"""The broadcast worker's courier for Telegram: a reply becomes sendMessage, an answer a Delivery.

The worker paces itself, so PTB's own rate limiter (on `application.bot`) rarely has anything
to do. What matters here is telling apart a request that surely did not arrive (a 5xx answer, a
connection never made) from one that may have (the answer timed out or the connection broke
after the request left): only the first may be tried again without risking a second copy.
"""

from __future__ import annotations

from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.broadcast.courier import Delivery, Outcome
from bot.dialogues.replies import Reply
from bot.telegram.durations import seconds
from bot.telegram.events import TRANSPORT
from bot.telegram.keyboards import keyboard
from bot.telegram.texts import split_text
from bot.telegram.transport import NEVER_SENT, ConnectionLost

# 400s that mean the person is not there to write to, as a 403 does.
GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


class TelegramCourier:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
        if problem := _not_ours(transport, reply):
            return Delivery.failed(problem)
        try:
            markup = keyboard(reply.buttons)
        except ValueError as error:
            return Delivery.failed(str(error))
        pieces = split_text(reply.text) or ["…"]  # Telegram refuses an empty message
        sent = 0
        try:
            for number, piece in enumerate(pieces, start=1):
                last = number == len(pieces)
                message = await self.bot.send_message(
                    int(address), piece, reply_markup=markup if last else None
                )
                sent += 1
        except TelegramError as error:
            delivery = delivery_for(error)
            if sent and delivery.outcome is not Outcome.UNREACHABLE:
                # Part of a long message arrived: sending it all again would repeat that part.
                return Delivery.uncertain(f"after {sent} of {len(pieces)} parts: {error}")
            return delivery
        return Delivery.sent(str(message.message_id))

    async def edit(self, transport: str, address: str, message_id: str, reply: Reply) -> Delivery:
        if problem := _not_ours(transport, reply):
            return Delivery.failed(problem)
        try:
            await self.bot.edit_message_text(
                reply.text,
                chat_id=int(address),
                message_id=int(message_id),
                reply_markup=keyboard(reply.buttons),
            )
        except BadRequest as error:
            if "message is not modified" in str(error).lower():
                return Delivery.sent(message_id)  # already shows it
            return delivery_for(error)
        except TelegramError as error:
            return delivery_for(error)
        return Delivery.sent(message_id)


def delivery_for(error: TelegramError) -> Delivery:
    """What a Bot API refusal means for a broadcast message."""
    if isinstance(error, RetryAfter):
        return Delivery.retry_after(seconds(error, "retry_after") or 1.0)
    reason = f"{type(error).__name__}: {error}"
    if isinstance(error, Forbidden):
        return Delivery.unreachable(reason)
    if isinstance(error, BadRequest):
        if any(words in str(error).lower() for words in GONE):
            return Delivery.unreachable(reason)
        return Delivery.failed(reason)
    if isinstance(error, InvalidToken):
        return Delivery.failed(reason, transient=True)  # the operator has to fix the token
    if isinstance(error, NEVER_SENT):
        return Delivery.failed(reason, transient=True)  # it never left: safe to try again
    if isinstance(error, TimedOut | ConnectionLost):
        return Delivery.uncertain(reason)  # it left, and no answer came back
    if isinstance(error, NetworkError):
        return Delivery.failed(reason, transient=True)  # a 5xx answer: Telegram did not take it
    return Delivery.failed(reason)


def _not_ours(transport: str, reply: Reply) -> str | None:
    if transport != TRANSPORT:
        return f"not a Telegram address ({transport})"
    if reply.attachment is not None:
        return "the courier sends text and buttons, not attachments"
    return None
