"""What partners said: ratings per statement, evidence, and evidence tied to indicators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from bot.state.models import Evidence, EvidenceIndicator, Rating, utcnow
from bot.state.upserts import Insert, OnConflict


def _rate(insert: Insert) -> Executable:
    ratings = Rating.__table__
    statement = insert(ratings)
    # A rating given again replaces the old one; the same rating again changes nothing, not
    # even when it was last changed.
    return statement.on_conflict_do_update(
        index_elements=["partner_id", "round_id", "statement_id"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        where=ratings.c.value != statement.excluded.value,
    )


_RATE = OnConflict(_rate)


async def set_rating(
    session: AsyncSession, partner_id: int, round_id: int, statement_id: str, value: str
) -> None:
    now = utcnow()
    await session.execute(
        _RATE.on(session),
        {
            "partner_id": partner_id,
            "round_id": round_id,
            "statement_id": statement_id,
            "value": value,
            "created_at": now,
            "updated_at": now,
        },
    )


async def ratings_of(session: AsyncSession, partner_id: int, round_id: int) -> dict[str, str]:
    rows = await session.execute(
        select(Rating.statement_id, Rating.value).where(
            Rating.partner_id == partner_id, Rating.round_id == round_id
        )
    )
    return {statement_id: value for statement_id, value in rows}


@dataclass(frozen=True)
class Said:
    """One message's worth of what a partner said or sent, before it is stored."""

    kind: str  # text, voice, photo, document, video, audio
    text: str | None = None
    file_id: str | None = None
    file_unique_id: str | None = None
    mime_type: str | None = None
    file_name: str | None = None


async def keep(
    session: AsyncSession,
    partner_id: int,
    round_id: int,
    statement_id: str | None,
    purpose: str,
    said: Said,
    *,
    prompt_id: int | None = None,
) -> Evidence:
    evidence = Evidence(
        prompt_id=prompt_id,
        partner_id=partner_id,
        round_id=round_id,
        statement_id=statement_id,
        purpose=purpose,
        kind=said.kind,
        text=said.text,
        file_id=said.file_id,
        file_unique_id=said.file_unique_id,
        mime_type=said.mime_type,
        file_name=said.file_name,
    )
    session.add(evidence)
    await session.flush()
    return evidence


async def find_evidence(
    session: AsyncSession, evidence_id: int, partner_id: int
) -> Evidence | None:
    return await session.scalar(
        select(Evidence).where(Evidence.id == evidence_id, Evidence.partner_id == partner_id)
    )


async def evidence_for_statement(
    session: AsyncSession, partner_id: int, round_id: int, statement_id: str
) -> Sequence[Evidence]:
    rows = await session.scalars(
        select(Evidence)
        .where(
            Evidence.partner_id == partner_id,
            Evidence.round_id == round_id,
            Evidence.statement_id == statement_id,
        )
        .order_by(Evidence.id)
    )
    return rows.all()


async def linked_indicators(session: AsyncSession, evidence_id: int) -> set[str]:
    rows = await session.scalars(
        select(EvidenceIndicator.indicator_id).where(EvidenceIndicator.evidence_id == evidence_id)
    )
    return set(rows)


async def toggle_indicator(session: AsyncSession, evidence_id: int, indicator_id: str) -> bool:
    """Tie or untie evidence and an indicator; True when it is now tied."""
    removed = await session.execute(
        delete(EvidenceIndicator).where(
            EvidenceIndicator.evidence_id == evidence_id,
            EvidenceIndicator.indicator_id == indicator_id,
        )
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        return False
    session.add(EvidenceIndicator(evidence_id=evidence_id, indicator_id=indicator_id))
    await session.flush()
    return True


async def counts_of(session: AsyncSession, partner_id: int, round_id: int) -> tuple[int, int]:
    """(statements rated, examples given) by one partner in one round."""
    rated = await session.scalar(
        select(func.count(Rating.id)).where(
            Rating.partner_id == partner_id, Rating.round_id == round_id
        )
    )
    examples = await session.scalar(
        select(func.count(Evidence.id)).where(
            Evidence.partner_id == partner_id,
            Evidence.round_id == round_id,
            Evidence.purpose == "example",
        )
    )
    return int(rated or 0), int(examples or 0)
