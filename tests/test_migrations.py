"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and say when not run.

The other tests build their tables with `create_all` for speed; these tests are what make that
honest: a fresh database upgraded by the migrations has no difference from `Base.metadata`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.state import migrate
from bot.state.database import open_engine
from bot.state.models import Base


def _differences(connection: Connection, metadata: MetaData = Base.metadata) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _head() -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config("")).get_current_head()


async def test_upgrade_builds_exactly_the_models_schema(bare_engine: AsyncEngine) -> None:
    async with bare_engine.connect() as connection:
        before = await connection.run_sync(_differences)
    # Not a vacuous comparison: on the empty database every table is reported missing.
    missing = {diff[1].name for diff in before if diff[0] == "add_table"}
    assert missing == set(Base.metadata.tables)

    await migrate.upgrade(bare_engine)

    async with bare_engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_upgrade_twice_changes_nothing(bare_engine: AsyncEngine) -> None:
    await migrate.upgrade(bare_engine)
    async with bare_engine.connect() as connection:
        tables = await connection.run_sync(lambda c: sorted(inspect(c).get_table_names()))
    await migrate.upgrade(bare_engine)
    async with bare_engine.connect() as connection:
        assert await connection.run_sync(lambda c: sorted(inspect(c).get_table_names())) == tables
        assert await connection.run_sync(_differences) == []
        versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert [row[0] for row in versions] == [_head()]


async def test_require_current_refuses_an_empty_database_then_passes(
    bare_engine: AsyncEngine,
) -> None:
    with pytest.raises(migrate.NotUpgraded, match="cornerstones db upgrade"):
        await migrate.require_current(bare_engine)
    await migrate.upgrade(bare_engine)
    await migrate.require_current(bare_engine)


async def test_require_current_refuses_tables_made_without_the_migrations(
    bare_engine: AsyncEngine,
) -> None:
    async with bare_engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    with pytest.raises(migrate.NotUpgraded):
        await migrate.require_current(bare_engine)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_on_postgresql_everything_stays_in_the_search_path_schema(
    bare_engine: AsyncEngine,
) -> None:
    version_in_public = text("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    async with bare_engine.connect() as connection:
        public_before = (await connection.execute(version_in_public)).scalar_one()

    await migrate.upgrade(bare_engine)

    async with bare_engine.connect() as connection:
        schema = (await connection.execute(text("SELECT current_schema()"))).scalar_one()
        assert schema.startswith("test_")
        placed = await connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = :schema ORDER BY table_name"
            ),
            {"schema": schema},
        )
        assert {row[0] for row in placed} == {*Base.metadata.tables, "alembic_version"}
        assert (await connection.execute(version_in_public)).scalar_one() == public_before


async def test_sqlite_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        # Two connections checked out at once are two different DBAPI connections. (Each
        # transaction takes SQLite's write lock up front, so the first ends before the second.)
        async with engine.connect() as first:
            await _assert_pragmas(first)
            await first.commit()
            async with engine.connect() as second:
                await _assert_pragmas(second)
                one, other = await first.get_raw_connection(), await second.get_raw_connection()
                assert one.driver_connection is not other.driver_connection
        await engine.dispose()  # and one made afresh once the pool has been emptied
        async with engine.connect() as third:
            await _assert_pragmas(third)
    finally:
        await engine.dispose()


async def _assert_pragmas(connection: AsyncConnection) -> None:
    async def pragma(name: str) -> object:
        return (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()

    assert str(await pragma("journal_mode")).lower() == "wal"
    assert await pragma("foreign_keys") == 1
    # On the event loop SQLite never waits for a lock (busy_timeout 0); the driver waits on a
    # worker thread instead, up to its patience (see test_sqlite_in_place).
    assert await pragma("busy_timeout") == 0
    raw = await connection.get_raw_connection()
    assert raw.driver_connection is not None
    assert raw.driver_connection.patience >= 5
    assert await pragma("synchronous") == 1  # NORMAL: safe with WAL, and much faster than FULL
