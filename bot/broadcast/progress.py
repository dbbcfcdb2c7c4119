"""The co-ordinator's view of a broadcast: one message edited in place as it goes, a summary
when it is done.

The progress message is sent before the broadcast's first messages go where the worker can
manage it (it reports whenever it picks up work after being idle) and within a few seconds
otherwise; it is then edited at most every `every` seconds, and only when the counts moved.
Two workers agree through the database: the progress message is claimed (an empty id) before
it is sent, and the summary by setting `finished_at` before it is sent, so each is sent once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import select, update

from bot.broadcast.courier import Courier, Delivery, Outcome
from bot.broadcast.pace import Clock, Pace
from bot.broadcast.transactions import Transactions
from bot.content import Messages
from bot.dialogues.replies import Reply
from bot.state.models import Broadcast, Coordinator
from bot.state.outbox import BroadcastProgress, broadcast_progress
from bot.state.outbox_claims import chat_key, mark_coordinator_unreachable

log = logging.getLogger(__name__)
CLAIMED = ""  # progress_message while one worker sends it (or after it could not be)


class ProgressWords(Protocol):
    def progress(self, kind: str, progress: BroadcastProgress) -> str: ...

    def summary(self, kind: str, progress: BroadcastProgress) -> str: ...


class MessageWords:
    """The co-ordinator's progress and summary, worded in content/messages like everything else."""

    def __init__(self, messages: Messages) -> None:
        self.messages = messages

    def progress(self, kind: str, progress: BroadcastProgress) -> str:
        lines = [
            self.messages.text(
                "broadcast.progress.finished"
                if progress.finished
                else "broadcast.progress.sending",
                kind=self._kind(kind),
            ),
            self.messages.text(
                "broadcast.progress.counts",
                sent=progress.sent,
                waiting=progress.waiting,
                unreachable=progress.unreachable,
            ),
        ]
        if progress.uncertain:
            lines.append(
                self.messages.text("broadcast.progress.uncertain", count=progress.uncertain)
            )
        if progress.failed:
            lines.append(self.messages.text("broadcast.progress.failed", count=progress.failed))
        return "\n".join(lines)

    def summary(self, kind: str, progress: BroadcastProgress) -> str:
        if not progress.total:
            return self.messages.text("broadcast.summary.nobody", kind=self._kind(kind))
        parts = [
            self.messages.text(
                "broadcast.summary.sent",
                kind=self._kind(kind),
                sent=progress.sent,
                total=progress.total,
            )
        ]
        if progress.unreachable:
            parts.append(
                self.messages.text("broadcast.summary.unreachable", count=progress.unreachable)
            )
        if progress.uncertain:
            parts.append(
                self.messages.text("broadcast.summary.uncertain", count=progress.uncertain)
            )
        if progress.failed:
            parts.append(self.messages.text("broadcast.summary.failed", count=progress.failed))
        return " ".join(parts)

    def _kind(self, kind: str) -> str:
        if kind == "prompt":
            return self.messages.text("broadcast.kinds.prompt")
        if kind == "reminder":
            return self.messages.text("broadcast.kinds.reminder")
        return kind


