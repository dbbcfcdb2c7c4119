"""--with-media: partners' files fetched back through the Bot API (getFile, then download)
from the fake Telegram server, zipped beside the export, and named by reference only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

from bot.content import Content
from bot.export import export
from bot.state import answers
from bot.state.answers import Said
from bot.state.database import SessionFactory
from bot.state.organisations import create_organisation
from bot.state.partners import add_partner
from bot.telegram.files import TelegramFiles
from tests.fake_bot_api import TINY_PNG, FakeBotApi
from tests.telegram_helpers import settings_for

VOICE = b"OggS\x00\x02 a voice note"
LETTER = b"%PDF-1.4 a letter from home"


async def round_with_files(sessions: SessionFactory, sent: list[Said]) -> None:
    async with sessions() as session, session.begin():
        organisation, round_ = await create_organisation(
            session, "Oak Tree School", "the school", first_round="Autumn 2025"
        )
        partner = await add_partner(session, organisation.id, "parent-carer", "test", "1", None)
        await answers.set_rating(session, partner.id, round_.id, "1.i", "always")
        for said in sent:
            evidence = await answers.keep(session, partner.id, round_.id, "1.i", "example", said)
            await answers.toggle_indicator(session, evidence.id, "1.i.a")


async def test_files_are_fetched_from_telegram_into_the_zip(
    sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    async with FakeBotApi() as api:
        person = api.user(first_name="Jane")
        voice = (await person.send_voice(VOICE, duration=4)).payload["voice"]
        photo = (await person.send_photo(TINY_PNG)).payload["photo"][-1]
        document = (
            await person.send_document(LETTER, "Jane Smith letter.pdf", "application/pdf")
        ).payload["document"]
        await round_with_files(
            sessions,
            [
                Said("voice", file_id=voice["file_id"], mime_type="audio/ogg"),
                Said("photo", text="Our display", file_id=photo["file_id"]),
                Said(
                    "document",
                    file_id=document["file_id"],
                    mime_type="application/pdf",
                    file_name="Jane Smith letter.pdf",
                ),
                Said("video", file_id="gone-from-telegram"),
            ],
        )
        # As `cornerstones export --with-media` makes it: the bot's own settings and backend.
        async with TelegramFiles.for_settings(settings_for(api)) as files:
            path = await export(
                sessions, content, "Oak Tree School", None, "docx", tmp_path, media_source=files
            )
    assert path.name == "oak-tree-school-autumn-2025-docx-with-media.zip"
    with zipfile.ZipFile(path) as bundle:
        assert sorted(bundle.namelist()) == [
            "media/E1-voice.oga",
            "media/E2-photo.jpg",
            "media/E3-document.pdf",
            "media/NOT-INCLUDED.txt",
            "oak-tree-school-autumn-2025.docx",
        ]
        assert bundle.read("media/E1-voice.oga") == VOICE
        assert bundle.read("media/E2-photo.jpg") == TINY_PNG
        assert bundle.read("media/E3-document.pdf") == LETTER
        missing = bundle.read("media/NOT-INCLUDED.txt").decode()
        assert "E4 (Video)" in missing
        tool = docx.Document(io.BytesIO(bundle.read("oak-tree-school-autumn-2025.docx")))
    cells = "\n".join(c.text for t in tool.tables for row in t.rows for c in row.cells)
    assert "Voice note: media/E1-voice.oga" in cells
    assert "“Our display”\nPhoto: media/E2-photo.jpg" in cells
    assert "Jane" not in cells and "Jane" not in "\n".join(p.text for p in tool.paragraphs)
