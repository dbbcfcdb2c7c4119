"""No export identifies a partner: every format is read back and searched for what must not be.

The round is built the way it really happens, by partners talking to the engine, with names,
chat ids and contact details that a careless export would let through.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pypdf

from bot.content import Content, Framework
from bot.dialogues.engine import Engine
from bot.dialogues.replies import MediaKind
from bot.export import ExportFormat, export
from bot.state.database import SessionFactory
from tests.chat import Chat, organisation_with_invites, play

CONTACT_DETAILS = (
    "ring me on 07700 900123 or +44 (0)20 7946 0958, e-mail bart.simpson@example.com, "
    "or find me @bart_handle"
)
MUST_NOT_APPEAR = [
    # First names (Partner.first_name) and chat ids (Contact.address)
    "Bartholomew",
    "Wilhelmina",
    "Forgettable",
    "Zebedee",
    "998877665544",
    "112233445566",
    "555000111",
    "777666555",
    # Contact details inside partners' words
    "07700",
    "900123",
    "7946",
    "bart.simpson",
    "example.com",
    "bart_handle",
    # A partner who used /forget, and another organisation
    "FORGOTTEN-WORDS",
    "ELM-PARK-WORDS",
    "Elm Park",
    # Telegram's file ids
    "file-",
]
MUST_APPEAR = [
    "Parent carer 1",
    "Practitioner 1",
    "[email removed]",
    "[phone removed]",
    "[handle removed]",
]


async def take_part(
    chat: Chat, token: str, framework: Framework, words: list[str], consent: str = "[Yes]"
) -> None:
    """Join, then on each statement: rate, give an example, tie it to the first indicator."""
    await play(chat, [(f"/start {token}", ""), (consent, "1 of 25")])
    for n, said in enumerate(words):
        statement = framework.statements[n]
        await play(
            chat,
            [
                ("[Always]" if n % 2 else "[Not yet]", ""),
                (said, ""),
                (f"[{statement.indicators[0].label}]", ""),
                ("[Done]", ""),
                ("[Move on]", ""),
            ],
        )


async def identifying_round(engine: Engine, sessions: SessionFactory, content: Content) -> None:
    framework = content.framework
    oak = await organisation_with_invites(sessions, "Oak Tree School")
    elm = await organisation_with_invites(sessions, "Elm Park Academy")
    parent = Chat(engine, address="998877665544", first_name="Bartholomew")
    await take_part(
        parent,
        oak.parent_carer,
        framework,
        [f"The office is kind, {CONTACT_DETAILS}.", "Hello <script>alert('Bartholomew')</script>"],
    )
    await play(parent, [("/pause", "Paused"), ("Bartholomew here again, 07700 900123", "note")])
    await parent.send_media(MediaKind.PHOTO, caption="my photo, bart.simpson@example.com")
    staff = Chat(engine, address="112233445566", first_name="Wilhelmina")
    await take_part(staff, oak.practitioner, framework, ["We greet every family by name."] * 2)
    forgetful = Chat(engine, address="555000111", first_name="Forgettable")
    await take_part(forgetful, oak.young_person, framework, ["FORGOTTEN-WORDS"], consent="ok")
    await play(forgetful, [("/forget", "cannot be undone"), ("[Yes, erase everything]", "erased")])
    other = Chat(engine, address="777666555", first_name="Zebedee")
    await take_part(other, elm.parent_carer, framework, ["ELM-PARK-WORDS"] * 2)


class Photos:
    """A MediaSource that hands back the same picture for any file."""

    async def fetch(self, file_id: str) -> bytes:
        return b"\x89PNG\r\n\x1a\n a picture"


def read_back(path: Path, export_format: ExportFormat) -> str:
    """Everything a reader of the file would see, through the library made to read it."""
    if export_format is ExportFormat.DOCX:
        document = docx.Document(str(path))
        texts = [p.text for p in document.paragraphs]
        texts += [
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ]
        texts += [p.text for s in document.sections for p in s.footer.paragraphs]
        return "\n".join(texts)
    if export_format is ExportFormat.PDF:
        reader = pypdf.PdfReader(str(path))
        return "\n".join([page.extract_text() for page in reader.pages] + [str(reader.metadata)])
    if export_format is ExportFormat.XLSX:
        workbook = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if export_format is ExportFormat.CSV:
        with zipfile.ZipFile(path) as bundle:
            return "\n".join(
                ",".join(row)
                for name in bundle.namelist()
                if name.endswith(".csv")
                for row in csv.reader(io.TextIOWrapper(bundle.open(name), "utf-8-sig"))
            )
    if export_format is ExportFormat.JSON:
        return json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False)
    return path.read_text("utf-8")


def every_byte(path: Path) -> str:
    """For zip-based files, every member decompressed (metadata too); else the file itself."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            names = "\n".join(bundle.namelist())
            return names + "\n".join(
                bundle.read(n).decode("utf-8", "replace") for n in bundle.namelist()
            )
    return path.read_bytes().decode("utf-8", "replace")


def assert_anonymous(text: str, where: str) -> None:
    flat = " ".join(text.split())
    joined = "".join(text.split())  # a PDF line break inside a word must not hide it
    for secret in MUST_NOT_APPEAR:
        assert secret not in flat and secret.replace(" ", "") not in joined, (
            f"{secret!r} in {where}"
        )


async def test_no_export_format_identifies_a_partner(
    engine: Engine, sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await identifying_round(engine, sessions, content)
    for export_format in ExportFormat:
        path = await export(sessions, content, "Oak Tree School", None, export_format, tmp_path)
        seen = read_back(path, export_format)
        assert_anonymous(seen, f"{export_format} as read")
        assert_anonymous(every_byte(path), f"{export_format} bytes")
        flat = " ".join(seen.split())
        for expected in MUST_APPEAR:
            assert expected in flat, f"{expected!r} missing from {export_format}"
        assert "The office is kind" in flat
        if export_format is ExportFormat.HTML:
            assert "<script>" not in seen and "&lt;script&gt;" in seen  # autoescaped


async def test_media_zips_name_files_by_reference_only(
    engine: Engine, sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await identifying_round(engine, sessions, content)
    for export_format in (ExportFormat.CSV, ExportFormat.JSON):
        path = await export(
            sessions, content, "Oak Tree School", None, export_format, tmp_path, Photos()
        )
        with zipfile.ZipFile(path) as bundle:
            media = [n for n in bundle.namelist() if n.startswith("media/")]
        assert (
            len(media) == 1 and media[0].startswith("media/E") and media[0].endswith("-photo.jpg")
        )
        assert_anonymous(every_byte(path), f"{export_format} with media")
