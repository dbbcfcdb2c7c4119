"""/export: the round's documents and data, sent in the chat as files.

The export reads with sessions of its own and may take a few seconds, so it is made after the
event's transaction has committed (the engine runs `turn.after_commit`), never while the
co-ordinator's row, or SQLite's write lock, is held.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.content import Content
from bot.dialogues.coordinator_rounds import find_round
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Attachment, AttachmentKind, Reply
from bot.export import ExportError, ExportFormat, export
from bot.state.database import SessionFactory
from bot.state.models import Round

# What the co-ordinator chooses from, in this order: the completed tool, then the data.
CHOICES = {
    ExportFormat.DOCX: "coordinator.export.docx",
    ExportFormat.PDF: "coordinator.export.pdf",
    ExportFormat.XLSX: "coordinator.export.xlsx",
    ExportFormat.CSV: "coordinator.export.csv",
    ExportFormat.JSON: "coordinator.export.json",
}


async def choose(turn: CoordinatorTurn, argument: str | None) -> None:
    round_ = await find_round(turn, argument)
    if round_ is None:
        turn.start("cancel")
        return
    turn.start("export", round=round_.id)
    turn.reply(await ask_format(turn))


async def ask_format(turn: CoordinatorTurn) -> Reply:
    round_ = await _chosen_round(turn)
    if round_ is None:  # deleted meanwhile: there is nothing left to choose a format for
        return Reply(turn.text("coordinator.round.none"))
    buttons = [turn.button(turn.text(key), "fmt", f.value) for f, key in CHOICES.items()]
    return Reply(
        turn.text("coordinator.export.ask", round=round_.name),
        (tuple(buttons[:2]), tuple(buttons[2:]), *turn.cancel_row()),
    )


async def make(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {f.value for f in CHOICES}:
        return False
    wanted = ExportFormat(argument)
    round_ = await _chosen_round(turn)
    if round_ is None:
        return False
    turn.outcome.chosen = turn.text(CHOICES[wanted])
    turn.move("done")
    turn.audit("export.made", round_id=round_.id, format=wanted.value)
    turn.say("coordinator.export.making", round=round_.name)
    organisation, round_name = turn.organisation.name, round_.name
    caption = turn.text("coordinator.export.caption", round=round_.name)

    async def deliver(sessions: SessionFactory, content: Content) -> Reply:
        try:
            content_bytes, name = await _export(sessions, content, organisation, round_name, wanted)
        except ExportError as error:
            return Reply(turn.text("coordinator.export.failed", reason=str(error)))
        document = Attachment(AttachmentKind.DOCUMENT, name, content_bytes)
        return Reply(caption, attachment=document)

    turn.after_commit.append(deliver)
    return True


async def _export(
    sessions: SessionFactory,
    content: Content,
    organisation: str,
    round_name: str,
    wanted: ExportFormat,
) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory(prefix="cornerstones-chat-export-") as folder:
        path = await export(sessions, content, organisation, round_name, wanted, out=Path(folder))
        return path.read_bytes(), path.name


async def _chosen_round(turn: CoordinatorTurn) -> Round | None:
    round_ = await turn.session.get(Round, turn.position.get("round"))
    if round_ is None or round_.organisation_id != turn.organisation.id:
        return None
    return round_
