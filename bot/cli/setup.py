"""Setting up: `db upgrade`, `org create`, and the `invite` commands."""

from __future__ import annotations

import re
from datetime import timedelta

import click

from bot.cli.common import PARTNER_ROLES, database, main, organisation_named, run_work
from bot.config import Settings
from bot.state import migrate
from bot.state.database import open_engine
from bot.state.invites import Role, issue_invite, list_invites, revoke_invite
from bot.state.organisations import OrganisationError, create_organisation


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

    where = run_work(work)
    click.echo(f"Database is up to date ({where}).")


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
        async with database(settings) as sessions:
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

    click.echo("\n".join(run_work(work)))


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
        async with database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await organisation_named(session, org_name)
                issued = await issue_invite(
                    session, organisation.id, Role(role), expires_in=lifetime, max_uses=max_uses
                )
            username = await _username(settings)
            return [
                f"Invite {issued.invite.id} for {_role_words(role)} at {organisation.name}:",
                f"  {_link(username, issued.token)}",
                *_link_notes(username),
            ]

    click.echo("\n".join(run_work(work)))


@invite.command("list")
@click.option("--org", "org_name", required=True)
def invite_list(org_name: str) -> None:
    """List an organisation's invites (the links themselves are never stored)."""

    async def work(settings: Settings) -> list[str]:
        async with database(settings) as sessions:
            async with sessions() as session:
                organisation = await organisation_named(session, org_name)
                rows = await list_invites(session, organisation.id)
            return [
                f"{i.id:>5}  {i.role:<13} used {i.uses}"
                + (f" of {i.max_uses}" if i.max_uses else "")
                + (f"  expires {i.expires_at:%Y-%m-%d %H:%M} UTC" if i.expires_at else "")
                + ("  REVOKED" if i.revoked_at else "")
                for i in rows
            ] or ["No invites yet."]

    click.echo("\n".join(run_work(work)))


@invite.command("revoke")
@click.argument("invite_id", type=int)
@click.option("--org", "org_name", required=True)
def invite_revoke(invite_id: int, org_name: str) -> None:
    """Stop an invite link working. People who already joined with it stay."""

    async def work(settings: Settings) -> bool:
        async with database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await organisation_named(session, org_name)
                return await revoke_invite(session, invite_id, organisation.id)

    if not run_work(work):
        raise click.ClickException(
            f"No working invite {invite_id} at {org_name}: see `cornerstones invite list`."
        )
    click.echo(f"Invite {invite_id} is revoked.")


# ---- small helpers ---------------------------------------------------------------------------


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
