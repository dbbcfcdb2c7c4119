"""Running the Alembic migrations from code (`cornerstones db upgrade`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Percent signs in a password would otherwise be read as interpolation.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database at `engine` up to `revision`, inside the caller's event loop."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


class NotUpgraded(Exception):
    """The database's tables are missing or older than this code."""


async def require_current(engine: AsyncEngine) -> None:
    """Refuse to work on a database the migrations have not brought up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()

    def current(connection: object) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()  # type: ignore[arg-type]

    async with engine.connect() as connection:
        revision = await connection.run_sync(current)
    if revision != head:
        raise NotUpgraded(
            "The database is not set up for this version: run `cornerstones db upgrade` first."
        )
