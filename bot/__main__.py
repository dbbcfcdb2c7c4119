"""The `cornerstones` command: run the bot, prepare the database, set up organisations."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.config import Settings, SettingsError, load_settings
from bot.content import ContentError, default_content
from bot.export.formats import ExportFormat
from bot.state import migrate
from bot.state.database import SessionFactory, open_engine, session_factory
from bot.state.invites import Role, issue_invite, list_invites, revoke_invite
from bot.state.models import Organisation
from bot.state.organisations import OrganisationError, create_organisation, find_organisation

T = TypeVar("T")
PARTNER_ROLES = [Role.PARENT_CARER.value, Role.YOUNG_PERSON.value, Role.PRACTITIONER.value]
TOKEN_HELP = """\
No TELEGRAM_BOT_TOKEN is set, so Cornerstones cannot reach Telegram.

To get a token: open Telegram, talk to @BotFather, send /newbot, choose a name and a
username, and copy the token it gives you (it looks like 123456789:ABC-DEF…). Then:

    export TELEGRAM_BOT_TOKEN='123456789:ABC-DEF…'     (or put it in a .env file)
    make run
"""
IN_TERMINAL = "Until then, here is the same conversation in this terminal.\n"


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _run(work: Callable[[Settings], Coroutine[Any, Any, T]]) -> T:
    settings = _settings()
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Cornerstones: hear parent carers, young people and practitioners, statement by statement."""


# ---- running ---------------------------------------------------------------------------------


@main.command()
@click.option("--webhook", metavar="URL", help="Receive updates at this public HTTPS URL.")
@click.option("--listen", metavar="HOST:PORT", default="0.0.0.0:8080", show_default=True)
def run(webhook: str | None, listen: str) -> None:
    """Run the bot (long polling by default). Without a token, talk to it in this terminal."""
    settings = _settings()
    host, _, port = listen.rpartition(":")
    if not port.isdigit():
        raise click.BadParameter("use HOST:PORT, e.g. 0.0.0.0:8080", param_hint="--listen")
    try:
        default_content()  # a broken content file stops here, before anyone is talked to
    except ContentError as error:
        raise click.ClickException(f"A content file is wrong: {error}") from None
    if settings.telegram_bot_token is None:
        from bot.terminal import interactive

        if not interactive():
            # In a container or a service there is nobody to talk to: stop, and say why.
            raise click.ClickException(TOKEN_HELP.strip())
        click.echo(TOKEN_HELP + IN_TERMINAL)
        _try_in_terminal(settings, Role.PARENT_CARER.value)
        return
    from bot.app import run_bot  # imports Telegram only when it is really needed

    async def database_ready(settings: Settings) -> None:
        # Say "run db upgrade" here, in one line, rather than from deep inside the bot.
        async with _database(settings):
            pass

    _run(database_ready)
    run_bot(settings, webhook_url=webhook, listen_host=host or "0.0.0.0", listen_port=int(port))


@main.command(name="try")
@click.option("--role", type=click.Choice(PARTNER_ROLES), default=Role.PARENT_CARER.value)
def try_(role: str) -> None:
    """Take the journey in this terminal, as a partner of a demo organisation."""
    _try_in_terminal(_settings(), role)


def _try_in_terminal(settings: Settings, role: str) -> None:
    from bot.dialogues.engine import Engine
    from bot.state import partners
    from bot.terminal import TRANSPORT, converse, default_address

    async def work(settings: Settings) -> None:
        async with _database(settings) as sessions:
            address = default_address(role)
            async with sessions() as session, session.begin():
                known = await partners.find_partner(session, TRANSPORT, address)
                opening = "/start"
                if known is None:
                    organisation = await find_organisation(session, DEMO_NAME)
                    if organisation is None:
                        others = await session.scalar(select(func.count(Organisation.id)))
                        if others:  # real organisations: keep a demo out of their data
                            raise click.ClickException(REAL_DATA.format(count=others))
                        organisation, _ = await create_organisation(
                            session, DEMO_NAME, "the school", time_zone=settings.time_zone
                        )
                    issued = await issue_invite(session, organisation.id, Role(role), max_uses=1)
                    opening = f"/start {issued.token}"
            await converse(Engine(sessions, default_content()), address, opening)

    try:
        _run(work)
    except KeyboardInterrupt:  # Ctrl-C leaves as /quit does: each answer was saved as given
        click.echo("\nBye for now. Everything is saved.")


