"""Partners, how to reach them, their journeys, and the journal that applies each event once."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

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


async def current_journey(session: AsyncSession, partner: Partner) -> Journey | None:
    """The partner's journey in their organisation's open round, locked for this event."""
    return await session.scalar(
        select(Journey)
        .join(Round, Round.id == Journey.round_id)
        .where(Journey.partner_id == partner.id, Round.closed_at.is_(None))
        .order_by(Journey.id.desc())
        .limit(1)
        .with_for_update(of=Journey)
    )


async def already_applied(
    session: AsyncSession,
    partner_id: int | None,
    transport: str,
    event_id: str | None,
    kind: str,
    *,
    coordinator_id: int | None = None,
) -> bool:
    """Journal the event; True when the same transport id was applied before."""
    if event_id is not None:
        seen = await session.scalar(
            select(InboundEvent.id).where(
                InboundEvent.transport == transport, InboundEvent.event_id == event_id
            )
        )
        if seen is not None:
            return True
    session.add(
        InboundEvent(
            partner_id=partner_id,
            coordinator_id=coordinator_id,
            transport=transport,
            event_id=event_id,
            kind=kind,
        )
    )
    await session.flush()
    return False


async def mark_unreachable(session: AsyncSession, transport: str, address: str) -> bool:
    partner_id = select(Contact.partner_id).where(
        Contact.transport == transport, Contact.address == address
    )
    result = await session.execute(
        update(Partner)
        .where(Partner.id.in_(partner_id.scalar_subquery()), Partner.unreachable_at.is_(None))
        .values(unreachable_at=utcnow())
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
