"""Long polling that confirms an update to Telegram only once the bot has dealt with it.

PTB's Updater confirms what it fetched on its very next getUpdates (offset = last + 1), before
the handlers have run, so an update fetched by a process that is then killed is gone for good.
Here the offset moves only over updates whose handlers have finished (the engine committed, the
replies tried): a killed process leaves the rest unconfirmed, Telegram hands them to the next
start, and the engine's journal applies each once. Replies are another matter: one already
sent by the killed process is not sent again (the engine says "duplicate"), and one it had not
sent yet is lost, though the partner's words and place are kept.

getUpdates cannot fetch past an unconfirmed update without confirming it, so while updates are
unconfirmed every call returns them again at once, with anything new behind them (at most 100
in all: Telegram's limit, and so the most this bot works on beyond a slow update). Each call
then costs in proportion to what is unconfirmed, so the poller waits `recheck` seconds for each
before asking again (20 ms with one in hand), twice as long after each call that brought
nothing new, never more than `longest_recheck`: a busy bot has work queued anyway, and a quiet
one with a slow update in hand should not ask fifty times a second. The moment nothing is
unconfirmed it long-polls, as PTB does.

Each update goes through the application's update processor, in the order Telegram sent them,
so the chat-by-chat order and the concurrency across chats are the processor's, as with PTB.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, Update
from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.telegram.durations import seconds

T = TypeVar("T")
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)
QUIETER = 5  # doublings of the pause at most (then `longest_recheck` caps it anyway)

TOKEN_REFUSED = (
    "Telegram refused the bot's token ({error}). Check TELEGRAM_BOT_TOKEN against the one "
    "@BotFather gave you (/mybots, API Token); a token revoked there must be replaced."
)
CONFLICTED = (
    "Another process is taking this bot's updates (Telegram said: {error}). Only one copy of "
    "Cornerstones may run per bot token: stop the other one (or delete its webhook), then start "
    "this one again."
)


class CannotReceive(Exception):
    """Telegram will not give this bot its updates; the message says what to do about it."""


@dataclass(frozen=True)
class Pace:
    long_poll: int = 10  # seconds Telegram may hold a getUpdates open, nothing in hand
    recheck: float = 0.02  # seconds before looking again, per update Telegram would resend
    longest_recheck: float = 0.5
    first_backoff: float = 1.0  # after a failed getUpdates, growing by half each time
    longest_backoff: float = 30.0
    conflict_patience: float = 60.0  # a rolling restart overlaps briefly; longer is a mistake


async def deal_with(application: TelegramApp, update: Update) -> None:
    """One update through the bot's handlers in its chat's turn (the update processor), as
    PTB's own fetcher does; returns once they have finished. (A handler added with
    block=False would still be running: its update would be confirmed before it is done.)"""
    processor = application.update_processor
    await processor.process_update(update, application.process_update(update))


async def retrying(call: Callable[[], Awaitable[T]], method: str, attempts: int) -> T:
    """A start-up call, tried `attempts` times a second apart: a network blip while starting
    should not stop the bot, a refused token should, at once."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except (InvalidToken, Forbidden) as error:
            raise CannotReceive(TOKEN_REFUSED.format(error=type(error).__name__)) from error
        except TelegramError as error:
            if attempt == attempts:
                raise CannotReceive(
                    f"{method} failed {attempts} time(s), lastly with {error}. Is Telegram "
                    "(CORNERSTONES_TELEGRAM_API_URL) reachable from here?"
                ) from error
            wait = 1.0
            if isinstance(error, RetryAfter):
                wait = seconds(error, "retry_after") or wait
            log.warning("startup_retry method=%s error=%s wait=%.1f", method, error, wait)
            await asyncio.sleep(wait)
    raise CannotReceive(f"{method} was never tried: attempts={attempts}")


class Confirmations:
    """Which updates Telegram may forget: every one below `offset`.

    Updates arrive in update_id order; each is open until its handlers finish. The offset is
    the lowest open update, or one past the highest seen when none is open, and never goes
    back. Finished updates above the offset are remembered so a re-fetch does not start them
    twice."""

    def __init__(self) -> None:
        self.offset = 0  # 0: not yet known; Telegram starts from its earliest unconfirmed
        self.told = 0  # the offset Telegram last heard
        self._open: dict[int, bool] = {}  # update_id (≥ offset) → finished
        self._highest = -1

    @property
    def unconfirmed(self) -> int:
        """Updates Telegram would hand over again (getUpdates returns at once while any are)."""
        return len(self._open)

    def ask(self) -> int:
        """The offset for a getUpdates about to be made."""
        self.told = self.offset
        return self.told

    def take(self, update_id: int) -> bool:
        """An update that call brought: True if it is new and should be dealt with."""
        if update_id in self._open:
            return False
        if update_id < self.offset:
            # Finished and let go while the call was out; or, below what the call asked from,
            # one Telegram was told to forget and resent (the journal will say if it is new).
            return update_id < self.told
        self._open[update_id] = False
        self._highest = max(self._highest, update_id)
        return True

    def finish(self, update_id: int) -> None:
        """Its handlers are done."""
        if update_id not in self._open:
            return
        self._open[update_id] = True
        unfinished = [number for number, done in self._open.items() if not done]
        offset = min(unfinished) if unfinished else self._highest + 1
        if offset > self.offset:
            self.offset = offset
            self._open = {number: done for number, done in self._open.items() if number >= offset}


