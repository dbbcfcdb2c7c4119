"""The data as one JSON document (schema in SCHEMA.md and schema.json), written row by row."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.content import Rating
from bot.export.csv_files import iso
from bot.export.progress import Steps
from bot.export.rows import Reading, Value
from bot.export.sheets import SCHEMA_VERSION, SHEETS, sheet_rows
from bot.export.voices import VOICES
from bot.state.database import SessionFactory


async def write_json(
    sessions: SessionFactory, reading: Reading, path: Path, steps: Steps, generated_at: datetime
) -> None:
    scope = reading.scope
    head = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(generated_at),
        "organisation": {"name": scope.organisation, "slug": scope.slug},
        "round": {
            "name": scope.round.name,
            "opened_at": iso(scope.round.opened_at),
            "closed_at": iso(scope.round.closed_at) if scope.round.closed_at else None,
        },
        "roles": [voice.value for voice in VOICES],
        "ratings": [{"value": r.value, "label": reading.words[r]} for r in Rating],
    }
    with path.open("w", encoding="utf-8") as out:
        members = (
            f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()
        )
        out.write("{\n" + ",\n".join(members))
        for sheet in SHEETS:
            out.write(f',\n "{sheet.key}": [')
            first = True
            columns = sheet.columns(reading.framework)
            async with sheet_rows(sessions, sheet, reading) as values:
                async for row in values:
                    record = dict(zip(columns, map(_json_value, row), strict=True))
                    out.write(
                        ("\n  " if first else ",\n  ") + json.dumps(record, ensure_ascii=False)
                    )
                    first = False
                    steps.advance()
            out.write("\n ]" if not first else "]")
        out.write("\n}\n")


def _json_value(value: Value) -> str | int | bool | None:
    return iso(value) if isinstance(value, datetime) else value
