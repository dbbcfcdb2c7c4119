"""The data as an XLSX workbook, in openpyxl's write-only mode: rows go to disk as they come."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.export.progress import Steps
from bot.export.rows import Reading, Value
from bot.export.sheets import SCHEMA_VERSION, SHEETS, sheet_rows
from bot.state.database import SessionFactory

_BOLD = Font(bold=True)


async def write_xlsx(sessions: SessionFactory, reading: Reading, path: Path, steps: Steps) -> None:
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{reading.scope.organisation} · {reading.scope.round.name}"
    workbook.properties.subject = f"Four Cornerstones self-evaluation data, schema {SCHEMA_VERSION}"
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.freeze_panes = "A2"
        columns = sheet.columns(reading.framework)
        worksheet.append([_heading(worksheet, column) for column in columns])
        async with sheet_rows(sessions, sheet, reading) as values:
            async for row in values:
                worksheet.append([_cell(worksheet, value) for value in row])
                steps.advance()
    workbook.save(path)


def _heading(worksheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(worksheet, value=text)
    cell.font = _BOLD
    return cell


def _cell(worksheet: WriteOnlyWorksheet, value: Value) -> Cell | Value:
    """Plain values where openpyxl does the right thing (most cells: it is quicker that way)."""
    if isinstance(value, datetime):
        # Excel has no time zones: times are written in UTC, as SCHEMA.md says. openpyxl gives
        # a datetime a date format of its own.
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            # Text, never a formula: "=HYPERLINK(…)" typed by a partner stays words.
            cell = WriteOnlyCell(worksheet, value=value)
            cell.data_type = "s"
            return cell
    return value