class Reporter:
    def __init__(
        self,
        transaction: Transactions,
        courier: Courier,
        pace: Pace,
        clock: Clock,
        words: ProgressWords,
        every: float,
    ) -> None:
        self.transaction = transaction
        self.courier = courier
        self.pace = pace
        self.clock = clock
        self.words = words
        self.every = every
        self._shown: dict[int, tuple[BroadcastProgress, float]] = {}  # and when (monotonic)

    async def report(self) -> None:
        """Every broadcast under way: start its progress message, edit it, or finish it."""
        async with self.transaction() as session:
            rows = (
                await session.execute(
                    select(Broadcast, Coordinator)
                    .outerjoin(Coordinator, Coordinator.id == Broadcast.coordinator_id)
                    .where(
                        Broadcast.finished_at.is_(None),
                        Broadcast.scheduled_for <= self.clock.now(),
                    )
                    .order_by(Broadcast.id)
                )
            ).all()
            under_way = [(b, c, await broadcast_progress(session, b.id)) for b, c in rows]
        for broadcast, coordinator, progress in under_way:
            if not progress.started:
                continue  # scheduled, and not yet addressed: the worker does that first
            reachable = coordinator if coordinator and coordinator.unreachable_at is None else None
            if progress.finished:
                await self._finish(broadcast, reachable, progress)
            elif reachable is not None:
                await self._show(broadcast, reachable, progress)

    async def _show(
        self, broadcast: Broadcast, coordinator: Coordinator, progress: BroadcastProgress
    ) -> None:
        text = self.words.progress(broadcast.kind, progress)
        if broadcast.progress_message is None:
            if not await self._set_message(broadcast.id, CLAIMED, only_if_none=True):
                return  # another worker is sending it
            delivery = await self._send(coordinator, Reply(text))
            if delivery.outcome is Outcome.SENT:
                await self._set_message(broadcast.id, delivery.message_id)
                self._shown[broadcast.id] = (progress, self.clock.monotonic())
            elif delivery.outcome is Outcome.RETRY_AFTER or delivery.transient:
                await self._set_message(broadcast.id, None)  # try again at the next report
            return
        if broadcast.progress_message == CLAIMED:
            return
        shown = self._shown.get(broadcast.id)
        if shown and (shown[0] == progress or self.clock.monotonic() - shown[1] < self.every):
            return
        await self._edit(broadcast, coordinator, text)
        self._shown[broadcast.id] = (progress, self.clock.monotonic())

    async def _finish(
        self, broadcast: Broadcast, coordinator: Coordinator | None, progress: BroadcastProgress
    ) -> None:
        # Finished first, then told: a crash in between loses the summary rather than sending
        # it twice, and of two workers only the one that set finished_at sends it.
        async with self.transaction() as session:
            won = await session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast.id, Broadcast.finished_at.is_(None))
                .values(finished_at=self.clock.now())
            )
        if not won.rowcount:  # type: ignore[attr-defined]
            return
        self._shown.pop(broadcast.id, None)
        log.info(
            "broadcast_finished id=%d sent=%d unreachable=%d uncertain=%d failed=%d",
            broadcast.id,
            progress.sent,
            progress.unreachable,
            progress.uncertain,
            progress.failed,
        )
        if coordinator is None:
            return
        if broadcast.progress_message:
            await self._edit(broadcast, coordinator, self.words.progress(broadcast.kind, progress))
        await self._send(coordinator, Reply(self.words.summary(broadcast.kind, progress)))

    async def _send(self, coordinator: Coordinator, reply: Reply) -> Delivery:
        chat = chat_key(coordinator.transport, coordinator.address)
        await self.pace.ready(chat)
        self.pace.take(chat)
        delivery = await self.courier.send(coordinator.transport, coordinator.address, reply)
        await self._unless_unreachable(coordinator, delivery)
        return delivery

    async def _edit(self, broadcast: Broadcast, coordinator: Coordinator, text: str) -> None:
        assert broadcast.progress_message
        chat = chat_key(coordinator.transport, coordinator.address)
        await self.pace.ready(chat)
        self.pace.take(chat)
        delivery = await self.courier.edit(
            coordinator.transport, coordinator.address, broadcast.progress_message, Reply(text)
        )
        await self._unless_unreachable(coordinator, delivery)
        if delivery.outcome is Outcome.FAILED and not delivery.transient:
            # Deleted, or too old to edit: a new progress message takes its place.
            await self._set_message(broadcast.id, None)

    async def _unless_unreachable(self, coordinator: Coordinator, delivery: Delivery) -> None:
        if delivery.outcome is Outcome.RETRY_AFTER:
            self.pace.hold(delivery.seconds)
        if delivery.outcome is not Outcome.UNREACHABLE:
            return
        async with self.transaction() as session:
            await mark_coordinator_unreachable(session, coordinator.id, now=self.clock.now())

    async def _set_message(
        self, broadcast_id: int, message_id: str | None, *, only_if_none: bool = False
    ) -> bool:
        query = update(Broadcast).where(Broadcast.id == broadcast_id)
        if only_if_none:
            query = query.where(Broadcast.progress_message.is_(None))
        async with self.transaction() as session:
            result = await session.execute(query.values(progress_message=message_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]
