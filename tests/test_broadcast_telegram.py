"""End to end: a prompt to 300 partners over HTTP to the fake Bot API, through the real PTB
Bot and the Telegram courier; the worker is killed halfway and a new one finishes the job.

Time is the fake's `ManualClock`, shared with the worker, so Telegram's flood control (the
published limits, no slack) judges the worker's pace in the same seconds the worker keeps;
the run takes a few seconds of wall time for ten of Telegram's.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.broadcast import BroadcastWorker, Courier, Delivery, WorkerSettings
from bot.dialogues.replies import Button, Reply
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Organisation
from bot.state.outbox import BroadcastProgress, broadcast_progress, enqueue_broadcast
from bot.telegram.courier import TelegramCourier
from tests.broadcast_fakes import WORKING_HOURS, SteppedClock, seed
from tests.fake_bot_api import FakeBotApi, Limits, ManualClock

PARTNERS = 300
SETTINGS = WorkerSettings()
PROMPT_TEXT = "What is one thing that helped you feel listened to this term?"


@dataclass
class DiesMidSend:
    """A courier whose process dies once `after` messages have gone: each send after that
    reaches Telegram, but its answer never comes back (the window where a duplicate would be
    born), until every slot of the worker is stuck so."""

    courier: Courier
    after: int
    coordinator: str  # whose progress messages go on (they are the reporter's, not the queue's)
    sent: int = 0
    stuck: int = 0
    all_stuck: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
        delivery = await self.courier.send(transport, address, reply)
        self.sent += 1
        if self.sent > self.after and address != self.coordinator:
            self.stuck += 1
            if self.stuck == SETTINGS.in_flight:
                self.all_stuck.set()
            await asyncio.Event().wait()
        return delivery

    async def edit(self, transport: str, address: str, message_id: str, reply: Reply) -> Delivery:
        return await self.courier.edit(transport, address, message_id, reply)


async def test_a_prompt_to_300_partners_arrives_once_each_despite_a_kill(
    sessions: SessionFactory,
) -> None:
    manual = ManualClock(WORKING_HOURS.timestamp())
    clock = SteppedClock(WORKING_HOURS, manual)
    async with FakeBotApi(limits=Limits.strict(), clock=manual) as api:
        people = [api.user(first_name=f"P{n}", has_started_bot=True) for n in range(PARTNERS)]
        lead = api.user(first_name="Robin", has_started_bot=True)
        seeded = await seed(
            sessions,
            [str(person.id) for person in people],
            transport="telegram",
            coordinator_address=str(lead.id),
        )
        reply = Reply(PROMPT_TEXT, ((Button("Reply", f"g:reply:{seeded.prompt_id}"),),))
        async with sessions() as session, session.begin():
            organisation = await session.get_one(Organisation, seeded.organisation_id)
            broadcast = await enqueue_broadcast(
                session,
                organisation=organisation,
                round_id=seeded.round_id,
                kind="prompt",
                coordinator_id=seeded.coordinator_id,
                partner_ids=seeded.partner_ids,
                reply=reply,
                prompt_id=seeded.prompt_id,
                now=clock.now(),
            )
        request = HTTPXRequest(connection_pool_size=SETTINGS.in_flight + 4)
        async with Bot(api.token, base_url=api.base_url, request=request) as bot:
            courier = TelegramCourier(bot)
            dying = DiesMidSend(courier, after=PARTNERS // 2, coordinator=str(lead.id))
            first = asyncio.create_task(
                BroadcastWorker(sessions, dying, clock).run(asyncio.Event())
            )
            await dying.all_stuck.wait()
            first.cancel()  # as a kill -9: nothing recorded after this
            await asyncio.gather(first, return_exceptions=True)

            clock.advance(SETTINGS.lease.total_seconds() + 1)  # restarted once the lease ran out
            await BroadcastWorker(sessions, courier, clock).drain()

    copies = Counter(
        person.id for person in people for m in person.messages if m.text == PROMPT_TEXT
    )
    assert {person.id: copies[person.id] for person in people} == {p.id: 1 for p in people}
    assert people[0].messages[0].button("Reply").callback_data == f"g:reply:{seeded.prompt_id}"
    assert api.stats.rate_limited == 0 and api.stats.unexpected_errors == []
    async with sessions() as session:
        progress = await broadcast_progress(session, broadcast.id)
        finished = await session.scalar(
            select(Broadcast.finished_at).where(Broadcast.id == broadcast.id)
        )
    # The stuck sends did arrive, but nobody can know that: they are counted as in doubt.
    assert progress == BroadcastProgress(
        sent=PARTNERS - SETTINGS.in_flight, uncertain=SETTINGS.in_flight
    )
    assert finished is not None
    shown, summary = lead.messages
    assert shown.edit_date is not None and len(shown.earlier_texts) >= 3  # edited as it went
    assert f"Sent: {PARTNERS - SETTINGS.in_flight}" in (shown.text or "")
    assert f"For {SETTINGS.in_flight}, sending was cut off" in (summary.text or "")
