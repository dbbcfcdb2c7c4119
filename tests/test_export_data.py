"""The data exports (XLSX, CSV, JSON): the same five sheets, read back with their readers."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from importlib.resources import files
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from bot.content import Content
from bot.export import ExportError, export
from bot.state import answers
from bot.state.answers import Said
from bot.state.database import SessionFactory
from bot.state.models import Partner, Round, utcnow
from bot.state.organisations import create_organisation
from tests.test_export_documents import a_round

SHEETS = ["Responses", "Evidence", "Evidence–indicators", "Coverage", "Partners"]
FORMULA = '=HYPERLINK("http://example.org","click")'


async def with_a_formula(sessions: SessionFactory) -> None:
    """A partner who types what a spreadsheet would run."""
    async with sessions() as session, session.begin():
        partner = await session.scalar(select(Partner).where(Partner.number == 1).limit(1))
        round_ = await session.scalar(select(Round).where(Round.name == "Autumn 2025"))
        assert partner is not None and round_ is not None
        await answers.keep(session, partner.id, round_.id, "2.i", "note", Said("text", FORMULA))


def workbook_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


async def test_workbook_holds_the_five_sheets_of_the_round_and_nothing_else(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    await with_a_formula(sessions)
    path = await export(sessions, content, "Oak Tree School", None, "xlsx", tmp_path)
    sheets = workbook_rows(path)
    assert list(sheets) == SHEETS
    responses = sheets["Responses"]
    statements = [s.id for s in content.framework.statements]
    assert responses[0] == ("partner", "role", *statements)
    assert [r[:4] for r in responses[1:]] == [  # a partner a row, voice by voice
        ("Parent carer 1", "parent-carer", "not_yet", "mostly"),
        ("Parent carer 2", "parent-carer", "not_yet", "mostly"),
        ("Parent carer 3", "parent-carer", "not_sure", None),
        ("Young person 1", "young-person", "sometimes", None),
        ("Young person 2", "young-person", "sometimes", None),
        ("Practitioner 1", "practitioner", "always", "mostly"),
        ("Practitioner 2", "practitioner", "always", "mostly"),
        ("Practitioner 3", "practitioner", "always", "mostly"),
    ]
    assert all(value is None for row in responses[1:] for value in row[4:])

    evidence = sheets["Evidence"]
    assert [r[0] for r in evidence[1:]] == ["E1", "E2", "E3", "E4", "E5", "E7"]  # E6 is Elm Park's
    voice = next(r for r in evidence if r[5] == "voice")
    assert voice[1:6] == ("Young person 1", "young-person", "1.ii", "example", "voice")
    assert voice[6] is None and voice[7] is None  # no words, and no file without --with-media
    formula_cell = openpyxl.load_workbook(path)["Evidence"].cell(row=7, column=7)
    assert (formula_cell.value, formula_cell.data_type) == (FORMULA, "s")  # words, not a formula

    assert sheets["Evidence–indicators"][1:] == [
        ("E1", "1.i.a", "1.i", False),
        ("E1", "3.ii.b", "3.ii", False),
        ("E2", "1.i.x1", "1.i", None),  # not an indicator in this content: kept, not known
        ("E4", "1.ii.a", "1.ii", False),
    ]
    coverage = sheets["Coverage"]
    assert len(coverage) == 1 + 130
    assert coverage[1][:5] == ("1", "1.i", "1.i.a", "a", False)
    assert coverage[1][6:] == (1, 1, 1, 0, 0)
    assert sum(row[6] for row in coverage[1:]) == 3

    partners = sheets["Partners"]
    assert partners[0] == (
        "partner",
        "role",
        "progress",
        "statements_rated",
        "examples",
        "notes",
        "started_at",
        "finished_at",
    )
    assert [r[0] for r in partners[1:]] == [
        "Parent carer 1",
        "Parent carer 2",
        "Parent carer 3",
        "Young person 1",
        "Young person 2",
        "Practitioner 1",
        "Practitioner 2",
        "Practitioner 3",
    ]
    assert partners[1][1:6] == ("parent-carer", "finished", 2, 1, 1)
    assert "Elm" not in str(sheets) and "Sam" not in str(sheets) and "Zed" not in str(sheets)


async def test_csv_zip_has_a_file_per_sheet_safe_to_open_in_a_spreadsheet(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    await with_a_formula(sessions)
    path = await export(sessions, content, "Oak Tree School", None, "csv", tmp_path / "data.zip")
    assert path == tmp_path / "data.zip"
    with zipfile.ZipFile(path) as bundle:
        assert sorted(bundle.namelist()) == sorted(
            [
                "SCHEMA.md",
                "responses.csv",
                "evidence.csv",
                "evidence_indicators.csv",
                "coverage.csv",
                "partners.csv",
            ]
        )
        tables = {
            name: list(csv.reader(io.TextIOWrapper(bundle.open(name), "utf-8-sig")))
            for name in bundle.namelist()
            if name.endswith(".csv")
        }
        assert "schema 1.0" in bundle.read("SCHEMA.md").decode()
    assert [len(rows) for rows in tables.values()] == [9, 7, 5, 131, 9]
    assert tables["responses.csv"][3][:4] == ["Parent carer 3", "parent-carer", "not_sure", ""]
    assert tables["evidence.csv"][1][8].endswith("Z")  # UTC, ISO 8601
    assert tables["evidence.csv"][6][6] == "'" + FORMULA
    assert tables["evidence_indicators.csv"][1][3] == "false"


def conforms(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> None:
    """Enough of JSON Schema for schema.json: types, enum, const, patterns, required, refs."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            value is None
            if t == "null"
            else isinstance(value, kinds[t]) and not (t == "integer" and isinstance(value, bool))
            for t in allowed
        )
        assert ok, f"{where}: {value!r} is not {allowed}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "const" in schema:
        assert value == schema["const"], where
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), where
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: {key} missing"
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            if key in schema.get("properties", {}):
                conforms(item, schema["properties"][key], root, f"{where}.{key}")
                continue
            matching = [p for p in patterns if re.search(p, key)]
            assert matching or schema.get("additionalProperties") is not False, f"{where}.{key}"
            for pattern in matching:
                conforms(item, patterns[pattern], root, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            conforms(item, schema["items"], root, f"{where}[{n}]")


async def test_json_follows_its_documented_versioned_schema(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    steps: list[tuple[int, int]] = []
    path = await export(
        sessions,
        content,
        "Oak Tree School",
        None,
        "json",
        tmp_path,
        progress=lambda done, total: steps.append((done, total)),
    )
    document = json.loads(path.read_text("utf-8"))
    schema = json.loads(files("bot.export").joinpath("schema.json").read_text("utf-8"))
    conforms(document, schema, schema)
    assert document["schema_version"] == "1.0"
    assert document["organisation"] == {"name": "Oak Tree School", "slug": "oak-tree-school"}
    assert document["round"]["name"] == "Autumn 2025" and document["round"]["closed_at"] is None
    assert [
        len(document[k])
        for k in ("responses", "evidence", "evidence_indicators", "coverage", "partners")
    ] == [8, 5, 4, 130, 8]
    assert document["evidence"][0]["text"] == "The office always smiles and knows my son's name."
    assert document["responses"][0]["1.i"] == "not_yet" and document["responses"][0]["4.iv"] is None
    assert steps[-1] == (155, 155)  # every row, reported at the end


async def test_each_organisation_sees_only_its_own_round(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    path = await export(sessions, content, "elm-park-academy", None, "json", tmp_path)
    document = json.loads(path.read_text("utf-8"))
    assert [(r["partner"], r["1.i"]) for r in document["responses"]] == [
        ("Parent carer 1", "always")
    ]
    assert [e["text"] for e in document["evidence"]] == ["ELM"]
    assert "Oak Tree" not in path.read_text("utf-8")


async def test_what_cannot_be_exported_is_explained(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await a_round(sessions, previous=True)
    tmp_path = tmp_path / "exports"  # the SQLite database lives beside, in tmp_path itself
    tmp_path.mkdir()
    async with sessions() as session, session.begin():
        await create_organisation(session, "Ash Grove Nursery", "the nursery", first_round="May")

    async def failure(*args: Any) -> str:
        with pytest.raises(ExportError) as raised:
            await export(sessions, content, *args)
        return str(raised.value)

    assert "No organisation called 'Birch Lane'" in await failure(
        "Birch Lane", None, "json", tmp_path
    )
    message = await failure("Oak Tree School", "Summer", "json", tmp_path)
    assert "no round called 'Summer'" in message and "'Autumn 2025', 'Spring 2025'" in message
    assert "Nobody has answered in the round 'May'" in await failure(
        "Ash Grove Nursery", None, "pdf", tmp_path
    )
    missing = tmp_path / "no such folder" / "out.json"
    assert "the folder" in await failure("Oak Tree School", None, "json", missing)
    (tmp_path / "a file").write_text("")
    assert "does not exist" in await failure(
        "Oak Tree School", None, "json", tmp_path / "a file" / "x"
    )
    assert "no 'odt' export" in await failure("Oak Tree School", None, "odt", tmp_path)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Round).where(Round.name == "Spring 2025").values(purged_at=utcnow())
        )
    assert "retention" in await failure("Oak Tree School", "Spring 2025", "json", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file"]  # nothing half-written
