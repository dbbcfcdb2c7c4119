"""Keeping personal data no longer than needed: erasing one partner, purging old rounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state.invites import Role
from bot.state.models import (
    AuditEntry,
    Broadcast,
    Evidence,
    EvidenceIndicator,
    Journey,
    Partner,
    Rating,
    Round,
    RoundTally,
    utcnow,
)
from bot.state.partners import erase_partner

ROLE_WORDS = {
    "parent carer": Role.PARENT_CARER,
    "young person": Role.YOUNG_PERSON,
    "practitioner": Role.PRACTITIONER,
}
PSEUDONYM = re.compile(r"^\s*([a-z ]+?)\s*(\d+)\s*$")


def pseudonym(role: str, number: int) -> str:
    """'Parent carer 12': how a partner is named wherever their words are shown."""
    words = next((w for w, r in ROLE_WORDS.items() if r.value == role), role)
    return f"{words.capitalize()} {number}"


def parse_pseudonym(text: str) -> tuple[Role, int] | None:
    match = PSEUDONYM.match(text.lower().replace("-", " "))
    if not match or match[1] not in ROLE_WORDS:
        return None
    return ROLE_WORDS[match[1]], int(match[2])


async def forget_by_pseudonym(
    session: AsyncSession, organisation_id: int, role: Role, number: int
) -> bool:
    """A co-ordinator carries out an erasure request made another way (a phone call, a letter)."""
    partner = await session.scalar(
        select(Partner).where(
            Partner.organisation_id == organisation_id,
            Partner.role == role.value,
            Partner.number == number,
        )
    )
    if partner is None:
        return False
    await erase_partner(session, partner, actor="coordinator")
    return True


def parse_age(text: str) -> timedelta:
    """'24m' (months), '2y', '90d' → a duration; ValueError with a usable message otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([dmy])\s*", text.lower())
    if not match or int(match[1]) == 0:
        raise ValueError("use a number and d, m or y, e.g. 24m for 24 months")
    days = {"d": 1, "m": 30, "y": 365}[match[2]] * int(match[1])
    return timedelta(days=days)


@dataclass(frozen=True)
class PurgeReport:
    rounds: int
    partners: int
    evidence: int


async def purge(
    session: AsyncSession, older_than: timedelta, now: datetime | None = None
) -> PurgeReport:
    """Remove the personal data of rounds closed before the cut-off, keeping anonymous counts.

    Partners left with no journey in any round are removed entirely (their contact with them).
    """
    cutoff = (now or utcnow()) - older_than
    rounds = list(
        await session.scalars(
            select(Round).where(
                Round.closed_at.is_not(None), Round.closed_at < cutoff, Round.purged_at.is_(None)
            )
        )
    )
    evidence_removed = 0
    for round_ in rounds:
        await _tally(session, round_.id)
        removed = await session.execute(delete(Evidence).where(Evidence.round_id == round_.id))
        evidence_removed += removed.rowcount  # type: ignore[attr-defined]
        await session.execute(delete(Rating).where(Rating.round_id == round_.id))
        await session.execute(delete(Journey).where(Journey.round_id == round_.id))
        await session.execute(delete(Broadcast).where(Broadcast.round_id == round_.id))
        round_.purged_at = utcnow()
        session.add(
            AuditEntry(
                organisation_id=round_.organisation_id,
                actor="retention",
                action="round.purged",
                detail={"round": round_.id},
            )
        )
    await session.flush()
    has_journey = select(Journey.id).where(Journey.partner_id == Partner.id).exists()
    orphans = list(
        await session.scalars(select(Partner).where(~has_journey, Partner.joined_at < cutoff))
    )
    for partner in orphans:
        await erase_partner(session, partner, actor="retention")
    return PurgeReport(len(rounds), len(orphans), evidence_removed)


async def _tally(session: AsyncSession, round_id: int) -> None:
    ratings = await session.execute(
        select(Rating.statement_id, Partner.role, Rating.value, func.count())
        .join(Partner, Partner.id == Rating.partner_id)
        .where(Rating.round_id == round_id)
        .group_by(Rating.statement_id, Partner.role, Rating.value)
    )
    for statement_id, role, value, count in ratings:
        session.add(
            RoundTally(
                round_id=round_id,
                kind="rating",
                statement_id=statement_id,
                role=role,
                value=value,
                count=count,
            )
        )
    tied = await session.execute(
        select(EvidenceIndicator.indicator_id, func.count())
        .join(Evidence, Evidence.id == EvidenceIndicator.evidence_id)
        .where(Evidence.round_id == round_id)
        .group_by(EvidenceIndicator.indicator_id)
    )
    for indicator_id, count in tied:
        session.add(
            RoundTally(round_id=round_id, kind="evidence", statement_id=indicator_id, count=count)
        )
    await session.flush()
