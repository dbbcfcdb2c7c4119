"""The data as CSV: one file per sheet, with SCHEMA.md, in a zip, written as rows arrive."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from importlib.resources import files

from bot.export.progress import Steps
from bot.export.rows import Reading, Value
from bot.export.sheets import SHEETS, sheet_rows
from bot.state.database import SessionFactory

# A cell starting with one of these is run as a formula when a spreadsheet opens the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def write_csv_zip(
    sessions: SessionFactory, reading: Reading, bundle: zipfile.ZipFile, steps: Steps
) -> None:
    bundle.writestr("SCHEMA.md", files("bot.export").joinpath("SCHEMA.md").read_text("utf-8"))
    for sheet in SHEETS:
        with (
            bundle.open(f"{sheet.key}.csv", "w") as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
        ):
            # utf-8 with a byte-order mark, so Excel shows "Young person" emoji and accents right.
            writer = csv.writer(text)
            writer.writerow(sheet.columns(reading.framework))
            async with sheet_rows(sessions, sheet, reading) as values:
                async for row in values:
                    writer.writerow([csv_value(value) for value in row])
                    steps.advance()


def csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
