"""The formats an export can be written in: three documents and three data files."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    HTML = "html"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"

    @property
    def is_document(self) -> bool:
        """The completed tool, for people to read; the others are data, for people to analyse."""
        return self in (ExportFormat.DOCX, ExportFormat.PDF, ExportFormat.HTML)

    @property
    def extension(self) -> str:
        # CSV is one file per sheet, so it travels as a zip.
        return "zip" if self is ExportFormat.CSV else self.value
