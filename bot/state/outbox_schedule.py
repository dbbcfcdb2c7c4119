"""Sends a co-ordinator schedules for later: held in the outbox until their time, then addressed.

Who gets a scheduled send is decided when it goes, not when it is scheduled. The co-ordinator
chose a group ("not finished yet", "parent carers") and the send goes to whoever is in that
group at that moment: someone who finishes on Sunday does not get Monday's reminder, someone who
joins on Saturday does get Monday's question, and someone who blocked the bot meanwhile is left
out. The one-reminder-every-N-days rule is applied then as well, against reminders that really
went, so two reminders scheduled close together never both reach one person. A list fixed when
scheduling would have sent Monday's "carry on where you were" to people who had finished.

Until then a scheduled send is its `Broadcast` (when, what kind, for whom) and one *held* outbox
row addressed to nobody (status `scheduled`) that carries the words and buttons, checked as any
broadcast's are. Releasing it (the worker, once it is due) and stopping it (a co-ordinator) each
begin by deleting that row, and only one of them can: a send that was stopped never goes, and
one that has begun going out is never stopped half-way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogues.replies import Reply
from bot.state import coordination
from bot.state.coordination import Reach
from bot.state.models import (
    AuditEntry,
    Broadcast,
    Organisation,
    OutboxMessage,
    Prompt,
    Round,
    utcnow,
)
from bot.state.outbox import (
    Status,
    address_broadcast,
    new_broadcast,
    next_sending_time,
    stored_buttons,
)

RELEASED_AT_ONCE = 20  # scheduled sends addressed in one transaction; more wait for the next look


async def schedule_broadcast(
    session: AsyncSession,
    *,
    organisation: Organisation,
    round_id: int,
    kind: str,
    audience: Reach,
    coordinator_id: int,
    reply: Reply,
    at: datetime,
    prompt_id: int | None = None,
    now: datetime | None = None,
) -> Broadcast:
    """Hold `reply` for whoever is in `audience` at `at`, or when quiet hours end if `at` falls
    in them (`Broadcast.scheduled_for` says which). The caller commits."""
    created = now or utcnow()
    broadcast = await new_broadcast(
        session,
        organisation=organisation,
        round_id=round_id,
        kind=kind,
        audience=audience.value,
        prompt_id=prompt_id,
        coordinator_id=coordinator_id,
        starts=next_sending_time(organisation, at),
        created=created,
    )
    session.add(
        OutboxMessage(
            organisation_id=organisation.id,
            broadcast_id=broadcast.id,
            purpose=kind,
            text=reply.text,
            buttons=stored_buttons(reply),
            not_before=broadcast.scheduled_for,
            status=Status.SCHEDULED.value,
            created_at=created,
        )
    )
    await session.flush()
    return broadcast


@dataclass(frozen=True)
class ScheduledSend:
    broadcast_id: int
    kind: str  # prompt, reminder
    audience: Reach
    at: datetime  # when it goes (UTC), quiet hours allowed for
    prompt_id: int | None
    question: str | None  # a prompt's words


async def scheduled_sends(session: AsyncSession, organisation_id: int) -> list[ScheduledSend]:
    """The organisation's sends still waiting for their time, soonest first."""
    rows = await session.execute(
        select(Broadcast, Prompt.text)
        .join(
            OutboxMessage,
            and_(
                OutboxMessage.broadcast_id == Broadcast.id,
                OutboxMessage.status == Status.SCHEDULED,
            ),
        )
        .outerjoin(Prompt, Prompt.id == Broadcast.prompt_id)
        .where(Broadcast.organisation_id == organisation_id, Broadcast.audience.is_not(None))
        .order_by(Broadcast.scheduled_for, Broadcast.id)
    )
    return [
        ScheduledSend(
            broadcast_id=broadcast.id,
            kind=broadcast.kind,
            audience=Reach(str(broadcast.audience)),
            at=broadcast.scheduled_for,
            prompt_id=broadcast.prompt_id,
            question=question,
        )
        for broadcast, question in rows
    ]


class Stopping(StrEnum):
    STOPPED = "stopped"
    STARTED = "started"  # it has begun going out (or has gone): too late
    UNKNOWN = "unknown"  # no such send for this organisation, or stopped already


@dataclass(frozen=True)
class Stopped:
    result: Stopping
    send: ScheduledSend | None = None  # what was stopped


