"""The broadcast worker against a recording courier: who gets what, when, and what Telegram's
answers (429, 403, 5xx) do to it. Time is a stepped clock: no test sleeps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.broadcast import BroadcastWorker, Delivery, WorkerSettings
from bot.dialogues.replies import Button, Reply
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Coordinator, Organisation, OutboxMessage, Partner
from bot.state.outbox import BroadcastProgress, broadcast_progress, enqueue_alert, enqueue_broadcast
from bot.state.partners import erase_partner
from tests.broadcast_fakes import RecordingCourier, Seeded, SteppedClock, seed

PROMPT = Reply("What helped this week?", ((Button("Reply", "g:reply:1"),),))
QUICK = WorkerSettings(first_wait=5.0, attempts=3)
TEN_A_SECOND = WorkerSettings(overall_per_second=10)  # fewer messages fill the same seconds


async def enqueue(
    sessions: SessionFactory,
    seeded: Seeded,
    clock: SteppedClock,
    *,
    kind: str = "prompt",
    partner_ids: Sequence[int] | None = None,
    scheduled_for: datetime | None = None,
) -> int:
    async with sessions() as session, session.begin():
        organisation = await session.get_one(Organisation, seeded.organisation_id)
        broadcast = await enqueue_broadcast(
            session,
            organisation=organisation,
            round_id=seeded.round_id,
            kind=kind,
            coordinator_id=seeded.coordinator_id,
            partner_ids=seeded.partner_ids if partner_ids is None else partner_ids,
            reply=PROMPT,
            prompt_id=seeded.prompt_id if kind == "prompt" else None,
            scheduled_for=scheduled_for,
            now=clock.now(),
        )
    return broadcast.id


async def progress_of(sessions: SessionFactory, broadcast_id: int) -> BroadcastProgress:
    async with sessions() as session:
        return await broadcast_progress(session, broadcast_id)


def worker(
    sessions: SessionFactory,
    courier: RecordingCourier,
    clock: SteppedClock,
    settings: WorkerSettings = QUICK,
    hook: list[tuple[int, int]] | None = None,
) -> BroadcastWorker:
    async def delivered(_: object, partner_id: int, prompt_id: int) -> None:
        if hook is not None:
            hook.append((partner_id, prompt_id))

    return BroadcastWorker(
        sessions, courier, clock, settings=settings, on_prompt_delivered=delivered
    )


async def test_each_partner_gets_the_prompt_once_and_the_coordinator_sees_it_go(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, [f"p{n}" for n in range(1, 61)])
    clock = SteppedClock()
    courier, delivered = RecordingCourier(clock=clock), list[tuple[int, int]]()
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock, hook=delivered).drain()

    to_partners = [s for s in courier.sent if s.address != "coordinator"]
    assert sorted(s.address for s in to_partners) == sorted(seeded.addresses)
    assert {(s.text, s.buttons) for s in to_partners} == {(PROMPT.text, (("g:reply:1",),))}
    assert sorted(delivered) == sorted((p, seeded.prompt_id) for p in seeded.partner_ids)
    # The progress message first, edited as it went, then a summary.
    assert courier.sent[0].address == "coordinator" and "Sending" in courier.sent[0].text
    assert courier.edits and "Sent: 60" in courier.edits[-1][2]
    assert courier.sent[-1].address == "coordinator"
    assert "60 of 60 partners have it" in courier.sent[-1].text
    async with sessions() as session:
        broadcast = await session.get_one(Broadcast, broadcast_id)
    assert broadcast.finished_at is not None and broadcast.progress_message == "1"
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=60)


async def test_the_pace_stays_within_telegrams_limits(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, [f"p{n}" for n in range(1, 46)])
    clock = SteppedClock()
    courier = RecordingCourier(clock=clock)
    await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    times = [s.at for s in courier.sent if s.address != "coordinator"]
    # 30 a second, with a burst of at most 3 to catch up on the moments claims take: so never
    # more than 32 in any one second, and 45 messages take at least (45 - 3) / 30 s.
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[32:], strict=False))
    assert times[-1] - times[0] >= (45 - 3) / 30


async def test_a_broadcast_enqueued_in_quiet_hours_waits_for_the_morning(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock(datetime(2026, 1, 6, 21, 30, tzinfo=UTC))  # 21:30 in London
    courier = RecordingCourier()
    await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    assert courier.sent == []
    clock.advance((datetime(2026, 1, 7, 8, 0, tzinfo=UTC) - clock.now()).total_seconds())
    await worker(sessions, courier, clock).drain()
    assert sorted(s.address for s in courier.sent if s.address != "coordinator") == ["p1", "p2"]


async def test_a_broadcast_running_into_quiet_hours_stops_until_they_end(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock(datetime(2026, 1, 6, 19, 59, 59, tzinfo=UTC))
    courier = RecordingCourier()
    courier.answer("p2", Delivery.failed("502 Bad Gateway", transient=True))
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    clock.advance(QUICK.first_wait)  # the retry falls at 20:00:04, inside quiet hours
    await worker(sessions, courier, clock).drain()
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.status == "pending"))
    assert row is not None and row.not_before == datetime(2026, 1, 7, 8, 0, tzinfo=UTC)
    assert (await progress_of(sessions, broadcast_id)).waiting == 1


async def test_a_429_is_obeyed_and_counted(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, ["p1", "p2", "p3"])
    clock = SteppedClock()
    courier = RecordingCourier(clock=clock)
    courier.answer("p1", Delivery.retry_after(7))
    await enqueue(sessions, seeded, clock)
    refused_at = clock.monotonic()
    one_at_a_time = WorkerSettings(in_flight=1)
    flood = worker(sessions, courier, clock, settings=one_at_a_time)
    await flood.drain()
    assert flood.stats.rate_limited == 1
    went = {s.address: s.at for s in courier.sent}
    # Not only the one refused: everything after the 429 waited its seven seconds.
    assert min(went["p1"], went["p2"], went["p3"]) >= refused_at + 7
    async with sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.partner_id == seeded.partner_ids[0])
        )
    assert row is not None and row.status == "sent"
    assert row.attempts == 1  # a flood wait is not the message's fault


async def test_a_partner_who_blocked_the_bot_is_marked_unreachable(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.answer("p1", Delivery.unreachable("Forbidden: bot was blocked by the user"))
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    assert courier.calls["p1"] == 1
    async with sessions() as session:
        partner = await session.get_one(Partner, seeded.partner_ids[0])
        assert partner.unreachable_at is not None
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=1, unreachable=1)
    assert "1 could not be reached" in courier.sent[-1].text


async def test_a_coordinator_who_blocked_the_bot_is_marked_unreachable(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, [])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.answer("coordinator", Delivery.unreachable("Forbidden: bot was blocked by the user"))
    async with sessions() as session, session.begin():
        await enqueue_alert(
            session,
            organisation_id=seeded.organisation_id,
            coordinator_ids=[seeded.coordinator_id],
            reply=Reply("Someone may need help."),
            now=clock.now(),
        )
    await worker(sessions, courier, clock).drain()
    async with sessions() as session:
        coordinator = await session.get_one(Coordinator, seeded.coordinator_id)
        row = await session.scalar(select(OutboxMessage))
    assert coordinator.unreachable_at is not None and row is not None
    assert row.status == "unreachable"


async def test_server_errors_are_tried_again_later_a_bounded_number_of_times(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock()
    courier = RecordingCourier()
    unwell = Delivery.failed("Internal Server Error (500)", transient=True)
    courier.answer("p1", unwell, unwell)  # then it goes
    courier.answer("p2", unwell, unwell, unwell)  # QUICK allows three attempts
    broadcast_id = await enqueue(sessions, seeded, clock)
    sender = worker(sessions, courier, clock)
    await sender.drain()
    waits = []
    for attempts in (1, 2):
        async with sessions() as session:
            rows = (await session.scalars(select(OutboxMessage))).all()
        assert [(r.status, r.attempts) for r in rows] == [("pending", attempts)] * 2
        due = min(row.not_before for row in rows)
        waits.append(due)
        clock.advance((due - clock.now()).total_seconds() - 0.01)
        await sender.drain()  # not yet
        assert courier.calls["p1"] == courier.calls["p2"] == attempts
        clock.advance(0.01)
        await sender.drain()
    assert courier.calls["p1"] == courier.calls["p2"] == 3
    # Waits of 5 s, then 10 s (plus the moments the sends themselves took).
    assert (waits[1] - waits[0]).total_seconds() >= QUICK.first_wait * 2
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=1, failed=1)
    assert sender.stats.retried == 4 and sender.stats.failed == 1


def test_backoff_doubles_up_to_a_limit() -> None:
    settings = WorkerSettings(first_wait=5, longest_wait=30)
    assert [settings.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 30, 30]


async def test_a_refusal_is_not_tried_again(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, ["p1"])
    clock = SteppedClock()
    courier = RecordingCourier()
    courier.answer("p1", Delivery.failed("Bad Request: can't parse entities"))
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(failed=1)


async def test_alerts_go_before_the_rest_of_a_broadcast_and_one_a_second_per_chat(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, [f"p{n}" for n in range(1, 31)])
    clock = SteppedClock()
    courier = RecordingCourier(clock=clock)
    broadcast_id = await enqueue(sessions, seeded, clock)
    async with sessions() as session, session.begin():
        for words in ("First alert", "Second alert"):
            await enqueue_alert(
                session,
                organisation_id=seeded.organisation_id,
                coordinator_ids=[seeded.coordinator_id],
                reply=Reply(words),
                now=clock.now() + timedelta(seconds=0.5),
            )
    await worker(sessions, courier, clock, settings=TEN_A_SECOND).drain()
    order = [s.text for s in courier.sent]
    alerts = [s for s in courier.sent if "alert" in s.text]
    # Due half a second after the broadcast began; the worker looks for alerts each second,
    # so the first goes about 10 messages in, and the second a second after it.
    assert order.index("First alert") < 13 and order.index("Second alert") < 25
    assert alerts[1].at - alerts[0].at >= 1.0
    assert (await progress_of(sessions, broadcast_id)).sent == 30


async def test_a_partner_who_forgets_mid_broadcast_is_simply_gone(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["p1", "p2"])
    clock = SteppedClock()

    class Forgetting(RecordingCourier):
        async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
            if address == "p1":  # /forget lands while their message is on its way
                async with sessions() as session, session.begin():
                    await erase_partner(
                        session, await session.get_one(Partner, seeded.partner_ids[0])
                    )
            return await super().send(transport, address, reply)

    courier = Forgetting()
    broadcast_id = await enqueue(sessions, seeded, clock)
    await worker(sessions, courier, clock).drain()
    assert await progress_of(sessions, broadcast_id) == BroadcastProgress(sent=1)
    assert "1 of 1 partners" in courier.sent[-1].text
