"""Exactly once across crashes, restarts and a second worker: the worker is cancelled mid-send
(as near to kill -9 as one process allows), and a new one picks up from the database alone."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from bot.broadcast import BroadcastWorker, Delivery
from bot.dialogues.replies import Reply
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, OutboxMessage
from bot.state.outbox import BroadcastProgress, enqueue_alert, resend_uncertain
from tests.broadcast_fakes import RecordingCourier, SteppedClock, seed
from tests.test_broadcast_worker import QUICK, enqueue, progress_of, worker


async def killed(run: BroadcastWorker, courier: RecordingCourier, hanging: int) -> None:
    """Run `run` until `hanging` sends hang, then cancel it as a kill would stop it."""
    task = asyncio.create_task(run.run(asyncio.Event()))
    await courier.until_hanging(hanging)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_worker_killed_mid_send_leaves_nobody_with_two_copies(
    sessions: SessionFactory,
) -> None:
    addresses = [f"p{n}" for n in range(1, 41)]
    seeded = await seed(sessions, addresses)
    clock = SteppedClock()
    courier = RecordingCourier()
    # p20's message reached the person but the answer never came back; p21's never left.
    courier.hang_after, courier.hang_before = {"p20"}, {"p21"}
    broadcast_id = await enqueue(sessions, seeded, clock)
    await killed(worker(sessions, courier, clock), courier, hanging=2)

    clock.advance(QUICK.lease.total_seconds() + 1)  # the restart comes after the lease ran out
    courier.hang_after, courier.hang_before = set(), set()
    await worker(sessions, courier, clock).drain()

    copies = Counter(s.address for s in courier.sent if s.address != "coordinator")
    assert max(copies.values()) == 1  # nobody twice
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage.partner_id, OutboxMessage.status))).all()
    address_of = dict(zip(seeded.partner_ids, addresses, strict=True))
    status = {address_of[p]: s for p, s in rows if p is not None}
    assert status["p20"] == status["p21"] == "uncertain"
    assert copies["p20"] == 1 and copies["p21"] == 0  # what the summary calls "may not have it"
    # Everyone not in doubt has it exactly once; only those in doubt may have missed it.
    assert all(copies[a] == 1 for a, s in status.items() if s != "uncertain")
    assert {a for a in addresses if not copies[a]} <= {a for a, s in status.items() if s != "sent"}
    progress = await progress_of(sessions, broadcast_id)
    assert progress.waiting == 0 and progress.sent + progress.uncertain == 40
    assert f"For {progress.uncertain}, sending was cut off" in courier.sent[-1].text


async def test_an_alert_cut_off_mid_send_is_sent_again(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, [])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.hang_before = {"coordinator"}
    async with sessions() as session, session.begin():
        await enqueue_alert(
            session,
            organisation_id=seeded.organisation_id,
            coordinator_ids=[seeded.coordinator_id],
            reply=Reply("Someone may need help."),
            now=clock.now(),
        )
    await killed(worker(sessions, courier, clock), courier, hanging=1)
    clock.advance(QUICK.lease.total_seconds() + 1)
    courier.hang_before = set()
    await worker(sessions, courier, clock).drain()
    assert [s.text for s in courier.sent] == ["Someone may need help."]


async def test_a_stopped_worker_finishes_what_it_started(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, [f"p{n}" for n in range(1, 31)])
    clock = SteppedClock()
    courier = RecordingCourier()
    broadcast_id = await enqueue(sessions, seeded, clock)
    stop = asyncio.Event()

    class StopsHalfway(RecordingCourier):
        async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
            if address == "p15":
                stop.set()  # SIGTERM arrives while messages are on their way
            return await courier.send(transport, address, reply)

    await worker(sessions, StopsHalfway(), clock).run(stop)
    async with sessions() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses <= {"sent", "pending"}  # nothing left sending, nothing in doubt
    await worker(sessions, courier, clock).drain()
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=30)


async def test_a_scheduled_reminder_survives_a_restart(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, ["p1", "p2", "p3"])
    friday = SteppedClock(datetime(2026, 1, 9, 15, 0, tzinfo=UTC))
    monday_nine = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    courier = RecordingCourier()
    broadcast_id = await enqueue(
        sessions, seeded, friday, kind="reminder", scheduled_for=monday_nine
    )
    await worker(sessions, courier, friday).drain()  # this worker then stops for the weekend
    assert courier.sent == []

    monday = SteppedClock(monday_nine)
    await worker(sessions, courier, monday).drain()  # a new process, knowing only the database
    assert sorted(s.address for s in courier.sent if s.address != "coordinator") == [
        "p1",
        "p2",
        "p3",
    ]
    async with sessions() as session:
        broadcast = await session.get_one(Broadcast, broadcast_id)
    assert broadcast.finished_at is not None and broadcast.finished_at >= monday_nine


async def test_two_workers_on_one_database_never_send_the_same_message(
    sessions: SessionFactory, database_url: str
) -> None:
    addresses = [f"p{n}" for n in range(1, 61)]
    seeded = await seed(sessions, addresses)
    clock = SteppedClock()
    courier = RecordingCourier()
    broadcast_id = await enqueue(sessions, seeded, clock)
    first, second = worker(sessions, courier, clock), worker(sessions, courier, clock)
    await asyncio.gather(first.drain(), second.drain())

    copies = Counter(s.address for s in courier.sent)
    assert all(copies[address] == 1 for address in addresses)
    assert copies["coordinator"] == 2  # one progress message and one summary, not two of each
    assert first.stats.sent + second.stats.sent == 60
    if database_url.startswith("postgresql"):
        # Both did share the work (SQLite's single writer may let one take nearly all).
        assert first.stats.sent > 5 and second.stats.sent > 5
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=60)


async def test_the_coordinator_can_send_again_to_those_in_doubt(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.hang_before = {"p2"}
    broadcast_id = await enqueue(sessions, seeded, clock)
    one_at_a_time = replace(QUICK, in_flight=1)  # p1 is answered before p2 is claimed
    await killed(worker(sessions, courier, clock, one_at_a_time), courier, hanging=1)
    clock.advance(QUICK.lease.total_seconds() + 1)
    courier.hang_before = set()
    await worker(sessions, courier, clock).drain()
    assert (await progress_of(sessions, broadcast_id)).uncertain == 1

    async with sessions() as session, session.begin():
        assert await resend_uncertain(session, broadcast_id, now=clock.now()) == 1
    await worker(sessions, courier, clock).drain()
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=2)
    assert [s.address for s in courier.sent if s.address != "coordinator"] == ["p1", "p2"]
    assert "2 of 2 partners have it" in courier.sent[-1].text
