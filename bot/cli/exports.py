"""`cornerstones export`: a round's completed tool, or its data."""

from __future__ import annotations

import sys
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import main, run_work
from bot.config import Settings
from bot.content import default_content
from bot.export.formats import ExportFormat
from bot.state import migrate
from bot.state.database import open_engine, session_factory

if TYPE_CHECKING:
    from bot.export import MediaSource


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
            async with _media(settings, with_media) as files:
                with _ProgressBar() as bar:
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

    click.echo(f"Wrote {run_work(work).resolve()}")


def _media(settings: Settings, wanted: bool) -> AbstractAsyncContextManager[MediaSource | None]:
    """Telegram, to fetch voice notes, photos and documents from, when they are wanted."""
    from bot.export import ExportError

    if not wanted:
        return nullcontext(None)
    if settings.telegram_bot_token is None:
        raise ExportError(
            "--with-media fetches files from Telegram, so it needs TELEGRAM_BOT_TOKEN."
        )
    from bot.telegram.files import TelegramFiles

    return TelegramFiles.for_settings(settings)


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
