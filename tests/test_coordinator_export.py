"""/export: the round's documents and data, made after the event commits and sent as files."""

from __future__ import annotations

import json

from bot.dialogues.engine import Engine
from bot.dialogues.replies import AttachmentKind
from bot.state.database import SessionFactory
from tests.chat import play
from tests.test_coordinator import audit_actions, coordinator, partner


async def test_an_export_is_chosen_with_buttons_and_arrives_as_a_file(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    await play(
        chat,
        [
            ("/export", "Which export of"),
            ("[JSON data]", "couldn't be made"),
        ],
    )
    assert "Nobody has answered" in chat.said
    parent = await partner(engine, invites.parent_carer, "p1")
    await play(
        parent, [("[Mostly]", "tell"), ("Ring me on 07700 900123, the staff were kind.", "")]
    )
    await play(chat, [("/export 7", "There's no round “7”"), ("/export 1", "Which export of")])
    await play(chat, [("[JSON data]", "Making the export")])
    document = chat.last.replies[-1]
    assert document.attachment is not None
    assert document.attachment.kind is AttachmentKind.DOCUMENT
    assert document.attachment.file_name.endswith(".json")
    exported = document.attachment.content.decode()
    assert "the staff were kind" in exported and "07700" not in exported
    assert "Name-p1" not in exported
    json.loads(exported)
    made = [a[2] for a in await audit_actions(sessions) if a[1] == "export.made"]
    assert [m["format"] for m in made] == ["json", "json"]