DEMO_NAME = "Cornerstones Demo School"
REAL_DATA = """This database already holds {count} organisation(s), so the demo school and
its demo partner are not added to it. Try Cornerstones on a database of its own:

  export CORNERSTONES_DATABASE_URL=sqlite+aiosqlite:///data/try.db
  cornerstones db upgrade && cornerstones try"""


# ---- the database ----------------------------------------------------------------------------


@main.group()
def db() -> None:
    """The database: create or upgrade its tables."""


@db.command()
def upgrade() -> None:
    """Bring the database up to date (creates it if needed). Safe to run again."""

    async def work(settings: Settings) -> str:
        engine = open_engine(settings.database_url.get_secret_value())
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()
        return engine.url.render_as_string(hide_password=True)

    where = _run(work)
    click.echo(f"Database is up to date ({where}).")


# ---- organisations and invites ---------------------------------------------------------------


@main.group()
def org() -> None:
    """Organisations taking part: schools, settings and services."""


@org.command("create")
@click.argument("name")
@click.option(
    "--calls-itself", required=True, help='What it calls itself to partners, e.g. "the school".'
)
@click.option(
    "--calls-itself-to",
    multiple=True,
    metavar="ROLE=NAME",
    help='A different name for one audience, e.g. young-person="school". Repeatable.',
)
@click.option("--round", "round_name", help="Name of the first round (default: this month).")
def org_create(
    name: str, calls_itself: str, calls_itself_to: tuple[str, ...], round_name: str | None
) -> None:
    """Create an organisation, open its first round, and print its invite links."""
    names = _audience_names(calls_itself_to)

    async def work(settings: Settings) -> list[str]:
        async with _database(settings) as sessions:
            async with sessions() as session, session.begin():
                try:
                    organisation, round_ = await create_organisation(
                        session,
                        name,
                        calls_itself,
                        calls_itself_to=names,
                        time_zone=settings.time_zone,
                        first_round=round_name,
                    )
                except OrganisationError as error:
                    raise click.ClickException(str(error)) from None
                issued = [await issue_invite(session, organisation.id, role) for role in Role]
            username = await _username(settings)
            lines = [f"Created {organisation.name} with its first round, {round_.name}.", ""]
            lines += [
                f"{_role_words(i.invite.role)}:\n  {_link(username, i.token)}" for i in issued
            ]
            return lines + _link_notes(username)

    click.echo("\n".join(_run(work)))


@main.group(invoke_without_command=True)
@click.option("--org", "org_name", help="The organisation's name.")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--expires", metavar="DURATION", help="e.g. 14d, 12h, 30m; never, if left out.")
@click.option("--max-uses", type=click.IntRange(min=1), help="How many people may use it.")
@click.pass_context
def invite(
    ctx: click.Context,
    org_name: str | None,
    role: str | None,
    expires: str | None,
    max_uses: int | None,
) -> None:
    """Make another invite link (`invite --org … --role …`), or list and revoke them."""
    if ctx.invoked_subcommand is not None:
        return
    if not org_name or not role:
        raise click.UsageError("Say which organisation and role: --org NAME --role ROLE.")
    lifetime = _duration(expires) if expires else None

    async def work(settings: Settings) -> list[str]:
        async with _database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await _organisation(session, org_name)
                issued = await issue_invite(
                    session, organisation.id, Role(role), expires_in=lifetime, max_uses=max_uses
                )
            username = await _username(settings)
            return [
                f"Invite {issued.invite.id} for {_role_words(role)} at {organisation.name}:",
                f"  {_link(username, issued.token)}",
                *_link_notes(username),
            ]

    click.echo("\n".join(_run(work)))


