"""Invite links: random tokens, stored only as hashes, that let a person join in a role."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state.models import Invite, utcnow

# Telegram deep links carry at most 64 characters of [A-Za-z0-9_-]; 32 bytes → 43 characters.
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Role(StrEnum):
    PARENT_CARER = "parent-carer"
    YOUNG_PERSON = "young-person"
    PRACTITIONER = "practitioner"
    COORDINATOR = "coordinator"


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


@dataclass(frozen=True)
class IssuedInvite:
    invite: Invite
    token: str  # shown once, never stored


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_invite(
    session: AsyncSession,
    organisation_id: int,
    role: Role,
    *,
    expires_in: timedelta | None = None,
    max_uses: int | None = None,
) -> IssuedInvite:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite(
        organisation_id=organisation_id,
        role=role.value,
        token_hash=hash_token(token),
        expires_at=utcnow() + expires_in if expires_in else None,
        max_uses=max_uses,
    )
    session.add(invite)
    await session.flush()
    return IssuedInvite(invite, token)


async def check_invite(
    session: AsyncSession, token: str, now: datetime | None = None
) -> Invite | InviteProblem:
    """The invite a token opens, or why it opens nothing."""
    if not TOKEN_SHAPE.match(token):
        return InviteProblem.UNKNOWN
    invite = await session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
    now = now or utcnow()
    if invite is None:
        return InviteProblem.UNKNOWN
    if invite.revoked_at is not None:
        return InviteProblem.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteProblem.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteProblem.USED_UP
    return invite


async def use_invite(session: AsyncSession, invite: Invite) -> bool:
    """Count one use, atomically: two people racing for the last use cannot both have it."""
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite.id,
            (Invite.max_uses.is_(None)) | (Invite.uses < Invite.max_uses),
        )
        .values(uses=Invite.uses + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_invite(session: AsyncSession, invite_id: int, organisation_id: int) -> bool:
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.organisation_id == organisation_id,
            Invite.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_invites(session: AsyncSession, organisation_id: int) -> list[Invite]:
    rows = await session.scalars(
        select(Invite).where(Invite.organisation_id == organisation_id).order_by(Invite.id)
    )
    return list(rows)