async def stop_scheduled(session: AsyncSession, organisation_id: int, broadcast_id: int) -> Stopped:
    """Stop a scheduled send before it goes: it and (for a prompt) the prompt never asked are
    removed. Refused once the worker has begun addressing it."""
    broadcast = await session.scalar(
        select(Broadcast).where(
            Broadcast.id == broadcast_id, Broadcast.organisation_id == organisation_id
        )
    )
    if broadcast is None or broadcast.audience is None:
        return Stopped(Stopping.UNKNOWN)
    prompt = await session.get(Prompt, broadcast.prompt_id) if broadcast.prompt_id else None
    send = ScheduledSend(
        broadcast_id=broadcast.id,
        kind=broadcast.kind,
        audience=Reach(broadcast.audience),
        at=broadcast.scheduled_for,
        prompt_id=broadcast.prompt_id,
        question=prompt.text if prompt else None,
    )
    if not await _take_held(session, broadcast.id):
        return Stopped(Stopping.STARTED, send)
    await session.delete(broadcast)
    await session.flush()  # before its prompt, which it refers to
    if prompt is not None:
        await session.delete(prompt)
        await session.flush()
    return Stopped(Stopping.STOPPED, send)


async def stop_for_round(session: AsyncSession, organisation_id: int, round_id: int) -> int:
    """Stop every send still scheduled in a round that is closing (nobody could answer it);
    returns how many were stopped."""
    waiting = await session.scalars(
        select(Broadcast.id)
        .join(
            OutboxMessage,
            and_(
                OutboxMessage.broadcast_id == Broadcast.id,
                OutboxMessage.status == Status.SCHEDULED,
            ),
        )
        .where(Broadcast.organisation_id == organisation_id, Broadcast.round_id == round_id)
    )
    stopped = 0
    for broadcast_id in list(waiting):
        result = await stop_scheduled(session, organisation_id, broadcast_id)
        stopped += result.result is Stopping.STOPPED
    return stopped


@dataclass(frozen=True)
class Released:
    broadcast_id: int
    kind: str
    partners: int
    spaced: int  # reminders: left out for having had one within the spacing


async def release_due(session: AsyncSession, *, now: datetime) -> list[Released]:
    """Address each scheduled send now due to whoever is in its audience now (see above)."""
    rows = (
        await session.execute(
            select(OutboxMessage, Broadcast, Organisation)
            .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
            .join(Organisation, Organisation.id == OutboxMessage.organisation_id)
            .where(OutboxMessage.status == Status.SCHEDULED, OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(RELEASED_AT_ONCE)
            .with_for_update(skip_locked=True, of=OutboxMessage)
        )
    ).all()
    released: list[Released] = []
    for held, broadcast, organisation in rows:
        text, buttons, not_before = held.text, dict(held.buttons or {}), held.not_before
        session.expunge(held)
        if not await _take_held(session, broadcast.id):
            continue  # stopped by a co-ordinator meanwhile
        partner_ids, spaced = await _audience_now(session, organisation, broadcast, now)
        members = await address_broadcast(
            session,
            broadcast,
            partner_ids,
            text=text,
            buttons=buttons,
            not_before=not_before,
            created=now,
        )
        if broadcast.kind == "reminder":
            await coordination.mark_reminded(session, members, now)
        session.add(
            AuditEntry(
                organisation_id=organisation.id,
                actor="outbox",
                action="scheduled.released",
                detail={
                    "broadcast_id": broadcast.id,
                    "kind": broadcast.kind,
                    "audience": broadcast.audience,
                    "partners": len(members),
                    "spaced": spaced,
                },
                at=now,
            )
        )
        released.append(Released(broadcast.id, broadcast.kind, len(members), spaced))
    await session.flush()
    return released


async def _take_held(session: AsyncSession, broadcast_id: int) -> bool:
    """Delete the held row: True for the one caller (release or stop) that did."""
    result = await session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.status == Status.SCHEDULED,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _audience_now(
    session: AsyncSession, organisation: Organisation, broadcast: Broadcast, now: datetime
) -> tuple[list[int], int]:
    """(partners to send to, partners left out by the reminder spacing), as things are now."""
    round_ = await session.get(Round, broadcast.round_id)
    if round_ is None or round_.closed_at is not None or broadcast.audience not in set(Reach):
        return [], 0  # the round has closed since: nobody can answer in it
    reach = Reach(broadcast.audience)
    if broadcast.kind == "reminder":
        found = await coordination.due_for_reminder(
            session,
            organisation.id,
            round_.id,
            reach,
            coordination.reminder_spacing(organisation),
            now=now,
        )
        return found.due, found.spaced
    return await coordination.audience(session, organisation.id, round_.id, reach), 0
