"""How a worker takes messages out of the outbox: claim, send, record what happened.

Each step is its own short transaction, committed by the worker:

1. `claim_due` moves due rows from pending to sending, with a lease, immediately before the
   worker makes their requests (no more than it may send at once). On PostgreSQL the rows are
   locked FOR UPDATE SKIP LOCKED, so two workers never claim the same row; on SQLite every
   write transaction is BEGIN IMMEDIATE, which serialises claims just as well (one worker is
   what we run there).
2. The worker sends.
3. `mark_*` records the answer, only if the row is still the worker's (still sending, or
   judged uncertain meanwhile: a message that arrived is then recorded as sent after all).

A row still sending when its lease ends belonged to a worker that died mid-send; see
`recover_expired` for what is done with it and why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.dialogues.replies import Reply
from bot.state.models import Broadcast, Contact, Coordinator, Organisation, OutboxMessage, Partner
from bot.state.outbox import ALERT, Status, next_sending_time, reply_of

ERROR_LENGTH = 200  # OutboxMessage.last_error
_LOOKS = 20  # rows looked at (and put off) in one claim before saying there is nothing
# The outbox as `_due` picks from it; made once, as an alias costs a millisecond to make.
_WAITING = aliased(OutboxMessage, name="waiting")


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message a worker has taken and is about to send."""

    id: int
    organisation_id: int
    purpose: str  # prompt, reminder, alert
    broadcast_id: int | None
    partner_id: int | None
    coordinator_id: int | None
    prompt_id: int | None
    transport: str
    address: str
    reply: Reply
    attempts: int  # this one included

    @property
    def chat(self) -> str:
        return chat_key(self.transport, self.address)


def chat_key(transport: str, address: str) -> str:
    return f"{transport}:{address}"


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    chat_wait: Callable[[str], float],
    alerts_first: bool = True,
) -> list[Claimed]:
    """Up to `limit` due messages, now marked sending (at most one per chat); with
    `alerts_first`, alerts before broadcasts, otherwise in the order they fell due.

    A broadcast row found inside its organisation's quiet hours puts off all that
    organisation's waiting broadcast rows to the end of them; a row whose chat had a message
    too recently (`chat_wait` says how many seconds to go) is put off by that long.
    """
    claimed: list[Claimed] = []
    chats: set[str] = set()
    for _ in range(_LOOKS):
        rows: Sequence[Row[OutboxMessage, Organisation, int | None, str | None, str | None]] = []
        if alerts_first:
            rows = (await session.execute(_due(now, limit, alerts_only=True))).all()
        rows = rows or (await session.execute(_due(now, limit, alerts_only=False))).all()
        put_off = 0
        for message, organisation, prompt_id, transport, address in rows:
            if message.purpose != ALERT:
                resume = next_sending_time(organisation, now)
                if resume > now:
                    await _put_off_organisation(session, organisation.id, resume)
                    put_off += 1
                    break  # the rows already read may be stale now: read again
            if transport is None or address is None:
                # The person has no address (never expected): say so and move on.
                message.status, message.last_error = Status.FAILED.value, "no address"
                put_off += 1
                continue
            chat = chat_key(transport, address)
            if chat in chats:
                continue  # one message per chat in a batch; the next batch takes this one
            wait = chat_wait(chat)
            if wait > 0:
                message.not_before = now + timedelta(seconds=wait)
                put_off += 1
                continue
            chats.add(chat)
            message.status = Status.SENDING.value
            message.attempts += 1
            message.lease_until = now + lease
            claimed.append(_claimed(message, prompt_id, transport, address))
        await session.flush()
        if claimed or not put_off:
            break
    return claimed


def _claimed(
    message: OutboxMessage, prompt_id: int | None, transport: str, address: str
) -> Claimed:
    return Claimed(
        id=message.id,
        organisation_id=message.organisation_id,
        purpose=message.purpose,
        broadcast_id=message.broadcast_id,
        partner_id=message.partner_id,
        coordinator_id=message.coordinator_id,
        prompt_id=prompt_id,
        transport=transport,
        address=address,
        reply=reply_of(message.text, message.buttons or {}),
        attempts=message.attempts,
    )


