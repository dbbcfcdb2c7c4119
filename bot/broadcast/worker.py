"""The broadcast worker: takes due messages from the outbox and sends them, paced, once each.

One loop claims what may go now (as many messages as it has tokens and free slots for) and
hands each to a task that sends it and records the answer; up to `in_flight` sends are under
way at once, so Telegram's answer time does not cap the rate. Between claims it keeps the
co-ordinators' progress messages up to date, and addresses the scheduled sends that have fallen
due (`outbox_schedule.release_due`: to whoever is in their audience by then).

Exactly once, and where it is not: a message is marked sending (committed) immediately before
its request and sent (committed) as soon as the answer comes. A worker killed between the two
leaves a row whose fate nobody can know: Telegram has no idempotency key. When its lease ends,
a broadcast row becomes *uncertain* and is not sent again; an alert is sent again (see
`outbox_claims.recover_expired`). So a kill -9 costs at most `in_flight` messages, each
delivered once or not at all, never twice, and each counted in the co-ordinator's summary;
everyone else gets the message exactly once. Most rows left in doubt did arrive (a request is
out long before its answer is back), which is why sending them again would mostly make
doubles. A stop (`run`'s event) lets the sends in flight finish: nothing is left in doubt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast.courier import Courier, Delivery, Outcome
from bot.broadcast.pace import Clock, Pace, SystemClock
from bot.broadcast.progress import MessageWords, ProgressWords, Reporter
from bot.broadcast.transactions import Transactions
from bot.content import default_content
from bot.dialogues.prompts import prompt_delivered
from bot.state import outbox_claims as claims
from bot.state import outbox_schedule
from bot.state.database import SessionFactory
from bot.state.outbox import ALERT
from bot.state.outbox_claims import Claimed

log = logging.getLogger(__name__)
PromptHook = Callable[[AsyncSession, int, int], Awaitable[None]]
RECORD_ATTEMPTS = 3  # a database hiccup after a send should not turn it into an uncertain one
# Answers recorded in one transaction at most: on SQLite the next claim waits for it.
RECORD_BATCH = 8
SHORTEST_WAIT = 0.01  # seconds: due work that could not be claimed (locked by another worker)
ALERTS_EVERY = 1.0  # seconds between looks for alerts ahead of a broadcast's queue (one query)
RELEASE_EVERY = 1.0  # seconds between looks for scheduled sends now due, while busy sending


@dataclass(frozen=True)
class WorkerSettings:
    overall_per_second: float = 30.0  # Telegram's limit, shared among workers on one token
    per_chat_per_second: float = 1.0
    in_flight: int = 16  # sends under way at once: 30/s needs ~10 with 0.3 s answers
    lease: timedelta = timedelta(minutes=2)  # longer than any one send can take
    poll_every: float = 2.0  # seconds between looks when idle: another process may enqueue
    progress_every: float = 3.0  # seconds between edits of a progress message
    recover_every: float = 30.0  # seconds between looks for rows a dead worker left sending
    attempts: int = 6  # for a transient failure (5xx, network): then the message has failed
    first_wait: float = 5.0  # seconds before the second attempt, doubling after
    longest_wait: float = 600.0

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.longest_wait, self.first_wait * 2 ** (attempts - 1)))


@dataclass
class WorkerStats:
    sent: int = 0
    rate_limited: int = 0  # 429s Telegram answered: the pacing should keep this at 0
    unreachable: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0


class BroadcastWorker:
    def __init__(
        self,
        sessions: SessionFactory,
        courier: Courier,
        clock: Clock | None = None,
        *,
        settings: WorkerSettings | None = None,
        words: ProgressWords | None = None,
        on_prompt_delivered: PromptHook = prompt_delivered,
    ) -> None:
        self.courier = courier
        self.clock = clock or SystemClock()
        self.settings = settings or WorkerSettings()
        self.transaction = Transactions(sessions)
        self.pace = Pace(
            self.clock, self.settings.overall_per_second, self.settings.per_chat_per_second
        )
        self.reporter = Reporter(
            self.transaction,
            courier,
            self.pace,
            self.clock,
            words or MessageWords(default_content().messages),
            self.settings.progress_every,
        )
        self.on_prompt_delivered = on_prompt_delivered
        self.stats = WorkerStats()
        self._in_flight: set[int] = set()  # outbox ids this worker is sending now
        self._slot_freed = asyncio.Event()
        self._to_record: list[tuple[Claimed, Delivery]] = []
        self._recording = asyncio.Lock()
        self._wake = asyncio.Event()
        self._next_report = float("-inf")
        self._next_recovery = float("-inf")
        self._next_alert_look = float("-inf")
        self._next_release = float("-inf")

    def nudge(self) -> None:
        """Look for work now (something was just enqueued in this process)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set, then let the sends in flight finish."""
        async with asyncio.TaskGroup() as sends:
            sends.create_task(self._wake_when(stop))
            idle = True
            while not stop.is_set():
                try:
                    await self._look_around(report_now=idle)
                    idle = not await self._dispatch(sends)
                    if idle:
                        await self._wait_for_work()
                except Exception:  # the database away, or a bug: never the end of sending
                    log.exception("broadcast_worker_error")
                    await self.clock.wait(self._wake, self.settings.poll_every)
                    self._wake.clear()

    async def drain(self) -> None:
        """Send everything due now, wait for every answer, report; for tests and one-off runs."""
        async with asyncio.TaskGroup() as sends:
            await self._look_around(report_now=True)
            while await self._dispatch(sends):
                await self._look_around(report_now=False)
        await self._look_around(report_now=True)

    async def _wake_when(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wake.set()

    async def _look_around(self, *, report_now: bool) -> None:
        now = self.clock.monotonic()
        if now >= self._next_recovery:
            self._next_recovery = now + self.settings.recover_every
            async with self.transaction() as session:
                judged, again = await claims.recover_expired(
                    session, now=self.clock.now(), ours=self._in_flight
                )
            if judged or again:
                log.warning("broadcast_recovered uncertain=%d sent_again=%d", judged, again)
        # Before the report: a send just addressed is reported as starting, not as empty.
        if report_now or now >= self._next_release:
            self._next_release = now + RELEASE_EVERY
            async with self.transaction() as session:
                released = await outbox_schedule.release_due(session, now=self.clock.now())
            for one in released:
                log.info(
                    "broadcast_released id=%d kind=%s partners=%d spaced=%d",
                    one.broadcast_id,
                    one.kind,
                    one.partners,
                    one.spaced,
                )
        if report_now or now >= self._next_report:
            self._next_report = now + self.settings.progress_every
            await self.reporter.report()

    async def _dispatch(self, sends: asyncio.TaskGroup) -> bool:
        """Claim what may go now and start sending it; False when nothing is due."""
        # A free slot and a token first, the claim after: from its claim on, a crash would
        # leave a row uncertain, so a claimed row must not wait for anything.
        while len(self._in_flight) >= self.settings.in_flight:
            self._slot_freed.clear()
            await self._slot_freed.wait()
        await self.pace.ready()
        room = min(self.pace.available(), self.settings.in_flight - len(self._in_flight))
        alerts_first = self.clock.monotonic() >= self._next_alert_look
        if alerts_first:
            self._next_alert_look = self.clock.monotonic() + ALERTS_EVERY
        async with self.transaction() as session:
            batch = await claims.claim_due(
                session,
                now=self.clock.now(),
                lease=self.settings.lease,
                limit=max(1, room),
                chat_wait=self.pace.chat_wait,
                alerts_first=alerts_first,
            )
        for claimed in batch:
            self.pace.take(claimed.chat)
            self._in_flight.add(claimed.id)
            sends.create_task(self._deliver(claimed))
        return bool(batch)

    async def _wait_for_work(self) -> None:
        async with self.transaction() as session:
            due = await claims.next_due(session)
        wait = self.settings.poll_every
        if due is not None:
            wait = min(wait, max(SHORTEST_WAIT, (due - self.clock.now()).total_seconds()))
        await self.clock.wait(self._wake, wait)
        self._wake.clear()

    async def _deliver(self, claimed: Claimed) -> None:
        try:
            try:
                delivery = await self.courier.send(
                    claimed.transport, claimed.address, claimed.reply
                )
            except Exception as error:  # an unmapped failure: whether it arrived is unknown
                log.exception("broadcast_send_error outbox=%d", claimed.id)
                delivery = Delivery.uncertain(f"{type(error).__name__}: {error}")
            if delivery.outcome is Outcome.RETRY_AFTER:
                self.pace.hold(delivery.seconds)
            await self._record(claimed, delivery)
        finally:
            self._in_flight.discard(claimed.id)
            self._slot_freed.set()

    async def _record(self, claimed: Claimed, delivery: Delivery) -> None:
        """Record the answer, with any others that came meanwhile, in one transaction."""
        self._to_record.append((claimed, delivery))
        async with self._recording:
            if not self._to_record:
                return  # the transactions before this one took ours along
            batch = self._to_record[:RECORD_BATCH]
            del self._to_record[:RECORD_BATCH]
            await self._write(batch)

    async def _write(self, batch: list[tuple[Claimed, Delivery]]) -> None:
        careful = False
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                async with self.transaction() as session:
                    verdicts = [await self._settle(session, c, d, careful) for c, d in batch]
            except (SQLAlchemyError, OSError):
                log.warning("broadcast_record_retry size=%d attempt=%d", len(batch), attempt)
                await self.clock.sleep(0.5 * attempt)
                continue
            except Exception:
                # The partner's side of a prompt failed: again, each in a savepoint of its own.
                log.exception("prompt_delivered_failed size=%d", len(batch))
                careful = True
                continue
            for verdict in verdicts:
                setattr(self.stats, verdict, getattr(self.stats, verdict) + 1)
            return
        # Left sending: when their lease ends they are judged as a crash's (recover_expired).
        log.error("broadcast_record_failed size=%d", len(batch))

    async def _settle(
        self, session: AsyncSession, claimed: Claimed, delivery: Delivery, careful: bool
    ) -> str:
        """Record one answer; returns which WorkerStats it counts in."""
        now = self.clock.now()
        settings = self.settings
        outcome = delivery.outcome
        if outcome is Outcome.SENT:
            if await claims.mark_sent(session, claimed, now=now):
                await self._prompt_delivered(session, claimed, careful)
            return "sent"
        if outcome is Outcome.RETRY_AFTER:
            not_before = now + timedelta(seconds=delivery.seconds)
            await claims.put_back(
                session,
                claimed,
                not_before=not_before,
                reason=delivery.reason,
                counts_as_attempt=False,
            )
            return "rate_limited"
        if outcome is Outcome.UNREACHABLE:
            await claims.mark_unreachable(session, claimed, now=now, reason=delivery.reason)
            return "unreachable"
        if outcome is Outcome.UNCERTAIN and claimed.purpose != ALERT:
            await claims.mark_uncertain(session, claimed, reason=delivery.reason)
            return "uncertain"
        if (delivery.transient or outcome is Outcome.UNCERTAIN) and (
            claimed.attempts < settings.attempts
        ):
            # Not delivered, or an alert that may not have been: again, after a pause.
            not_before = now + settings.backoff(claimed.attempts)
            await claims.put_back(session, claimed, not_before=not_before, reason=delivery.reason)
            return "retried"
        log.warning("broadcast_failed outbox=%d reason=%s", claimed.id, delivery.reason)
        await claims.mark_failed(session, claimed, reason=delivery.reason)
        return "failed"

    async def _prompt_delivered(
        self, session: AsyncSession, claimed: Claimed, careful: bool
    ) -> None:
        if claimed.purpose != "prompt" or claimed.prompt_id is None or claimed.partner_id is None:
            return
        if not careful:
            await self.on_prompt_delivered(session, claimed.partner_id, claimed.prompt_id)
            return
        try:
            async with session.begin_nested():  # its failure must not undo the record
                await self.on_prompt_delivered(session, claimed.partner_id, claimed.prompt_id)
        except Exception:
            log.exception("prompt_delivered_failed outbox=%d", claimed.id)
