"""What the co-ordinator sees of a broadcast, when things go less than smoothly on their side."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcast import Delivery
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Coordinator
from bot.state.outbox import BroadcastProgress
from tests.broadcast_fakes import RecordingCourier, SteppedClock, seed
from tests.test_broadcast_worker import TEN_A_SECOND, enqueue, progress_of, worker


async def test_a_coordinator_who_blocked_the_bot_is_not_written_to_again(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.answer("coordinator", Delivery.unreachable("Forbidden: bot was blocked by the user"))
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    assert courier.calls["coordinator"] == 1  # the progress message; no summary after it
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=2)
    async with sessions() as session:
        coordinator = await session.get_one(Coordinator, seeded.coordinator_id)
        finished = await session.scalar(
            select(Broadcast.finished_at).where(Broadcast.id == broadcast_id)
        )
    assert coordinator.unreachable_at is not None and finished is not None


async def test_a_progress_message_that_cannot_be_edited_is_replaced(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, [f"p{n}" for n in range(1, 71)])
    clock = SteppedClock()
    courier = RecordingCourier(edit_answer=Delivery.failed("message to edit not found"))
    await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock, settings=TEN_A_SECOND).drain()
    shown = [s.text for s in courier.sent if s.address == "coordinator"]
    # The first was deleted by the co-ordinator: a new one took its place, then the summary.
    assert len(courier.edits) >= 1 and len(shown) >= 3
    assert shown[0].startswith("Sending") and shown[1].startswith("Sending")
    assert "70 of 70 partners have it" in shown[-1]


async def test_a_broadcast_nobody_asked_to_follow_finishes_quietly(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1"])
    clock = SteppedClock()
    courier = RecordingCourier()
    broadcast_id = await enqueue(sessions, seeded, clock)
    async with sessions() as session, session.begin():
        coordinator = await session.get_one(Coordinator, seeded.coordinator_id)
        await session.delete(coordinator)  # they left; the broadcast goes on without them
    await worker(sessions, courier, clock).drain()
    assert [s.address for s in courier.sent] == ["p1"]
    async with sessions() as session:
        broadcast = await session.get_one(Broadcast, broadcast_id)
    assert broadcast.finished_at is not None
