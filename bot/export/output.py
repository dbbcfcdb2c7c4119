"""Where an export is written: a checked path, and a file that appears only once complete.

The work is done in a hidden file beside the destination and moved into place at the end, so
a failed or interrupted export never leaves half a document where the last good one was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bot.export.formats import ExportFormat
from bot.export.scope import ExportError, Scope
from bot.state.organisations import slug_for


def default_name(scope: Scope, export_format: ExportFormat, with_media: bool) -> str:
    """'oak-tree-school-spring-2025.docx'; with media, a zip holding the file and the media."""
    stem = f"{scope.slug}-{slug_for(scope.round.name)}"
    if with_media:
        return f"{stem}-{export_format.value}-with-media.zip"
    return f"{stem}.{export_format.extension}"


def destination(out: Path | None, name: str) -> Path:
    """The file to write: `out` itself, or `name` inside `out` when it is a folder."""
    path = Path(name) if out is None else out.expanduser()
    if path.is_dir():
        path = path / name
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {folder} does not exist.")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"Cannot write {path}: the file exists and may not be changed.")
    return path


@contextlib.contextmanager
def writing(path: Path) -> Iterator[Path]:
    """A temporary path to write to; it becomes `path` only if the block finishes."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as error:
        raise ExportError(f"Cannot write in {path.parent}: {error.strerror or error}.") from None
    os.close(handle)
    part = Path(temporary)
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