class Poller:
    """Fetches updates and has the application deal with them, until told to stop."""

    def __init__(
        self,
        application: TelegramApp,
        allowed_updates: Sequence[str],
        *,
        pace: Pace | None = None,
        start_attempts: int = 1,
    ) -> None:
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self.pace = pace or Pace()
        self.start_attempts = start_attempts
        self.confirmations = Confirmations()
        self._in_hand: set[asyncio.Task[None]] = set()
        self._all_done = asyncio.Event()  # nothing unconfirmed is left in hand
        self._quiet = 0  # calls in a row that brought nothing new
        self._backoff = 0.0
        self._conflict_since: float | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set, then finish the updates in hand and confirm them. Raises
        `CannotReceive` (after the same finishing) when Telegram will not let it go on. If the
        task is cancelled (as a kill would end it), nothing unfinished is confirmed."""
        bot = self.application.bot
        # A webhook left set makes getUpdates fail; its pending updates are kept for us.
        await retrying(bot.delete_webhook, "deleteWebhook", self.start_attempts)
        log.info("polling_started")
        try:
            while not stop.is_set():
                fresh = [u for u in await self._fetch(stop) if self.confirmations.take(u.update_id)]
                for update in fresh:
                    self._start(update)
                if self.confirmations.unconfirmed:
                    await _first(stop, self._all_done, within=self._pause(bool(fresh)))
        finally:
            if not _cancelling():
                await self._wind_down()

    async def _fetch(self, stop: asyncio.Event) -> Sequence[Update]:
        """The next updates Telegram has; none when stopping or after a failure (waited out)."""
        self._all_done.clear()
        bot: Bot = self.application.bot
        call: asyncio.Task[tuple[Update, ...]] = asyncio.create_task(
            bot.get_updates(
                offset=self.confirmations.ask() or None,
                # With updates unconfirmed Telegram answers at once whatever the timeout.
                timeout=0 if self.confirmations.unconfirmed else self.pace.long_poll,
                allowed_updates=self.allowed_updates,
            ),
            name="Polling:getUpdates",
        )
        try:
            await _first(stop, call)
        finally:
            if not call.done():
                call.cancel()
        if stop.is_set():
            await _abandon(call)  # what it brought, if anything, stays unconfirmed: next start
            return ()
        try:
            updates = call.result()
        except TelegramError as error:
            await _first(stop, within=self._after(error))
            return ()
        self._backoff, self._conflict_since = 0.0, None
        return updates

    def _after(self, error: TelegramError) -> float:
        """How long to wait after a failed getUpdates; raises when waiting cannot help."""
        if isinstance(error, InvalidToken | Forbidden):
            raise CannotReceive(TOKEN_REFUSED.format(error=type(error).__name__)) from error
        if isinstance(error, RetryAfter):
            return (seconds(error, "retry_after") or 1.0) + 0.5
        if isinstance(error, TimedOut):
            return 0.0  # the long poll's read ran out: nothing to wait for
        self._backoff = min(
            self.pace.longest_backoff, self._backoff * 1.5 or self.pace.first_backoff
        )
        if isinstance(error, Conflict):
            now = time.monotonic()
            if self._conflict_since is None:
                self._conflict_since = now
                log.error("polling_conflict error=%s (another copy of the bot?)", error)
            elif now - self._conflict_since > self.pace.conflict_patience:
                raise CannotReceive(CONFLICTED.format(error=error)) from error
        else:
            log.warning("polling_failed error=%s wait=%.1f", error, self._backoff)
        return self._backoff

    def _pause(self, fresh: bool) -> float:
        """Seconds to wait before asking again while updates are unconfirmed."""
        self._quiet = 0 if fresh else min(self._quiet + 1, QUIETER)
        pause = self.pace.recheck * self.confirmations.unconfirmed * (1 << self._quiet)
        return min(self.pace.longest_recheck, pause)

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(
            deal_with(self.application, update), name=f"Polling:update:{update.update_id}"
        )
        self._in_hand.add(task)
        task.add_done_callback(partial(self._finished, update.update_id))

    def _finished(self, update_id: int, task: asyncio.Task[None]) -> None:
        self._in_hand.discard(task)
        if task.cancelled():
            return  # cut off mid-way, as by a kill: left for Telegram to hand over again
        if task.exception() is not None:
            # PTB itself failed (handlers' errors go to the error handler and end there).
            # Confirmed all the same: an update that always fails must not stop every chat.
            log.error("update_crashed update_id=%d", update_id, exc_info=task.exception())
        self.confirmations.finish(update_id)
        if not self.confirmations.unconfirmed:
            self._all_done.set()  # a long poll can begin, and confirm them all

    async def _wind_down(self) -> None:
        """Finish what is in hand, then tell Telegram, so the next start is not handed it."""
        log.info("polling_stopping in_hand=%d", len(self._in_hand))
        while self._in_hand:
            await asyncio.wait(set(self._in_hand))
        offset = self.confirmations.offset
        if offset > self.confirmations.told:
            try:
                await self.application.bot.get_updates(offset=offset, timeout=0, limit=1)
            except TelegramError as error:
                # Harmless: they come again next start, and the journal skips them.
                log.warning("confirm_failed error=%s offset=%d", error, offset)
        log.info("polling_stopped offset=%d", offset)


async def _first(*waits: asyncio.Event | asyncio.Task[Any], within: float | None = None) -> None:
    """Until one of the events is set or one of the tasks is done, or `within` seconds pass."""
    waiters = [
        asyncio.ensure_future(wait.wait()) if isinstance(wait, asyncio.Event) else wait
        for wait in waits
    ]
    try:
        await asyncio.wait(waiters, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter, wait in zip(waiters, waits, strict=True):
            if waiter is not wait:
                waiter.cancel()


async def _abandon(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and let it end, whatever it would have returned or raised."""
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it as lost


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
