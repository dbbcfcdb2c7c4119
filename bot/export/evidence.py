"""What partners said, as the completed tool quotes it: one statement's evidence at a time.

Queries are per statement so that memory follows the size of one statement's evidence, never
the whole round's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Audience, Framework, Statement
from bot.export.media import media_name, reference
from bot.export.privacy import mask_optional, pseudonym
from bot.export.scope import Scope, scoped
from bot.state.models import Evidence, EvidenceIndicator, Partner

_COLUMNS = (
    Evidence.id,
    Evidence.purpose,
    Evidence.kind,
    Evidence.text,
    Evidence.file_id.is_not(None),
    Evidence.mime_type,
    Evidence.file_name,
    Evidence.created_at,
    Partner.role,
    Partner.number,
    Partner.first_name,  # read only to take it out of their own words, never shown
)


@dataclass(frozen=True)
class Quote:
    """One piece of evidence: whose (by pseudonym), when, and what they said or sent."""

    reference: str  # "E42"
    partner: str  # "Parent carer 12"
    voice: Audience | None
    said_on: date
    purpose: str  # "example" or "note"
    kind: str  # text, voice, photo, document, video, audio
    text: str | None  # their words or caption, with contact details masked
    media: str | None  # "media/E42-voice.oga" for a file; None for words alone


@dataclass(frozen=True)
class StatementEvidence:
    by_indicator: dict[str, list[Quote]]  # indicator id → evidence tied to it
    other: list[Quote]  # said on this statement, tied to none of the tool's indicators


async def statement_evidence(
    session: AsyncSession, scope: Scope, framework: Framework, statement: Statement
) -> StatementEvidence:
    zone = ZoneInfo(scope.time_zone)
    wanted = [indicator.id for indicator in statement.indicators]
    # Plain execute, not stream: one statement's evidence is what memory is sized for.
    linked = await session.execute(
        scoped(select(EvidenceIndicator.indicator_id, *_COLUMNS), Evidence, scope)
        .join(EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id)
        .where(EvidenceIndicator.indicator_id.in_(wanted))
        .order_by(Evidence.created_at, Evidence.id)
    )
    by_indicator: dict[str, list[Quote]] = defaultdict(list)
    for row in linked:
        by_indicator[row[0]].append(_quote(row[1:], zone))
    other = await _untied(session, scope, framework, statement.id, zone)
    return StatementEvidence(dict(by_indicator), other)


async def general_notes(session: AsyncSession, scope: Scope, framework: Framework) -> list[Quote]:
    """What partners said after their last statement, about nothing in particular."""
    return await _untied(session, scope, framework, None, ZoneInfo(scope.time_zone))


async def _untied(
    session: AsyncSession,
    scope: Scope,
    framework: Framework,
    statement_id: str | None,
    zone: ZoneInfo,
) -> list[Quote]:
    # Tied only to an indicator no longer in the framework counts as untied: never lost.
    known = [indicator.id for indicator in framework.indicators]
    tied = exists().where(
        EvidenceIndicator.evidence_id == Evidence.id, EvidenceIndicator.indicator_id.in_(known)
    )
    on_statement = (
        Evidence.statement_id.is_(None)
        if statement_id is None
        else Evidence.statement_id == statement_id
    )
    rows = await session.execute(
        scoped(select(*_COLUMNS), Evidence, scope)
        .where(on_statement, ~tied)
        .order_by(Evidence.created_at, Evidence.id)
    )
    return [_quote(row, zone) for row in rows]


def _quote(row: Sequence[Any], zone: ZoneInfo) -> Quote:
    evidence_id, purpose, kind, text, has_file, mime_type, file_name, created_at = row[:8]
    role, number, first_name = row[8:]
    at: datetime = created_at
    return Quote(
        reference=reference(evidence_id),
        partner=pseudonym(role, number),
        voice=Audience(role) if role in Audience._value2member_map_ else None,
        said_on=at.astimezone(zone).date(),
        purpose=purpose,
        kind=kind,
        text=mask_optional(text, first_name),
        media=media_name(evidence_id, kind, mime_type, file_name) if has_file else None,
    )
