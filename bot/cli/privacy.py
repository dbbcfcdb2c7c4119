"""Privacy: `partner forget` and `purge`."""

from __future__ import annotations

import click

from bot.cli.common import database, main, organisation_named, run_work
from bot.config import Settings


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
        async with database(settings) as sessions:
            async with sessions() as session, session.begin():
                organisation = await organisation_named(session, org_name)
                return await forget_by_pseudonym(session, organisation.id, *parsed)

    if not run_work(work):
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
        async with database(settings) as sessions:
            async with sessions() as session, session.begin():
                report = await purge_rounds(session, age)
        return (
            f"Purged {report.rounds} round(s): {report.evidence} piece(s) of evidence and "
            f"{report.partners} partner(s) removed; anonymous counts kept."
        )

    click.echo(run_work(work))
