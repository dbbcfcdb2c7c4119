"""The data exports' rows, streamed from the database: one query per sheet, read in batches.

`stream()` with `yield_per` uses a server-side cursor on PostgreSQL, so the quarter of a million
ratings of 10,000 partners never sit in memory; each row becomes plain values as it arrives.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.content import Framework, Rating
from bot.export.media import media_name, reference
from bot.export.privacy import mask_optional, pseudonym
from bot.export.scope import Scope, scoped, took_part
from bot.export.voices import VOICES
from bot.state.models import Evidence, EvidenceIndicator, Journey, Partner
from bot.state.models import Rating as StoredRating

BATCH = 250  # rows per fetch: few round trips, and little held at once
Value = str | int | bool | datetime | None
Values = tuple[Value, ...]


@dataclass(frozen=True)
class Reading:
    """What every sheet's rows depend on."""

    scope: Scope
    framework: Framework
    words: dict[Rating, str]
    with_media: bool


async def _stream(
    session: AsyncSession, query: Select[*tuple[Any, ...]]
) -> AsyncIterator[Sequence[Any]]:
    result = await session.stream(query.execution_options(yield_per=BATCH))
    # A batch at a time across the async boundary: one hop per row would cost more than the row.
    while batch := await result.fetchmany(BATCH):
        for row in batch:
            yield row
        del batch, row  # gone before the next fetch, so only one batch is ever held
        # SQLite reads in place, without leaving the event loop: let partners' events (and
        # Telegram's) have a turn between batches of a long export.
        await asyncio.sleep(0)


def _voice_order() -> ColumnElement[int]:
    return case({voice.value: n for n, voice in enumerate(VOICES)}, value=Partner.role, else_=9)


async def responses(session: AsyncSession, reading: Reading) -> AsyncIterator[Values]:
    """A row per partner, a column per statement: the rating they gave, or None.

    One partner's ratings arrive together (the query is ordered by partner), so only that
    partner's answers are held while their row is made.
    """
    statements = [s.id for s in reading.framework.statements]
    query = scoped(
        select(Partner.role, Partner.number, StoredRating.statement_id, StoredRating.value),
        StoredRating,
        reading.scope,
    ).order_by(_voice_order(), Partner.number)
    partner: tuple[str, int] | None = None
    given: dict[str, str] = {}
    async for role, number, statement_id, value in _stream(session, query):
        if (role, number) != partner:
            if partner is not None:
                yield _answers(partner, given, statements)
            partner, given = (role, number), {}
        given[statement_id] = value
    if partner is not None:
        yield _answers(partner, given, statements)


def _answers(partner: tuple[str, int], given: dict[str, str], statements: list[str]) -> Values:
    role, number = partner
    return (pseudonym(role, number), role, *(given.get(s) for s in statements))


async def evidence(session: AsyncSession, reading: Reading) -> AsyncIterator[Values]:
    query = scoped(
        select(
            Evidence.id,
            Partner.role,
            Partner.number,
            Evidence.statement_id,
            Evidence.purpose,
            Evidence.kind,
            Evidence.text,
            Evidence.file_id.is_not(None),
            Evidence.mime_type,
            Evidence.file_name,
            Evidence.created_at,
            Evidence.edited_at,
            Partner.first_name,  # read only to take it out of their own words, never shown
        ),
        Evidence,
        reading.scope,
    ).order_by(Evidence.id)
    async for row in _stream(session, query):
        evidence_id, role, number, statement_id, purpose, kind, text, has_file = row[:8]
        mime_type, file_name, created_at, edited_at, first_name = row[8:]
        included = has_file and reading.with_media
        yield (
            reference(evidence_id),
            pseudonym(role, number),
            role,
            statement_id,
            purpose,
            kind,
            mask_optional(text, first_name),
            media_name(evidence_id, kind, mime_type, file_name) if included else None,
            created_at,
            edited_at,
        )


async def evidence_indicators(session: AsyncSession, reading: Reading) -> AsyncIterator[Values]:
    framework = reading.framework
    query = (
        scoped(select(Evidence.id, EvidenceIndicator.indicator_id), Evidence, reading.scope)
        .join(EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id)
        .order_by(Evidence.id, EvidenceIndicator.indicator_id)
    )
    known = {i.id: i for i in framework.indicators}
    async for evidence_id, indicator_id in _stream(session, query):
        indicator = known.get(indicator_id)
        yield (
            reference(evidence_id),
            indicator_id,
            indicator.statement_id if indicator else indicator_id.rsplit(".", 1)[0],
            indicator.own if indicator else None,
        )


async def coverage(session: AsyncSession, reading: Reading) -> AsyncIterator[Values]:
    """Every indicator of the tool (and the organisation's own), evidenced or not."""
    query = (
        scoped(
            select(
                EvidenceIndicator.indicator_id,
                Partner.role,
                func.count(distinct(Evidence.id)),
                func.count(distinct(Evidence.partner_id)),
            ),
            Evidence,
            reading.scope,
        )
        .join(EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id)
        .group_by(EvidenceIndicator.indicator_id, Partner.role)
    )
    counts: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    async for indicator_id, role, pieces, partners in _stream(session, query):
        counts[indicator_id][role] = (pieces, partners)
    for statement in reading.framework.statements:
        for indicator in statement.indicators:
            by_voice = counts.get(indicator.id, {})
            yield (
                statement.cornerstone_id,
                statement.id,
                indicator.id,
                indicator.letter,
                indicator.own,
                indicator.text,
                sum(pieces for pieces, _ in by_voice.values()),
                sum(partners for _, partners in by_voice.values()),
                *(by_voice.get(voice.value, (0, 0))[0] for voice in VOICES),
            )


async def partners(session: AsyncSession, reading: Reading) -> AsyncIterator[Values]:
    """Each partner who took part, with counts made per partner through the (partner, round)
    indexes: the same cheap plan however fresh the database's statistics are."""
    round_id = reading.scope.round.id

    def counted(model: type[StoredRating] | type[Evidence], *where: Any) -> Any:
        return (
            select(func.count())
            .where(model.partner_id == Partner.id, model.round_id == round_id, *where)
            .scalar_subquery()
        )

    query = (
        select(
            Partner.role,
            Partner.number,
            Journey.started_at,
            Journey.finished_at,
            counted(StoredRating),
            counted(Evidence, Evidence.purpose == "example"),
            counted(Evidence, Evidence.purpose == "note"),
        )
        .outerjoin(Journey, (Journey.partner_id == Partner.id) & (Journey.round_id == round_id))
        .where(took_part(reading.scope))
        .order_by(_voice_order(), Partner.number)
    )
    async for role, number, started, finished, n_rated, examples, notes in _stream(session, query):
        progress = "finished" if finished else "in progress" if started else "not started"
        yield (pseudonym(role, number), role, progress, n_rated, examples, notes, started, finished)
