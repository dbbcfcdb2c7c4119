"""Counts over a round, made by the database in grouped queries, never row by row in Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Audience, Rating
from bot.export.scope import RoundInfo, Scope, scoped, took_part
from bot.export.voices import Tally
from bot.state.models import Evidence, EvidenceIndicator, Partner, Round, RoundTally
from bot.state.models import Rating as StoredRating

_VOICES = {voice.value: voice for voice in Audience}
_RATINGS = {rating.value: rating for rating in Rating}


async def rating_tallies(session: AsyncSession, scope: Scope) -> dict[str, Tally]:
    """Each statement's ratings by voice in the scope's round."""
    return await _tallies(session, scope, scope.round)


async def previous_tallies(session: AsyncSession, scope: Scope) -> dict[str, Tally] | None:
    """The same for the round before, if there was one, from the counts kept if it was purged."""
    if scope.previous is None:
        return None
    return await _tallies(session, scope, scope.previous)


async def _tallies(session: AsyncSession, scope: Scope, round_: RoundInfo) -> dict[str, Tally]:
    if round_.purged_at is not None:
        rows = await session.execute(
            select(RoundTally.statement_id, RoundTally.role, RoundTally.value, RoundTally.count)
            .join(Round, Round.id == RoundTally.round_id)
            .where(
                RoundTally.round_id == round_.id,
                RoundTally.kind == "rating",
                Round.organisation_id == scope.organisation_id,
            )
        )
        return _by_statement(rows)
    rows = await session.execute(
        scoped(
            select(StoredRating.statement_id, Partner.role, StoredRating.value, func.count()),
            StoredRating,
            scope,
            round_.id,
        ).group_by(StoredRating.statement_id, Partner.role, StoredRating.value)
    )
    return _by_statement(rows)


def _by_statement(rows: Iterable[Sequence[Any]]) -> dict[str, Tally]:
    counts: dict[str, dict[Audience, dict[Rating, int]]] = defaultdict(lambda: defaultdict(dict))
    for statement_id, role, value, count in rows:
        voice, rating = _VOICES.get(role), _RATINGS.get(value)
        if voice is not None and rating is not None:
            counts[statement_id][voice][rating] = count
    return {statement_id: Tally(dict(by_voice)) for statement_id, by_voice in counts.items()}


async def participants(session: AsyncSession, scope: Scope) -> dict[Audience, int]:
    """How many of each voice took part in the round: began it, rated or said anything."""
    rows = await session.execute(
        select(Partner.role, func.count()).where(took_part(scope)).group_by(Partner.role)
    )
    return {_VOICES[role]: count for role, count in rows if role in _VOICES}


async def indicator_counts(session: AsyncSession, scope: Scope) -> dict[str, tuple[int, int]]:
    """Per indicator: (pieces of evidence tied to it, partners who gave them)."""
    rows = await session.execute(
        scoped(
            select(
                EvidenceIndicator.indicator_id,
                func.count(distinct(Evidence.id)),
                func.count(distinct(Evidence.partner_id)),
            ),
            Evidence,
            scope,
        )
        .join(EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id)
        .group_by(EvidenceIndicator.indicator_id)
    )
    return {indicator_id: (pieces, partners) for indicator_id, pieces, partners in rows}


async def evidence_by_statement(session: AsyncSession, scope: Scope) -> dict[str | None, int]:
    """Pieces of evidence given while on each statement (None: after the last one)."""
    rows = await session.execute(
        scoped(select(Evidence.statement_id, func.count()), Evidence, scope).group_by(
            Evidence.statement_id
        )
    )
    return {statement_id: count for statement_id, count in rows}
