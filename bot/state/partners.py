"""Partners, how to reach them, their journeys, and the journal that applies each event once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from bot.state.models import (
    AuditEntry,
    Contact,
    Coordinator,
    InboundEvent,
    Journey,
    Organisation,
    Partner,
    Round,
    utcnow,
)
from bot.state.upserts import Insert, OnConflict


async def find_partner(session: AsyncSession, transport: str, address: str) -> Partner | None:
    return await session.scalar(
        select(Partner)
        .join(Contact, Contact.partner_id == Partner.id)
        .where(Contact.transport == transport, Contact.address == address)
    )


async def find_coordinator(
    session: AsyncSession, transport: str, address: str
) -> Coordinator | None:
    return await session.scalar(
        select(Coordinator)
        .where(Coordinator.transport == transport, Coordinator.address == address)
        .order_by(Coordinator.id)
        .limit(1)
    )


async def add_partner(
    session: AsyncSession,
    organisation_id: int,
    role: str,
    transport: str,
    address: str,
    first_name: str | None,
) -> Partner:
    # Pseudonym numbers count up per organisation and role. Joins to one organisation take its
    # row lock in turn, so two people joining at once never reach for the same number.
    await session.execute(
        select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
    )
    last = await session.scalar(
        select(func.max(Partner.number)).where(
            Partner.organisation_id == organisation_id, Partner.role == role
        )
    )
    partner = Partner(
        organisation_id=organisation_id,
        role=role,
        number=(last or 0) + 1,
        first_name=(first_name or "")[:64] or None,
    )
    session.add(partner)
    await session.flush()
    session.add(Contact(partner_id=partner.id, transport=transport, address=address))
    await session.flush()
    return partner


# Built once: every partner event runs it, and building a join costs more than running it.
_IN_ROUND = (
    select(Partner, Organisation, Journey)
    .select_from(Contact)
    .join(Partner, Partner.id == Contact.partner_id)
    .join(Organisation, Organisation.id == Partner.organisation_id)
    .join(Journey, Journey.partner_id == Partner.id)
    .join(Round, Round.id == Journey.round_id)
    .where(
        Contact.transport == bindparam("transport"),
        Contact.address == bindparam("address"),
        Round.closed_at.is_(None),
    )
    .order_by(Journey.id.desc())
    .limit(1)
    # Locked for the event (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
    # so one partner's events apply in order, even across workers. The partner row too: an
    # event that waited for the lock then reads the partner as the event before left it
    # (consent given, a new privacy note agreed), not as it was when its query began.
    .with_for_update(of=(Journey, Partner))
)


async def partner_in_round(
    session: AsyncSession, transport: str, address: str
) -> tuple[Partner, Organisation, Journey] | None:
    """The partner at this address, their organisation, and their journey in its open round,
    locked for this event: one query, the objects in the session like any loaded.

    None when the address is not a partner's, or the partner has no journey in an open round
    (PostgreSQL cannot lock the missing side of an outer join, so those are the caller's).
    """
    row = (
        await session.execute(_IN_ROUND, {"transport": transport, "address": address})
    ).one_or_none()
    if row is None:
        return None
    partner, organisation, journey = row
    return partner, organisation, journey


def _journal(insert: Insert) -> Executable:
    # A redelivered event conflicts on (transport, event_id) and inserts nothing: no row back.
    # An event without an id (NULL) never conflicts, so it is always journaled, never deduped.
    journal = InboundEvent.__table__
    return (
        insert(journal)
        .on_conflict_do_nothing(index_elements=["transport", "event_id"])
        .returning(journal.c.id)
    )


_JOURNAL = OnConflict(_journal)


async def already_applied(
    session: AsyncSession,
    partner_id: int | None,
    transport: str,
    event_id: str | None,
    kind: str,
    *,
    coordinator_id: int | None = None,
) -> bool:
    """Journal the event; True when the same transport id was applied before.

    One statement: two workers handed the same event at once both try to insert, the second
    waits on the unique key, then finds the first's row and inserts nothing.
    """
    journaled = await session.scalar(
        _JOURNAL.on(session),
        {
            "partner_id": partner_id,
            "coordinator_id": coordinator_id,
            "transport": transport,
            "event_id": event_id,
            "kind": kind,
            "received_at": utcnow(),
        },
    )
    return journaled is None


async def mark_unreachable(session: AsyncSession, transport: str, address: str) -> bool:
    """The partner at this address cannot be written to (blocked the bot); True if news."""
    return await _set_unreachable(session, transport, address, utcnow())


async def mark_reachable(session: AsyncSession, transport: str, address: str) -> bool:
    """The partner at this address can be written to again; True if news."""
    return await _set_unreachable(session, transport, address, None)


async def _set_unreachable(
    session: AsyncSession, transport: str, address: str, unreachable_at: datetime | None
) -> bool:
    partner_id = select(Contact.partner_id).where(
        Contact.transport == transport, Contact.address == address
    )
    changes = (
        Partner.unreachable_at.is_(None)
        if unreachable_at is not None
        else Partner.unreachable_at.is_not(None)
    )
    result = await session.execute(
        update(Partner)
        .where(Partner.id.in_(partner_id.scalar_subquery()), changes)
        .values(unreachable_at=unreachable_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def erase_partner(
    session: AsyncSession, partner: Partner, *, audited: bool = True, actor: str = "partner"
) -> None:
    """Remove a partner and everything they said; the audit log keeps only that it happened.

    Someone who said "no" to the privacy note was never a partner: nothing is audited for them.
    """
    if audited:
        session.add(
            AuditEntry(
                organisation_id=partner.organisation_id,
                actor=actor,
                action="partner.erased",
                detail={"role": partner.role},
            )
        )
    await session.flush()
    # The database cascades to contact, journeys, ratings, evidence, links and the journal.
    await session.execute(delete(Partner).where(Partner.id == partner.id))
    # Nothing loaded for them may be written back when the event commits.
    session.expunge_all()
