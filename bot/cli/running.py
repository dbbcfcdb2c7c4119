"""`cornerstones run` (the bot, or the terminal without a token) and `cornerstones try`."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from bot.cli.common import PARTNER_ROLES, database, main, run_work, settings_or_stop
from bot.config import Settings
from bot.content import ContentError, default_content
from bot.state.invites import Role, issue_invite
from bot.state.models import Organisation
from bot.state.organisations import create_organisation, find_organisation

TOKEN_HELP = """\
No TELEGRAM_BOT_TOKEN is set, so Cornerstones cannot reach Telegram.

To get a token: open Telegram, talk to @BotFather, send /newbot, choose a name and a
username, and copy the token it gives you (it looks like 123456789:ABC-DEF…). Then:

    export TELEGRAM_BOT_TOKEN='123456789:ABC-DEF…'     (or put it in a .env file)
    make run
"""
IN_TERMINAL = "Until then, here is the same conversation in this terminal.\n"


@main.command()
@click.option("--webhook", metavar="URL", help="Receive updates at this public HTTPS URL.")
@click.option("--listen", metavar="HOST:PORT", default="0.0.0.0:8080", show_default=True)
def run(webhook: str | None, listen: str) -> None:
    """Run the bot (long polling by default). Without a token, talk to it in this terminal."""
    settings = settings_or_stop()
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
        async with database(settings):
            pass

    run_work(database_ready)
    run_bot(settings, webhook_url=webhook, listen_host=host or "0.0.0.0", listen_port=int(port))


@main.command(name="try")
@click.option("--role", type=click.Choice(PARTNER_ROLES), default=Role.PARENT_CARER.value)
def try_(role: str) -> None:
    """Take the journey in this terminal, as a partner of a demo organisation."""
    _try_in_terminal(settings_or_stop(), role)


def _try_in_terminal(settings: Settings, role: str) -> None:
    from bot.dialogues.engine import Engine
    from bot.state import partners
    from bot.terminal import TRANSPORT, converse, default_address

    async def work(settings: Settings) -> None:
        async with database(settings) as sessions:
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
        run_work(work)
    except KeyboardInterrupt:  # Ctrl-C leaves as /quit does: each answer was saved as given
        click.echo("\nBye for now. Everything is saved.")


DEMO_NAME = "Cornerstones Demo School"
REAL_DATA = """This database already holds {count} organisation(s), so the demo school and
its demo partner are not added to it. Try Cornerstones on a database of its own:

  export CORNERSTONES_DATABASE_URL=sqlite+aiosqlite:///data/try.db
  cornerstones db upgrade && cornerstones try"""
