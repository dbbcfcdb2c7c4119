"""Fakes and a little seeding for the outbox and broadcast tests (and the benchmark).

`RecordingCourier` is a transport that writes down what it was asked to send and answers as a
test tells it to; `SteppedClock` is time that moves only when the worker waits, shared with the
fake Bot API's `ManualClock` so both sides see the same seconds.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast import Delivery
from bot.content import Content
from bot.dialogues.reflection import Step
from bot.dialogues.replies import Reply
from bot.state.database import SessionFactory
from bot.state.models import (
    Broadcast,
    Contact,
    Coordinator,
    Journey,
    Organisation,
    Partner,
    Prompt,
    Round,
    utcnow,
)
from bot.state.outbox import enqueue_broadcast
from tests.fake_bot_api import ManualClock

TRANSPORT = "test"
# A Tuesday at 10:00 in London (GMT): no quiet hours in the way.
WORKING_HOURS = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)


class SteppedClock:
    """The worker's clock in tests: sleeping moves time on at once, and yields to the loop."""

    def __init__(self, start: datetime = WORKING_HOURS, manual: ManualClock | None = None) -> None:
        self.manual = manual or ManualClock(start.timestamp())
        if manual is not None:
            self.manual.advance(max(0.0, start.timestamp() - manual.now()))

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.manual.now(), UTC)

    def monotonic(self) -> float:
        return self.manual.now()

    def advance(self, seconds: float) -> None:
        self.manual.advance(seconds)

    async def sleep(self, seconds: float) -> None:
        self.manual.advance(max(0.0, seconds))
        await asyncio.sleep(0)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        if not event.is_set():
            self.manual.advance(max(0.0, seconds))
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Sent:
    address: str
    text: str
    buttons: tuple[tuple[str, ...], ...]  # the buttons' data, row by row
    at: float = 0.0  # the clock's seconds, if the courier was given one


@dataclass
class RecordingCourier:
    """Records every send and edit; answers `Delivery.sent` unless told otherwise per address."""

    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # address, id, text
    answers: defaultdict[str, deque[Delivery]] = field(default_factory=lambda: defaultdict(deque))
    # Sends that never answer, as when the process dies: after the message "arrived", or before.
    hang_after: set[str] = field(default_factory=set)
    hang_before: set[str] = field(default_factory=set)
    hanging: int = 0
    stuck: asyncio.Event = field(default_factory=asyncio.Event)  # set as each send hangs
    clock: SteppedClock | None = None  # to note when each message went
    calls: Counter[str] = field(default_factory=Counter)
    edit_answer: Delivery | None = None  # what every edit answers, if not "done"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def answer(self, address: str, *deliveries: Delivery) -> None:
        self.answers[address].extend(deliveries)

    async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
        self.calls[address] += 1
        await asyncio.sleep(0)  # let other workers' claims interleave with this send
        if address in self.hang_before:
            await self._hang()
        queued = self.answers.get(address)
        delivery = queued.popleft() if queued else Delivery.sent(str(next(self._ids)))
        if delivery.message_id is not None:
            buttons = tuple(tuple(b.data for b in row) for row in reply.buttons)
            at = self.clock.monotonic() if self.clock else 0.0
            self.sent.append(Sent(address, reply.text, buttons, at))
        if address in self.hang_after:
            await self._hang()
        return delivery

    async def edit(self, transport: str, address: str, message_id: str, reply: Reply) -> Delivery:
        self.edits.append((address, message_id, reply.text))
        if self.edit_answer is not None:
            return self.edit_answer
        return Delivery.sent(message_id)

    def received(self, address: str) -> list[Sent]:
        return [s for s in self.sent if s.address == address]

    async def until_hanging(self, count: int) -> None:
        while self.hanging < count:
            await self.stuck.wait()
            self.stuck.clear()

    async def _hang(self) -> None:
        self.hanging += 1
        self.stuck.set()
        await asyncio.Event().wait()  # until the worker is cancelled, as a killed process


@dataclass(frozen=True)
class Seeded:
    organisation_id: int
    round_id: int
    coordinator_id: int
    prompt_id: int
    partner_ids: list[int]
    addresses: list[str]