def _due(
    now: datetime, limit: int, *, alerts_only: bool
) -> Select[OutboxMessage, Organisation, int | None, str | None, str | None]:
    """The next due rows and what sending them needs; on PostgreSQL, locked for this claim.

    The rows are picked from the outbox alone, in the order of an index (`ix_outbox_due`:
    status, not_before, id), so the database reads `limit` of its entries however long the
    queue is; only those rows are then joined for their addresses. Joined first, every due row
    was joined and sorted before the limit: 40 ms a claim with 20,000 due, on PostgreSQL
    (`python -m bench.outbox_claims` measures it).
    """
    picked = (
        select(_WAITING.id)
        .where(_WAITING.status == Status.PENDING, _WAITING.not_before <= now)
        .order_by(_WAITING.not_before, _WAITING.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if alerts_only:
        # Alerts are to co-ordinators, and rare: `ix_outbox_alerts_due` holds only theirs, so
        # finding none does not walk a broadcast's thousands of due rows.
        picked = picked.where(_WAITING.coordinator_id.is_not(None))
    transport = func.coalesce(Contact.transport, Coordinator.transport)
    address = func.coalesce(Contact.address, Coordinator.address)
    return (
        select(OutboxMessage, Organisation, Broadcast.prompt_id, transport, address)
        .join(Organisation, Organisation.id == OutboxMessage.organisation_id)
        .outerjoin(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .outerjoin(Contact, Contact.partner_id == OutboxMessage.partner_id)
        .outerjoin(Coordinator, Coordinator.id == OutboxMessage.coordinator_id)
        .where(OutboxMessage.id.in_(picked))
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        # The rows are this transaction's already (`picked` locked them, skipping any another
        # worker holds); locking them here too reads each as it is now, not as this statement's
        # snapshot saw it: what a top-level FOR UPDATE always did.
        .with_for_update(of=OutboxMessage)
    )


async def _put_off_organisation(
    session: AsyncSession, organisation_id: int, until: datetime
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.organisation_id == organisation_id,
            OutboxMessage.status == Status.PENDING,
            OutboxMessage.purpose != ALERT,
            OutboxMessage.not_before < until,
        )
        .values(not_before=until)
    )


async def mark_sent(session: AsyncSession, claimed: Claimed, *, now: datetime) -> bool:
    """Record a delivery; False if the row is gone (the partner used /forget meanwhile) or was
    not this worker's to record."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == claimed.id,
            OutboxMessage.status.in_([Status.SENDING, Status.UNCERTAIN]),
        )
        .values(status=Status.SENT, sent_at=now, lease_until=None, last_error=None)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    if claimed.purpose == "reminder" and claimed.partner_id is not None:
        await session.execute(
            update(Partner).where(Partner.id == claimed.partner_id).values(last_reminded_at=now)
        )
    return True


async def mark_unreachable(
    session: AsyncSession, claimed: Claimed, *, now: datetime, reason: str
) -> None:
    """They blocked the bot or left: the row says so, and so does the person's own record."""
    await _settle(session, claimed, Status.UNREACHABLE, reason)
    if claimed.partner_id is not None:
        await session.execute(
            update(Partner)
            .where(Partner.id == claimed.partner_id, Partner.unreachable_at.is_(None))
            .values(unreachable_at=now)
        )
    if claimed.coordinator_id is not None:
        await mark_coordinator_unreachable(session, claimed.coordinator_id, now=now)


async def mark_coordinator_unreachable(
    session: AsyncSession, coordinator_id: int, *, now: datetime
) -> None:
    await session.execute(
        update(Coordinator)
        .where(Coordinator.id == coordinator_id, Coordinator.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )


async def mark_failed(session: AsyncSession, claimed: Claimed, *, reason: str) -> None:
    await _settle(session, claimed, Status.FAILED, reason)


async def mark_uncertain(session: AsyncSession, claimed: Claimed, *, reason: str) -> None:
    await _settle(session, claimed, Status.UNCERTAIN, reason)


async def put_back(
    session: AsyncSession,
    claimed: Claimed,
    *,
    not_before: datetime,
    reason: str,
    counts_as_attempt: bool = True,
) -> None:
    """Pending again, to be tried from `not_before`; a flood wait is not the message's fault
    and does not use up one of its attempts."""
    await _settle(
        session,
        claimed,
        Status.PENDING,
        reason,
        not_before=not_before,
        lease_until=None,
        **({} if counts_as_attempt else {"attempts": OutboxMessage.attempts - 1}),
    )


async def _settle(
    session: AsyncSession, claimed: Claimed, status: Status, reason: str, **values: object
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claimed.id, OutboxMessage.status == Status.SENDING)
        .values(status=status, last_error=reason[:ERROR_LENGTH], **values)
    )


async def recover_expired(
    session: AsyncSession, *, now: datetime, ours: Collection[int] = ()
) -> tuple[int, int]:
    """Rows left sending by a worker that died: (judged uncertain, to be sent again); `ours`
    are the calling worker's own sends, slow but alive, which it will record itself.

    Telegram has no idempotency key and a bot cannot read back what it sent, so nobody can
    tell whether such a message arrived. A broadcast row is *not* sent again: it becomes
    uncertain and is counted in the co-ordinator's summary, because a partner asked the same
    question twice is the worse mistake for a prompt or a reminder, and the co-ordinator can
    choose to send again (`resend_uncertain`). An alert is sent again: a safeguarding lead
    missing one is worse than seeing it twice.

    The lease has to outlast the longest send (timeouts and flood waits included): another
    worker would otherwise judge a slow but live send. For a broadcast row that costs nothing
    (it is recorded as sent when its answer comes); an alert could go twice.
    """
    expired = [OutboxMessage.status == Status.SENDING, OutboxMessage.lease_until < now]
    if ours:
        expired.append(OutboxMessage.id.not_in(list(ours)))
    doubt = "interrupted while sending: it may or may not have arrived"
    judged = await session.execute(
        update(OutboxMessage)
        .where(*expired, OutboxMessage.purpose != ALERT)
        .values(status=Status.UNCERTAIN, lease_until=None, last_error=doubt)
    )
    again = await session.execute(
        update(OutboxMessage)
        .where(*expired, OutboxMessage.purpose == ALERT)
        .values(status=Status.PENDING, not_before=now, lease_until=None, last_error=doubt)
    )
    return int(judged.rowcount), int(again.rowcount)  # type: ignore[attr-defined]


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest waiting message may go (or scheduled one is due), to sleep until then.

    One look per status, each the first entry of ix_outbox_due for it: a single look over both
    statuses reads every waiting row on PostgreSQL, 5 ms with 20,000 queued."""
    earliest = (
        select(OutboxMessage.not_before)
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.not_before)
        .limit(1)
        .scalar_subquery()
        for status in (Status.PENDING, Status.SCHEDULED)
    )
    found = (await session.execute(select(*earliest))).one()
    return min((when for when in found if when is not None), default=None)
