"""Erasure requests made another way, and purging old rounds while keeping anonymous counts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from bot.cli import main
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.invites import Role
from bot.state.models import (
    AuditEntry,
    Contact,
    Evidence,
    Journey,
    Partner,
    Rating,
    Round,
    RoundTally,
    utcnow,
)
from bot.state.organisations import create_organisation
from bot.state.retention import forget_by_pseudonym, parse_age, parse_pseudonym, pseudonym, purge
from tests.chat import Chat, organisation_with_invites, play


def test_pseudonyms_read_back_the_way_exports_write_them() -> None:
    assert pseudonym("parent-carer", 12) == "Parent carer 12"
    assert parse_pseudonym("Parent carer 12") == (Role.PARENT_CARER, 12)
    assert parse_pseudonym("  young-person 3 ") == (Role.YOUNG_PERSON, 3)
    assert parse_pseudonym("Coordinator 1") is None
    assert parse_pseudonym("Parent carer") is None


@pytest.mark.parametrize("bad", ["", "24", "m", "0m", "24 weeks", "-3m"])
def test_a_retention_age_must_be_a_number_and_unit(bad: str) -> None:
    with pytest.raises(ValueError, match="24m"):
        parse_age(bad)


async def answered(engine: Engine, sessions: SessionFactory, address: str, token: str) -> None:
    chat = Chat(engine, address=address)
    await play(
        chat,
        [
            (f"/start {token}", ""),
            ("[Yes]", ""),
            ("[Mostly]", ""),
            ("We are greeted at the gate by name.", "Done"),
            ("[Done]", ""),
        ],
    )
    await chat.press(chat.button("Move on").label)


async def test_forget_by_pseudonym_erases_only_that_partner(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    await answered(engine, sessions, "a", invites.parent_carer)
    await answered(engine, sessions, "b", invites.parent_carer)
    async with sessions() as session, session.begin():
        organisation_id = await session.scalar(select(Partner.organisation_id))
        assert organisation_id is not None
        assert await forget_by_pseudonym(session, organisation_id, Role.PARENT_CARER, 1)
        assert not await forget_by_pseudonym(session, organisation_id, Role.PARENT_CARER, 1)
        assert not await forget_by_pseudonym(session, organisation_id + 99, Role.PARENT_CARER, 2)
    async with sessions() as session:
        assert list(await session.scalars(select(Partner.number))) == [2]
        assert await session.scalar(select(func.count(Evidence.id))) == 1
        actions = list(await session.scalars(select(AuditEntry.actor)))
    assert actions == ["coordinator"]


async def test_purge_removes_old_rounds_personal_data_and_keeps_counts(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    await answered(engine, sessions, "old", invites.parent_carer)
    async with sessions() as session, session.begin():
        old_round = await session.scalar(select(Round))
        assert old_round is not None
        long_ago = utcnow() - timedelta(days=800)
        old_round.closed_at = long_ago
        await session.execute(update(Partner).values(joined_at=long_ago))
        organisation_id = old_round.organisation_id
        session.add(Round(organisation_id=organisation_id, name="This year"))
    await answered(engine, sessions, "new", invites.young_person)
    async with sessions() as session, session.begin():
        report = await purge(session, timedelta(days=730))
    assert (report.rounds, report.partners, report.evidence) == (1, 1, 1)
    async with sessions() as session:
        tallies = [
            (t.kind, t.statement_id, t.role, t.value, t.count)
            for t in await session.scalars(select(RoundTally).order_by(RoundTally.id))
        ]
        assert tallies == [("rating", "1.i", "parent-carer", "mostly", 1)]
        # The young person of the open round keeps everything; the old partner is gone.
        assert list(await session.scalars(select(Partner.role))) == ["young-person"]
        assert await session.scalar(select(func.count(Contact.id))) == 1
        assert await session.scalar(select(func.count(Rating.id))) == 1
        assert await session.scalar(select(func.count(Journey.id))) == 1
    async with sessions() as session, session.begin():
        again = await purge(session, timedelta(days=730))
    assert again.rounds == 0  # a purged round is not tallied twice


def test_cli_purge_and_partner_forget(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    env = {"CORNERSTONES_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": ""}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    created = runner.invoke(main, ["org", "create", "Oak", "--calls-itself", "the school"], env=env)
    assert created.exit_code == 0, created.output
    result = runner.invoke(main, ["purge", "--older-than", "24m"], env=env)
    assert result.exit_code == 0 and "Purged 0 round(s)" in result.output
    result = runner.invoke(main, ["purge", "--older-than", "soon"], env=env)
    assert result.exit_code != 0 and "24m" in result.output
    result = runner.invoke(
        main, ["partner", "forget", "Parent carer 1", "--org", "Oak", "--yes"], env=env
    )
    assert result.exit_code != 0 and "No partner 'Parent carer 1'" in result.output
    result = runner.invoke(
        main, ["partner", "forget", "Mr Smith", "--org", "Oak", "--yes"], env=env
    )
    assert result.exit_code != 0 and "pseudonym" in result.output


async def test_an_organisation_needs_a_name(sessions: SessionFactory) -> None:
    from bot.state.organisations import OrganisationError

    async with sessions() as session, session.begin():
        with pytest.raises(OrganisationError):
            await create_organisation(session, "   ", "the school")