async def seed(
    sessions: SessionFactory,
    addresses: Sequence[str],
    *,
    transport: str = TRANSPORT,
    coordinator_address: str = "coordinator",
    time_zone: str = "Europe/London",
) -> Seeded:
    """An organisation, its round, a co-ordinator, a prompt, and a partner per address, inserted
    in bulk (2,000 partners take a fraction of a second)."""
    async with sessions() as session, session.begin():
        organisation = Organisation(
            slug="oak-tree", name="Oak Tree School", time_zone=time_zone, setting_names={}
        )
        session.add(organisation)
        await session.flush()
        round_ = Round(organisation_id=organisation.id, name="Spring")
        coordinator = Coordinator(
            organisation_id=organisation.id, transport=transport, address=coordinator_address
        )
        session.add_all([round_, coordinator])
        await session.flush()
        prompt = Prompt(
            organisation_id=organisation.id,
            round_id=round_.id,
            text="What helped this week?",
            audience="everyone",
            coordinator_id=coordinator.id,
        )
        session.add(prompt)
        await session.flush()
        partner_ids = await _add_partners(session, organisation.id, addresses, transport)
        return Seeded(
            organisation.id, round_.id, coordinator.id, prompt.id, partner_ids, list(addresses)
        )


async def join_in_bulk(
    sessions: SessionFactory,
    organisation_id: int,
    round_id: int,
    addresses: Sequence[str],
    content: Content,
    *,
    transport: str,
) -> list[int]:
    """Partners of an organisation that has none yet, as an invite link and "yes" to the
    privacy note leave them (consented, at the round's first question), inserted in bulk: a
    join through the bot is two updates, and thousands of those would be most of a test.
    Returns their ids, in address order."""
    consented = {
        "consented_at": utcnow(),
        "privacy_version": content.messages.text("consent.version"),
    }
    async with sessions() as session, session.begin():
        partner_ids = await _add_partners(
            session, organisation_id, addresses, transport, **consented
        )
        first = content.framework.statements[0].id
        await session.execute(
            insert(Journey),
            [
                {
                    "partner_id": partner_id,
                    "round_id": round_id,
                    "state": Step.RATING.value,
                    "statement_id": first,
                    "step": 1,
                    "position": {},
                }
                for partner_id in partner_ids
            ],
        )
    return partner_ids


async def _add_partners(
    session: AsyncSession,
    organisation_id: int,
    addresses: Sequence[str],
    transport: str,
    **values: object,
) -> list[int]:
    """Parent carers numbered from 1 (the organisation has none yet), one per address."""
    if not addresses:
        return []
    await session.execute(
        insert(Partner),
        [
            {"organisation_id": organisation_id, "role": "parent-carer", "number": n, **values}
            for n in range(1, len(addresses) + 1)
        ],
    )
    rows = await session.execute(
        select(Partner.number, Partner.id).where(Partner.organisation_id == organisation_id)
    )
    numbered = {number: partner_id for number, partner_id in rows}
    partner_ids = [numbered[n] for n in range(1, len(addresses) + 1)]
    await session.execute(
        insert(Contact),
        [
            {"partner_id": partner_id, "transport": transport, "address": address}
            for partner_id, address in zip(partner_ids, addresses, strict=True)
        ],
    )
    await session.flush()
    return partner_ids


async def queue_prompt(
    sessions: SessionFactory,
    seeded: Seeded,
    reply: Reply,
    *,
    now: datetime | None = None,
    quiet_hours: bool = True,
    tied_to_prompt: bool = True,
) -> Broadcast:
    """The seeded prompt to every seeded partner, queued as the chat queues it (untied from the
    prompt row, a delivery runs no reply hook). Without `quiet_hours` the organisation has
    none, for a run whose outcome must not hang on the hour."""
    async with sessions() as session, session.begin():
        organisation = await session.get_one(Organisation, seeded.organisation_id)
        if not quiet_hours:
            organisation.quiet_from = organisation.quiet_until = "00:00"
        return await enqueue_broadcast(
            session,
            organisation=organisation,
            round_id=seeded.round_id,
            kind="prompt",
            coordinator_id=seeded.coordinator_id,
            partner_ids=seeded.partner_ids,
            reply=reply,
            prompt_id=seeded.prompt_id if tied_to_prompt else None,
            now=now,
        )
