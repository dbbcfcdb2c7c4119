"""What co-ordinators read and change: rounds, audiences, figures, prompts and their replies.

Every query takes the co-ordinator's organisation and is limited to it, so nothing a co-ordinator
asks for (a round, a prompt number, an invite, a colleague) can reach another organisation.
Figures are counts only; replies carry a pseudonym's parts (role, number), never a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVarTuple

from sqlalchemy import CompoundSelect, Select, distinct, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state.models import (
    Contact,
    Coordinator,
    Evidence,
    EvidenceIndicator,
    Invite,
    Journey,
    Organisation,
    Partner,
    Prompt,
    Rating,
    Round,
    SafeguardingAlert,
    utcnow,
)

Row = TypeVarTuple("Row")  # a query's columns


class Reach(StrEnum):
    """Who a broadcast goes to; stored as `Prompt.audience`."""

    EVERYONE = "everyone"
    PARENT_CARER = "parent-carer"
    YOUNG_PERSON = "young-person"
    PRACTITIONER = "practitioner"
    NOT_STARTED = "not_started"
    NOT_FINISHED = "not_finished"


ROLES = (Reach.PARENT_CARER, Reach.YOUNG_PERSON, Reach.PRACTITIONER)


# ---- co-ordinators ---------------------------------------------------------------------------


async def lock_coordinator(session: AsyncSession, coordinator_id: int) -> Coordinator | None:
    """The co-ordinator's row, locked: their events apply one at a time, as a partner's do."""
    return await session.scalar(
        select(Coordinator).where(Coordinator.id == coordinator_id).with_for_update()
    )


async def coordinators_of(session: AsyncSession, organisation_id: int) -> list[Coordinator]:
    rows = await session.scalars(
        select(Coordinator)
        .where(Coordinator.organisation_id == organisation_id)
        .order_by(Coordinator.id)
    )
    return list(rows)


async def toggle_lead(
    session: AsyncSession, organisation_id: int, coordinator_id: int
) -> bool | None:
    """Make a colleague a safeguarding lead or not; the new value, or None if not a colleague."""
    colleague = await session.scalar(
        select(Coordinator).where(
            Coordinator.id == coordinator_id, Coordinator.organisation_id == organisation_id
        )
    )
    if colleague is None:
        return None
    colleague.safeguarding_lead = not colleague.safeguarding_lead
    await session.flush()
    return colleague.safeguarding_lead


# ---- rounds ----------------------------------------------------------------------------------


async def rounds_of(session: AsyncSession, organisation_id: int) -> list[Round]:
    """Oldest first: a round's place in this list (from 1) is the number co-ordinators use."""
    rows = await session.scalars(
        select(Round)
        .where(Round.organisation_id == organisation_id)
        .order_by(Round.opened_at, Round.id)
    )
    return list(rows)


async def open_new_round(
    session: AsyncSession, organisation_id: int, name: str
) -> tuple[Round, Round | None]:
    """Close the open round (if any) and open another: (the new round, the one closed)."""
    closed = await close_open_round(session, organisation_id)
    round_ = Round(organisation_id=organisation_id, name=name, opened_at=utcnow())
    session.add(round_)
    await session.flush()
    return round_, closed


async def close_open_round(session: AsyncSession, organisation_id: int) -> Round | None:
    open_rounds = await session.scalars(
        select(Round).where(Round.organisation_id == organisation_id, Round.closed_at.is_(None))
    )
    closed = None
    for round_ in open_rounds:
        round_.closed_at = utcnow()
        closed = round_
    await session.flush()
    return closed


# ---- audiences -------------------------------------------------------------------------------


def _reachable(organisation_id: int) -> Select[int]:
    """Partners a broadcast may go to: consented, with an address, not known to have blocked us."""
    return (
        select(Partner.id)
        .join(Contact, Contact.partner_id == Partner.id)
        .where(
            Partner.organisation_id == organisation_id,
            Partner.consented_at.is_not(None),
            Partner.unreachable_at.is_(None),
        )
    )


def _started(round_id: int) -> CompoundSelect[int]:
    """Partners who have answered a statement or said something in the round."""
    rated = select(Rating.partner_id).where(Rating.round_id == round_id)
    said = select(Evidence.partner_id).where(Evidence.round_id == round_id)
    return rated.union(said)


