"""Which organisation and round an export is about, found by the names a co-ordinator uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state.models import Evidence, Journey, Partner, Rating, Round, SafeguardingAlert
from bot.state.organisations import find_organisation

Columns = TypeVarTuple("Columns")


class ExportError(Exception):
    """An export that cannot be made as asked; the message says what to do instead."""


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    opened_at: datetime
    closed_at: datetime | None
    purged_at: datetime | None  # retention removed its answers; only anonymous counts remain


@dataclass(frozen=True)
class Scope:
    """One organisation's round: every export query is limited to exactly this."""

    organisation_id: int
    organisation: str
    slug: str
    time_zone: str
    round: RoundInfo
    previous: RoundInfo | None  # the round before, to compare ratings with


async def find_scope(session: AsyncSession, organisation: str, round_name: str | None) -> Scope:
    """The organisation (by name or slug) and its round (by name; the newest if None)."""
    found = await find_organisation(session, organisation)
    if found is None:
        raise ExportError(
            f"No organisation called {organisation!r}. Check the spelling, or the name "
            "`cornerstones org create` was given."
        )
    rounds = [
        _info(r)
        for r in await session.scalars(
            select(Round)
            .where(Round.organisation_id == found.id)
            .order_by(Round.opened_at.desc(), Round.id.desc())
        )
    ]
    if not rounds:
        raise ExportError(f"{found.name} has no rounds yet, so there is nothing to export.")
    chosen = rounds[0] if round_name is None else _named(rounds, round_name, found.name)
    later_first = rounds[rounds.index(chosen) + 1 :]
    return Scope(
        organisation_id=found.id,
        organisation=found.name,
        slug=found.slug,
        time_zone=found.time_zone,
        round=chosen,
        previous=later_first[0] if later_first else None,
    )


async def require_answers(session: AsyncSession, scope: Scope) -> None:
    """Stop before writing anything when nobody has said anything in the round."""
    if scope.round.purged_at is not None:
        raise ExportError(
            f"The answers of the round {scope.round.name!r} of {scope.organisation} were removed "
            f"on {scope.round.purged_at:%d %B %Y}, as the retention policy asks; only anonymous "
            "counts remain, shown beside the next round's export."
        )
    for model in (Rating, Evidence):
        found = await session.scalar(scoped(select(func.count()), model, scope))
        if found:
            return
    raise ExportError(
        f"Nobody has answered in the round {scope.round.name!r} of {scope.organisation} yet, "
        "so there is nothing to export. Try again once partners have taken part"
        + (f", or export the round {scope.previous.name!r}." if scope.previous else ".")
    )


def _named(rounds: list[RoundInfo], wanted: str, organisation: str) -> RoundInfo:
    key = " ".join(wanted.split()).casefold()
    for found in rounds:  # newest first: two rounds with one name means the newer
        if " ".join(found.name.split()).casefold() == key:
            return found
    names = ", ".join(repr(r.name) for r in rounds)
    raise ExportError(f"{organisation} has no round called {wanted!r}. Its rounds are: {names}.")


def _info(round_: Round) -> RoundInfo:
    return RoundInfo(round_.id, round_.name, round_.opened_at, round_.closed_at, round_.purged_at)


Answered = type[Rating] | type[Evidence] | type[Journey]


def scoped(
    query: Select[*Columns], model: Answered, scope: Scope, round_id: int | None = None
) -> Select[*Columns]:
    """`query` over `model` limited to the scope's organisation and round (or `round_id`).

    The round alone would do, as rounds belong to one organisation; the partner's organisation
    is checked as well so that a wrong round id can never show another organisation's words.
    """
    limited = (
        query.select_from(model)
        .join(Partner, Partner.id == model.partner_id)
        .where(
            model.round_id == (scope.round.id if round_id is None else round_id),
            Partner.organisation_id == scope.organisation_id,
        )
    )
    if model is Evidence:
        # Words that raised a safeguarding alert stay out until a lead releases them.
        held_back = exists().where(
            SafeguardingAlert.evidence_id == Evidence.id, SafeguardingAlert.released.is_(False)
        )
        limited = limited.where(~held_back)
    return limited


def took_part(scope: Scope) -> ColumnElement[bool]:
    """A partner of the organisation who began the round, rated or said anything in it.

    Asked of each partner through EXISTS on the (partner, round) indexes, not as a join of
    grouped subqueries: the plan stays a lookup per partner even when the planner's statistics
    are stale (just after a bulk import), where a join can turn quadratic.
    """
    in_round = (
        exists()
        .where(model.partner_id == Partner.id, model.round_id == scope.round.id)
        .correlate(Partner)  # only the partner: a query may join journeys too
        for model in (Journey, Rating, Evidence)
    )
    return and_(Partner.organisation_id == scope.organisation_id, or_(*in_round))