@invite.command("list")
@click.option("--org", "org_name", required=True)
def invite_list(org_name: str) -> None:
    """List an organisation's invites (the links themselves are never stored)."""

    async def work(settings: Settings) -> list[str]:
        async with _database(settings) as sessions:
            async with sessions() as session:
                organisation = await _organisation(session, org_name)
                rows = await list_invites(session, organisation.id)
            return [
                f"{i.id:>5}  {i.role:<13} used {i.uses}"
                + (f" of {i.max_uses}" if i.max_uses else "")
                + (f"  expires {i.expires_at:%Y-%m-%d %H:%M} UTC" if i.expires_at else "")
                + ("  REVOKED" if i.revoked_at else "")
                for i in rows
            ] or ["No invites yet."]

    click.echo("\n".join(_run(work)))


@invite.command("revoke")
@click.argument("invite_id", type=int)
@click.option("--org", "org_name", required=True)
def invite_revoke(invite_id: int, org_name: str) -> None:
    """Stop an invite link working. People who already joined with it stay."""

    async def work(settings: Settings) -> bool:
        async with _database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await _organisation(session, org_name)
                return await revoke_invite(session, invite_id, organisation.id)

    if not _run(work):
        raise click.ClickException(
            f"No working invite {invite_id} at {org_name}: see `cornerstones invite list`."
        )
    click.echo(f"Invite {invite_id} is revoked.")


# ---- privacy ---------------------------------------------------------------------------------


@main.group()
def partner() -> None:
    """Partners' data: carry out an erasure request made another way."""


@partner.command("forget")
@click.argument("pseudonym")
@click.option("--org", "org_name", required=True)
@click.confirmation_option(prompt="This erases everything that partner said. Go ahead?")
def partner_forget(pseudonym: str, org_name: str) -> None:
    """Erase a partner completely, by pseudonym ("Parent carer 12"), as /forget would."""
    from bot.state.retention import forget_by_pseudonym, parse_pseudonym

    parsed = parse_pseudonym(pseudonym)
    if parsed is None:
        raise click.BadParameter(
            'use the pseudonym as exports show it, e.g. "Parent carer 12"', param_hint="PSEUDONYM"
        )

    async def work(settings: Settings) -> bool:
        async with _database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await _organisation(session, org_name)
                return await forget_by_pseudonym(session, organisation.id, *parsed)

    if not _run(work):
        raise click.ClickException(f"No partner {pseudonym!r} at {org_name} (already erased?).")
    click.echo(f"{pseudonym} has been erased: their identity and everything they said.")


@main.command()
@click.option("--older-than", metavar="AGE", help="e.g. 24m, 2y (default: CORNERSTONES_RETENTION).")
def purge(older_than: str | None) -> None:
    """Remove personal data of rounds closed long ago, keeping anonymous counts."""
    from bot.state.retention import parse_age
    from bot.state.retention import purge as purge_rounds

    async def work(settings: Settings) -> str:
        try:
            age = parse_age(older_than or settings.retention)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--older-than") from None
        async with _database(settings) as sessions:
            async with sessions() as session, session.begin():
                report = await purge_rounds(session, age)
        return (
            f"Purged {report.rounds} round(s): {report.evidence} piece(s) of evidence and "
            f"{report.partners} partner(s) removed; anonymous counts kept."
        )

    click.echo(_run(work))


# ---- exports ---------------------------------------------------------------------------------


