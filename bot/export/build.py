"""Making one export: find the round, check there is something to say, write the file.

The CLI calls this, and a co-ordinator's request in chat will too: no Click and no Telegram
here, only a `MediaSource` to fetch files through and a `Progress` callback to report to.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from bot.content import Content
from bot.export.completed_tool import RATING_WORDS_AUDIENCE, CompletedTool
from bot.export.csv_files import write_csv_zip
from bot.export.formats import ExportFormat
from bot.export.html_page import write_html
from bot.export.json_file import write_json
from bot.export.media import MediaSource, add_media, media_files
from bot.export.output import default_name, destination, writing
from bot.export.pdf import write_pdf
from bot.export.progress import Progress, Steps
from bot.export.rows import Reading
from bot.export.scope import ExportError, find_scope, require_answers
from bot.export.sheets import row_count
from bot.export.spreadsheet import write_xlsx
from bot.export.word import write_docx
from bot.state.database import SessionFactory, reading_sessions
from bot.state.models import utcnow

ROWS_PER_REPORT = 1_000


async def export(
    sessions: SessionFactory,
    content: Content,
    organisation: str,
    round_name: str | None,
    export_format: ExportFormat | str,
    out: Path | None = None,
    media_source: MediaSource | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the export and return where it is; `ExportError` says why it could not be made.

    `round_name` None means the newest round. With a `media_source`, the result is a zip of the
    export and every voice note, photo and document partners sent in the round.
    """
    sessions = reading_sessions(sessions)  # an export never writes, nor holds up who does
    try:
        wanted = ExportFormat(export_format)
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise ExportError(
            f"There is no {export_format!r} export; choose one of {choices}."
        ) from None
    async with sessions() as session:
        scope = await find_scope(session, organisation, round_name)
        await require_answers(session, scope)
    path = destination(out, default_name(scope, wanted, media_source is not None))
    reading = Reading(
        scope=scope,
        framework=content.framework_for(scope.slug),
        words=dict(content.lexicon.rating_labels(RATING_WORDS_AUDIENCE)),
        with_media=media_source is not None,
    )
    files = [] if media_source is None else await media_files(sessions, scope)
    if wanted.is_document:
        steps = Steps(progress, len(reading.framework.statements) + len(files) + 1)
    else:
        total = await row_count(sessions, reading) + len(files)
        steps = Steps(progress, total, every=ROWS_PER_REPORT)
    with writing(path) as part:
        if media_source is None:
            await _write(sessions, content, reading, wanted, part, steps)
        else:
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
                name = default_name(scope, wanted, with_media=False)
                await _write_into(bundle, name, sessions, content, reading, wanted, steps)
                await add_media(bundle, files, media_source, steps.advance)
    steps.finish()
    return path


async def _write(
    sessions: SessionFactory,
    content: Content,
    reading: Reading,
    wanted: ExportFormat,
    path: Path,
    steps: Steps,
) -> None:
    generated_at = utcnow()
    if wanted is ExportFormat.CSV:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            await write_csv_zip(sessions, reading, bundle, steps)
    elif wanted is ExportFormat.XLSX:
        await write_xlsx(sessions, reading, path, steps)
    elif wanted is ExportFormat.JSON:
        await write_json(sessions, reading, path, steps, generated_at)
    else:
        tool = await CompletedTool.read(sessions, content, reading.scope, generated_at)
        writer = {ExportFormat.DOCX: write_docx, ExportFormat.HTML: write_html}.get(
            wanted, write_pdf
        )
        await writer(tool, path, reading.with_media, steps.advance)


async def _write_into(
    bundle: zipfile.ZipFile,
    name: str,
    sessions: SessionFactory,
    content: Content,
    reading: Reading,
    wanted: ExportFormat,
    steps: Steps,
) -> None:
    """The export itself, inside the media zip (CSV's files go straight in, not a zip in a zip)."""
    if wanted is ExportFormat.CSV:
        await write_csv_zip(sessions, reading, bundle, steps)
        return
    with tempfile.TemporaryDirectory(prefix="cornerstones-export-") as folder:
        inner = Path(folder) / name
        await _write(sessions, content, reading, wanted, inner, steps)
        bundle.write(inner, arcname=name)