def _finished(round_id: int) -> Select[int]:
    return select(Journey.partner_id).where(
        Journey.round_id == round_id, Journey.finished_at.is_not(None)
    )


def _audience(organisation_id: int, round_id: int, reach: Reach) -> Select[int]:
    query = _reachable(organisation_id)
    if reach in ROLES:
        return query.where(Partner.role == reach.value)
    if reach is Reach.NOT_STARTED:
        return query.where(Partner.id.not_in(_started(round_id)))
    if reach is Reach.NOT_FINISHED:
        return query.where(Partner.id.not_in(_finished(round_id)))
    return query


async def audience(
    session: AsyncSession, organisation_id: int, round_id: int, reach: Reach
) -> list[int]:
    """The partner ids a broadcast to `reach` goes to, in the order they joined."""
    rows = await session.scalars(_audience(organisation_id, round_id, reach).order_by(Partner.id))
    return list(rows)


@dataclass(frozen=True)
class Reminding:
    due: list[int]  # partner ids to remind now
    spaced: int  # left out: reminded fewer than `every` days ago


def reminder_spacing(organisation: Organisation) -> timedelta:
    """Each partner gets at most one reminder in this long, whoever sends it."""
    return timedelta(days=max(1, organisation.reminder_every_days))


async def due_for_reminder(
    session: AsyncSession,
    organisation_id: int,
    round_id: int,
    reach: Reach,
    every: timedelta,
    now: datetime | None = None,
) -> Reminding:
    everyone = _audience(organisation_id, round_id, reach)
    since = (now or utcnow()) - every
    rested = (Partner.last_reminded_at.is_(None)) | (Partner.last_reminded_at <= since)
    due = list(await session.scalars(everyone.where(rested).order_by(Partner.id)))
    total = await session.scalar(select(func.count()).select_from(everyone.subquery()))
    return Reminding(due=due, spaced=int(total or 0) - len(due))


async def mark_reminded(session: AsyncSession, partner_ids: Sequence[int], when: datetime) -> None:
    if partner_ids:
        await session.execute(
            update(Partner).where(Partner.id.in_(partner_ids)).values(last_reminded_at=when)
        )


# ---- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleFigures:
    joined: int = 0  # consented partners of this role
    started: int = 0
    finished: int = 0


@dataclass(frozen=True)
class Figures:
    """A round's progress, as counts: nothing here can say who anyone is."""

    by_role: dict[str, RoleFigures]
    answers: int  # ratings given
    statements_answered: int  # statements with at least one rating
    evidence: int  # examples, notes and prompt replies
    unreachable: int  # partners who blocked the bot
    indicators: frozenset[str]  # ids of indicators with at least one piece of evidence


async def round_figures(session: AsyncSession, organisation_id: int, round_id: int) -> Figures:
    consented = Partner.organisation_id == organisation_id, Partner.consented_at.is_not(None)
    by_role: dict[str, RoleFigures] = {}
    for column, field in (
        (None, "joined"),
        (Partner.id.in_(_started(round_id)), "started"),
        (Partner.id.in_(_finished(round_id)), "finished"),
    ):
        query = select(Partner.role, func.count()).where(*consented).group_by(Partner.role)
        for role, count in await session.execute(query if column is None else query.where(column)):
            figures = by_role.get(role, RoleFigures())
            by_role[role] = replace(figures, **{field: count})
    ours = select(Partner.id).where(Partner.organisation_id == organisation_id)
    answers, statements = (
        await session.execute(
            select(func.count(Rating.id), func.count(distinct(Rating.statement_id))).where(
                Rating.round_id == round_id, Rating.partner_id.in_(ours)
            )
        )
    ).one()
    evidence = await session.scalar(
        select(func.count(Evidence.id)).where(
            Evidence.round_id == round_id, Evidence.partner_id.in_(ours)
        )
    )
    unreachable = await session.scalar(
        select(func.count(Partner.id)).where(*consented, Partner.unreachable_at.is_not(None))
    )
    indicators = await session.scalars(
        select(EvidenceIndicator.indicator_id)
        .distinct()
        .join(Evidence, Evidence.id == EvidenceIndicator.evidence_id)
        .where(Evidence.round_id == round_id, Evidence.partner_id.in_(ours))
    )
    return Figures(
        by_role=by_role,
        answers=int(answers or 0),
        statements_answered=int(statements or 0),
        evidence=int(evidence or 0),
        unreachable=int(unreachable or 0),
        indicators=frozenset(indicators),
    )


