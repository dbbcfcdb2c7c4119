"""The outbox: what is waiting to be sent to many people, written where its cause is written.

A broadcast (a prompt or a reminder to partners) or a safeguarding alert (to co-ordinators) is
added to the caller's transaction and so is stored exactly when what caused it is; a worker
(`bot.broadcast`) sends it later, paced, and across restarts (`bot.state.outbox_claims`).
Replies to a partner's own messages never come here: they are sent as the partner's event ends.

Quiet hours belong to the organisation, in its own time zone: a broadcast enqueued inside them
waits for their end; an alert does not wait. A broadcast a co-ordinator schedules for later is
held here as one unaddressed row until its time (`bot.state.outbox_schedule`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogues.replies import Button, Reply
from bot.state.models import Broadcast, Organisation, OutboxMessage, Partner, utcnow

BUTTON_DATA_LIMIT = 64  # bytes: Telegram refuses a whole message over one longer button
KINDS = frozenset({"prompt", "reminder"})
ALERT = "alert"
_CHUNK = 1000  # ids per IN (…) list: well inside every database's limit on parameters


class Status(StrEnum):
    SCHEDULED = "scheduled"  # a scheduled broadcast's words, held until not_before, to nobody yet
    PENDING = "pending"  # waiting for not_before, or for a worker
    SENDING = "sending"  # a worker is sending it now; its lease says until when at the latest
    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked the bot, or left Telegram
    FAILED = "failed"  # refused, or given up on after the allowed attempts
    UNCERTAIN = "uncertain"  # a worker died mid-send: it may or may not have arrived


@dataclass(frozen=True, slots=True)
class BroadcastProgress:
    sent: int = 0
    waiting: int = 0  # pending, or being sent right now
    unreachable: int = 0
    uncertain: int = 0
    failed: int = 0
    scheduled: int = 0  # held until its time: not addressed to anyone yet

    @property
    def total(self) -> int:
        """Everyone still listed: a partner who used /forget leaves the count with their row."""
        return self.sent + self.waiting + self.unreachable + self.uncertain + self.failed

    @property
    def started(self) -> bool:
        return self.scheduled == 0

    @property
    def finished(self) -> bool:
        return self.waiting == 0 and self.started


def next_sending_time(organisation: Organisation, when: datetime) -> datetime:
    """`when`, or the end of the organisation's quiet hours if `when` falls inside them (UTC).

    The end is a wall-clock time in the organisation's zone, so it stays 08:00 across a change
    to or from summer time. Equal start and end mean no quiet hours at all.
    """
    if when.tzinfo is None:
        raise ValueError("naive datetime: pass a UTC-aware time")
    start, end = _wall_time(organisation.quiet_from), _wall_time(organisation.quiet_until)
    if start == end:
        return when.astimezone(UTC)
    zone = ZoneInfo(organisation.time_zone)
    local = when.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    if start < end:  # quiet within one day (13:00–14:00)
        quiet, end_day = start <= now < end, local.date()
    else:  # quiet across midnight (20:00–08:00)
        quiet = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not quiet:
        return when.astimezone(UTC)
    return _at(end_day, end, zone)


async def enqueue_broadcast(
    session: AsyncSession,
    *,
    organisation: Organisation,
    round_id: int,
    kind: str,
    coordinator_id: int | None,
    partner_ids: Sequence[int],
    reply: Reply,
    prompt_id: int | None = None,
    scheduled_for: datetime | None = None,
    now: datetime | None = None,
    audience: str | None = None,
) -> Broadcast:
    """One message to each partner, stored with its broadcast in the caller's transaction.

    It goes at `scheduled_for` (or now), or at the end of quiet hours if that falls inside
    them. Partners not in the organisation (or gone since) are left out; `Broadcast.total`
    counts who is in. `audience` records who it was for. The caller commits.
    """
    created = now or utcnow()
    broadcast = await new_broadcast(
        session,
        organisation=organisation,
        round_id=round_id,
        kind=kind,
        audience=audience,
        prompt_id=prompt_id,
        coordinator_id=coordinator_id,
        starts=next_sending_time(organisation, scheduled_for or created),
        created=created,
    )
    await address_broadcast(
        session,
        broadcast,
        partner_ids,
        text=reply.text,
        buttons=stored_buttons(reply),
        not_before=broadcast.scheduled_for,
        created=created,
    )
    return broadcast


async def new_broadcast(
    session: AsyncSession,
    *,
    organisation: Organisation,
    round_id: int,
    kind: str,
    audience: str | None,
    prompt_id: int | None,
    coordinator_id: int | None,
    starts: datetime,
    created: datetime,
) -> Broadcast:
    """A broadcast of a known kind, stored (with its id) and not yet addressed to anyone."""
    if kind not in KINDS:
        raise ValueError(f"a broadcast is one of {sorted(KINDS)}, not {kind!r}")
    broadcast = Broadcast(
        organisation_id=organisation.id,
        round_id=round_id,
        kind=kind,
        audience=audience,
        prompt_id=prompt_id,
        coordinator_id=coordinator_id,
        scheduled_for=starts,
        created_at=created,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def address_broadcast(
    session: AsyncSession,
    broadcast: Broadcast,
    partner_ids: Sequence[int],
    *,
    text: str,
    buttons: dict[str, Any],
    not_before: datetime,
    created: datetime,
) -> list[int]:
    """A pending message of the broadcast to each of its organisation's partners named; the
    partners it went to, also counted in `Broadcast.total`."""
    wanted = list(dict.fromkeys(partner_ids))
    members: list[int] = []
    for first in range(0, len(wanted), _CHUNK):
        chunk = wanted[first : first + _CHUNK]
        found = await session.scalars(
            select(Partner.id).where(
                Partner.id.in_(chunk), Partner.organisation_id == broadcast.organisation_id
            )
        )
        members += sorted(found)
    if members:
        rows = [
            {
                "organisation_id": broadcast.organisation_id,
                "broadcast_id": broadcast.id,
                "partner_id": partner_id,
                "purpose": broadcast.kind,
                "text": text,
                "buttons": buttons,
                "not_before": not_before,
                "status": Status.PENDING.value,
                "attempts": 0,
                "created_at": created,
            }
            for partner_id in members
        ]
        await session.execute(insert(OutboxMessage), rows)
    broadcast.total = len(members)
    await session.flush()
    return members


async def enqueue_alert(
    session: AsyncSession,
    *,
    organisation_id: int,
    coordinator_ids: Sequence[int],
    reply: Reply,
    now: datetime | None = None,
) -> None:
    """A safeguarding alert to each co-ordinator named: quiet hours do not apply to it."""
    buttons = stored_buttons(reply)
    at = now or utcnow()
    for coordinator_id in dict.fromkeys(coordinator_ids):
        session.add(
            OutboxMessage(
                organisation_id=organisation_id,
                coordinator_id=coordinator_id,
                purpose=ALERT,
                text=reply.text,
                buttons=buttons,
                not_before=at,
                created_at=at,
            )
        )
    await session.flush()


async def broadcast_progress(session: AsyncSession, broadcast_id: int) -> BroadcastProgress:
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    counts = {status: count for status, count in rows}
    return BroadcastProgress(
        sent=counts.get(Status.SENT, 0),
        waiting=counts.get(Status.PENDING, 0) + counts.get(Status.SENDING, 0),
        unreachable=counts.get(Status.UNREACHABLE, 0),
        uncertain=counts.get(Status.UNCERTAIN, 0),
        failed=counts.get(Status.FAILED, 0),
        scheduled=counts.get(Status.SCHEDULED, 0),
    )


async def resend_uncertain(
    session: AsyncSession, broadcast_id: int, *, now: datetime | None = None
) -> int:
    """A co-ordinator's choice to send again to those a crash left in doubt (some of whom may
    then have it twice); the broadcast reports again and ends with a new summary."""
    at = now or utcnow()
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.status == Status.UNCERTAIN,
        )
        .values(status=Status.PENDING, not_before=at, lease_until=None)
    )
    again = int(result.rowcount)  # type: ignore[attr-defined]
    if again:
        await session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(finished_at=None)
        )
    return again


def stored_buttons(reply: Reply) -> dict[str, Any]:
    """The reply's buttons as the outbox keeps them; refused here, not at sending time."""
    if reply.attachment is not None:
        raise ValueError("the outbox carries text and buttons only, not attachments")
    rows = []
    for row in reply.buttons:
        for button in row:
            if len(button.data.encode()) > BUTTON_DATA_LIMIT:
                raise ValueError(f"button {button.label!r} carries more than 64 bytes of data")
        rows.append([{"label": b.label, "data": b.data} for b in row])
    return {"rows": rows} if rows else {}


def reply_of(text: str, buttons: dict[str, Any]) -> Reply:
    rows = tuple(
        tuple(Button(str(b["label"]), str(b["data"])) for b in row)
        for row in buttons.get("rows", ())
    )
    return Reply(text, rows)


def _wall_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"quiet hours are written HH:MM, not {text!r}") from None


def _at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # A wall time skipped by a change to summer time lands just after the gap: zoneinfo reads
    # it with the offset before the change, which is later in UTC than the gap's start.
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
