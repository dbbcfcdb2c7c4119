"""Organisations and their rounds."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state.models import Organisation, Round, utcnow


class OrganisationError(Exception):
    """Something about an organisation a person asked for that cannot be done as asked."""


def slug_for(name: str) -> str:
    """'Oak Tree School' → 'oak-tree-school': names the organisation's content overlay file."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80] or "organisation"


async def create_organisation(
    session: AsyncSession,
    name: str,
    calls_itself: str,
    *,
    calls_itself_to: dict[str, str] | None = None,
    time_zone: str = "Europe/London",
    first_round: str | None = None,
) -> tuple[Organisation, Round]:
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("An organisation needs a name.")
    if len(name) > 200:
        raise OrganisationError("That name is too long (200 characters at most).")
    if await find_organisation(session, name) is not None:
        raise OrganisationError(f"There is already an organisation called {name!r}.")
    slug = slug_for(name)
    taken = await session.scalar(select(Organisation.id).where(Organisation.slug == slug))
    if taken is not None:
        raise OrganisationError(f"{name!r} is too like an existing organisation's name ({slug}).")
    names = {"default": calls_itself.strip() or name, **(calls_itself_to or {})}
    organisation = Organisation(name=name, slug=slug, setting_names=names, time_zone=time_zone)
    session.add(organisation)
    await session.flush()
    round_ = Round(
        organisation_id=organisation.id, name=first_round or f"{utcnow():%B %Y}", opened_at=utcnow()
    )
    session.add(round_)
    await session.flush()
    return organisation, round_


async def find_organisation(session: AsyncSession, name_or_slug: str) -> Organisation | None:
    wanted = " ".join(name_or_slug.split())
    return await session.scalar(
        select(Organisation).where(
            (Organisation.name == wanted) | (Organisation.slug == slug_for(wanted))
        )
    )


async def open_round(session: AsyncSession, organisation_id: int) -> Round | None:
    return await session.scalar(
        select(Round)
        .where(Round.organisation_id == organisation_id, Round.closed_at.is_(None))
        .order_by(Round.opened_at.desc())
        .limit(1)
    )