# ---- prompts and replies ---------------------------------------------------------------------


async def find_prompt(session: AsyncSession, organisation_id: int, prompt_id: int) -> Prompt | None:
    return await session.scalar(
        select(Prompt).where(Prompt.id == prompt_id, Prompt.organisation_id == organisation_id)
    )


async def prompts_with_replies(
    session: AsyncSession, organisation_id: int, limit: int
) -> list[tuple[Prompt, int]]:
    """The newest prompts first, each with how many replies it has had."""
    replies = (
        select(func.count(Evidence.id)).where(Evidence.prompt_id == Prompt.id).scalar_subquery()
    )
    rows = await session.execute(
        select(Prompt, replies)
        .where(Prompt.organisation_id == organisation_id)
        .order_by(Prompt.id.desc())
        .limit(limit)
    )
    return [(prompt, int(count)) for prompt, count in rows]


@dataclass(frozen=True)
class PromptReply:
    role: str
    number: int  # with `role`, the partner's pseudonym
    kind: str  # text, voice, photo …
    text: str | None
    held_back: bool  # flagged for the safeguarding lead and not yet released
    evidence_id: int
    statement_id: str | None  # the statement it counts for, if the prompt or a co-ordinator said


async def replies_to(
    session: AsyncSession, organisation_id: int, prompt_id: int
) -> list[PromptReply]:
    held = exists().where(
        SafeguardingAlert.evidence_id == Evidence.id, SafeguardingAlert.released.is_(False)
    )
    query = select(
        Partner.role,
        Partner.number,
        Evidence.kind,
        Evidence.text,
        held,
        Evidence.id,
        Evidence.statement_id,
    )
    rows = await session.execute(
        _replies_to_own_prompt(query, organisation_id, prompt_id).order_by(Evidence.id)
    )
    return [PromptReply(*row) for row in rows]


async def reply_evidence(
    session: AsyncSession, organisation_id: int, prompt_id: int, evidence_id: int
) -> Evidence | None:
    """One reply to one of the organisation's prompts, from a partner of the organisation."""
    query = select(Evidence).where(Evidence.id == evidence_id)
    return await session.scalar(_replies_to_own_prompt(query, organisation_id, prompt_id))


def _replies_to_own_prompt(
    query: Select[*Row], organisation_id: int, prompt_id: int
) -> Select[*Row]:
    """`query` over the evidence that answers this prompt of the organisation's, from one of
    its partners: one organisation never sees another's replies."""
    return (
        query.join(Partner, Partner.id == Evidence.partner_id)
        .join(Prompt, Prompt.id == Evidence.prompt_id)
        .where(
            Evidence.prompt_id == prompt_id,
            Prompt.organisation_id == organisation_id,
            Partner.organisation_id == organisation_id,
        )
    )


async def indicators_of(session: AsyncSession, evidence_ids: Sequence[int]) -> dict[int, set[str]]:
    """The indicators each piece of evidence is tied to (evidence tied to none is left out)."""
    tied: dict[int, set[str]] = {}
    if evidence_ids:
        rows = await session.execute(
            select(EvidenceIndicator.evidence_id, EvidenceIndicator.indicator_id).where(
                EvidenceIndicator.evidence_id.in_(evidence_ids)
            )
        )
        for evidence_id, indicator_id in rows:
            tied.setdefault(evidence_id, set()).add(indicator_id)
    return tied


# ---- invites ---------------------------------------------------------------------------------


async def open_invites(session: AsyncSession, organisation_id: int) -> list[Invite]:
    """Invites that still let someone join: not revoked, not expired, not used up."""
    now = utcnow()
    rows = await session.scalars(
        select(Invite)
        .where(
            Invite.organisation_id == organisation_id,
            Invite.revoked_at.is_(None),
            (Invite.expires_at.is_(None)) | (Invite.expires_at > now),
            (Invite.max_uses.is_(None)) | (Invite.uses < Invite.max_uses),
        )
        .order_by(Invite.id)
    )
    return list(rows)
