"""What every `cornerstones` command shares: the command group, settings, running async work
with database trouble said in one line, and sessions on a database that is up to date."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.config import Settings, SettingsError, load_settings
from bot.content import ContentError
from bot.state import migrate
from bot.state.database import SessionFactory, open_engine, session_factory
from bot.state.invites import Role
from bot.state.organisations import find_organisation

T = TypeVar("T")
PARTNER_ROLES = [Role.PARENT_CARER.value, Role.YOUNG_PERSON.value, Role.PRACTITIONER.value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Cornerstones: hear parent carers, young people and practitioners, statement by statement."""


def settings_or_stop() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def run_work(work: Callable[[Settings], Coroutine[Any, Any, T]]) -> T:
    settings = settings_or_stop()
    try:
        return asyncio.run(work(settings))
    except ContentError as error:
        raise click.ClickException(f"A content file is wrong: {error}") from None
    except migrate.NotUpgraded as error:
        raise click.ClickException(str(error)) from None
    except (OSError, DBAPIError) as error:
        # Unreachable server, wrong password, a folder that cannot be made: say which database.
        # A statement that failed for another reason is a bug, and keeps its traceback.
        failed_statement = isinstance(error, DBAPIError) and error.statement is not None
        if failed_statement and not isinstance(error, OperationalError):
            raise
        reason = error.orig if isinstance(error, DBAPIError) else error
        where = make_url(settings.database_url.get_secret_value()).render_as_string()
        first_line = (str(reason).strip().splitlines() or [type(reason).__name__])[0]
        raise click.ClickException(f"Cannot use the database {where}: {first_line}") from None


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[SessionFactory]:
    """Sessions on the configured database, refused unless `db upgrade` has brought it up."""
    engine = open_engine(settings.database_url.get_secret_value())
    try:
        await migrate.require_current(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def organisation_named(session: Any, name: str) -> Any:
    organisation = await find_organisation(session, name)
    if organisation is None:
        raise click.ClickException(f"No organisation called {name!r}.")
    return organisation