@main.command("export")
@click.option("--org", "org_name", required=True, help="The organisation's name.")
@click.option("--round", "round_name", help="The round's name (default: the newest).")
@click.option(
    "--format",
    "export_format",
    required=True,
    type=click.Choice([f.value for f in ExportFormat]),
    help="docx, pdf or html: the completed tool. xlsx, csv or json: the data.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=True),
    help="File or folder to write to (default: a file named for the round, here).",
)
@click.option(
    "--with-media", is_flag=True, help="Also fetch voice notes, photos and documents: a zip."
)
def export_command(
    org_name: str, round_name: str | None, export_format: str, out: Path | None, with_media: bool
) -> None:
    """Export a round: the completed tool, or its data. Partners appear only by pseudonym."""
    from bot.export import ExportError, export

    async def work(settings: Settings) -> Path:
        engine = open_engine(settings.database_url.get_secret_value())
        try:
            await migrate.require_current(engine)
            sessions = session_factory(engine)
            with _ProgressBar() as bar:
                if not with_media:
                    return await export(
                        sessions,
                        default_content(),
                        org_name,
                        round_name,
                        export_format,
                        out,
                        progress=bar,
                    )
                if settings.telegram_bot_token is None:
                    raise ExportError(
                        "--with-media fetches files from Telegram, so it needs TELEGRAM_BOT_TOKEN."
                    )
                from bot.telegram.files import TelegramFiles

                async with TelegramFiles.for_settings(settings) as files:
                    return await export(
                        sessions,
                        default_content(),
                        org_name,
                        round_name,
                        export_format,
                        out,
                        media_source=files,
                        progress=bar,
                    )
        except ExportError as error:
            raise click.ClickException(str(error)) from None
        finally:
            await engine.dispose()

    click.echo(f"Wrote {_run(work).resolve()}")


class _ProgressBar:
    """A `Progress` for exports: a bar on stderr, drawn once the amount of work is known."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="Exporting", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


# ---- small helpers ---------------------------------------------------------------------------


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[SessionFactory]:
    """Sessions on the configured database, refused unless `db upgrade` has brought it up."""
    engine = open_engine(settings.database_url.get_secret_value())
    try:
        await migrate.require_current(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def _organisation(session: Any, name: str) -> Any:
    organisation = await find_organisation(session, name)
    if organisation is None:
        raise click.ClickException(f"No organisation called {name!r}.")
    return organisation


async def _username(settings: Settings) -> str | None:
    if settings.telegram_bot_token is None:
        return None
    from bot.telegram.links import bot_username

    return await bot_username(settings)


def _link(username: str | None, token: str) -> str:
    from bot.telegram.links import deep_link

    return deep_link(username, token)


def _link_notes(username: str | None) -> list[str]:
    # Only a hash of each token is stored: a lost link cannot be shown again, only replaced.
    notes = ["", "Keep these links now: they are shown only this once (make more with `invite`)."]
    if username:
        return notes
    return [
        *notes,
        "They say 'your_bot' because the bot's username is not known: set TELEGRAM_BOT_TOKEN",
        "and make new links, or put your bot's username in place of your_bot.",
    ]


def _role_words(role: str) -> str:
    return {
        "parent-carer": "Parent carers",
        "young-person": "Young people",
        "practitioner": "Practitioners",
        "coordinator": "Co-ordinators (keep this one private)",
    }[role]


def _audience_names(pairs: tuple[str, ...]) -> dict[str, str]:
    names = {}
    for pair in pairs:
        role, sep, name = pair.partition("=")
        if not sep or role not in PARTNER_ROLES or not name.strip():
            raise click.BadParameter(
                f"{pair!r}: use ROLE=NAME with ROLE one of {', '.join(PARTNER_ROLES)}",
                param_hint="--calls-itself-to",
            )
        names[role] = name.strip()
    return names


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text)
    if not match:
        raise click.BadParameter("use a number and d, h or m, e.g. 14d", param_hint="--expires")
    amount, unit = int(match[1]), match[2]
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "m": timedelta(minutes=amount),
    }[unit]


if __name__ == "__main__":
    sys.exit(main())
