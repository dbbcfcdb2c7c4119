"""Exports of a round: the completed tool (DOCX, PDF, HTML) and the data (XLSX, CSV, JSON).

Everything here reads; nothing writes to the database. Partners appear only by pseudonym, and
their own words are masked for contact details (see privacy.py). `export()` is the one entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.export.formats import ExportFormat
from bot.export.media import MediaSource, MediaUnavailable
from bot.export.progress import Progress
from bot.export.scope import ExportError

if TYPE_CHECKING:
    from bot.export.build import export

__all__ = ["ExportError", "ExportFormat", "MediaSource", "MediaUnavailable", "Progress", "export"]


def __getattr__(name: str) -> object:
    # matplotlib, python-docx, openpyxl and Jinja2 load when an export is made, not whenever
    # the `cornerstones` command starts.
    if name == "export":
        from bot.export.build import export

        return export
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
