"""The journey in a terminal: typed lines in, printed text out, the same engine and database."""

from __future__ import annotations

import getpass
import io
import os
import re
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.cli.running import DEMO_NAME
from bot.content import Audience, Content, Rating
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Evidence, Journey, Partner
from bot.state.models import Rating as StoredRating
from bot.terminal import HINT, ReadLine, converse, default_address, read_stdin
from tests.chat import organisation_with_invites

ADDRESS = "sam:parent-carer"


class Screen:
    """What the terminal printed, one `write` at a time: a reply's text is one write."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def __call__(self, text: str) -> None:
        self.writes.append(text)

    @property
    def texts(self) -> list[str]:
        """The bot's messages, without choices, notices and the terminal's own words."""
        ours = {"", HINT, "\nBye for now. Everything is saved."}
        return [w for w in self.writes if w not in ours and not w.startswith("  ")]

    @property
    def choices(self) -> list[str]:
        return [w for w in self.writes if re.match(r"  \[\d+\] ", w)]

    def __str__(self) -> str:
        return "\n".join(self.writes)


def typed(lines: Iterable[str]) -> ReadLine:
    """A person typing these lines, then Ctrl-D."""
    waiting = list(lines)

    async def read(prompt: str) -> str | None:
        assert prompt == "> "
        return waiting.pop(0) if waiting else None

    return read


async def talk(engine: Engine, opening: str, *lines: str) -> Screen:
    screen = Screen()
    await converse(engine, ADDRESS, opening, read=typed(lines), write=screen)
    return screen


async def journey(sessions: SessionFactory) -> Journey:
    async with sessions() as session:
        found: Journey | None = await session.scalar(select(Journey))
    assert found is not None
    return found


async def test_numbered_choices_answer_the_buttons(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    screen = await talk(engine, f"/start {invites.parent_carer}", "1", "2")

    assert screen.writes[0] == HINT
    assert (
        screen.choices[0]
        == f"  [1] {content.messages.text('buttons.consent_yes', Audience.PARENT_CARER)}"
    )
    labels = content.lexicon.rating_labels(Audience.PARENT_CARER)
    assert f"  [2] {labels[Rating.MOSTLY]}" in screen.choices
    assert f"  → {labels[Rating.MOSTLY]}" in screen.writes
    assert screen.writes[-1] == "\nBye for now. Everything is saved."
    async with sessions() as session:
        ratings = list(await session.scalars(select(StoredRating)))
    assert [(r.statement_id, r.value) for r in ratings] == [
        (content.framework.statements[0].id, Rating.MOSTLY.value)
    ]


async def test_commands_work_as_in_telegram(engine: Engine, sessions: SessionFactory) -> None:
    invites = await organisation_with_invites(sessions)
    screen = await talk(engine, f"/start {invites.young_person}", "1", "/help", "/pause")
    assert any("/forget" in text and "/pause" in text for text in screen.texts)
    assert (await journey(sessions)).state == "paused"

    again = await talk(engine, "/continue")
    assert (await journey(sessions)).state == "rating"
    assert again.choices, "the question is asked again, with its choices"


async def test_pretend_media_is_kept_as_evidence(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    await talk(engine, f"/start {invites.parent_carer}", "1", "1", "!voice about the ramp")
    async with sessions() as session:
        [evidence] = list(await session.scalars(select(Evidence)))
    assert (evidence.kind, evidence.file_id, evidence.text) == (
        "voice",
        "terminal-voice",
        "about the ramp",
    )
    assert evidence.statement_id == content.framework.statements[0].id


async def test_a_sticker_is_not_something_it_can_keep(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    await talk(engine, f"/start {invites.parent_carer}", "1")
    screen = await talk(engine, "!sticker")
    assert len(screen.texts) >= 2  # a word about stickers, then the question again
    assert (await journey(sessions)).state == "rating"


async def test_quit_leaves_whatever_is_still_to_be_read(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    await talk(engine, f"/start {invites.parent_carer}", "/quit", "1")
    assert (await journey(sessions)).state == "consent"


async def test_coming_back_resumes_at_the_same_question(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    first = await talk(Engine(sessions, content), f"/start {invites.parent_carer}", "1", "3")
    where = await journey(sessions)
    assert where.state == "example"

    # Another day: a new engine (a new process) on the same database.
    second = await talk(Engine(sessions, content), "/start")
    back = await journey(sessions)
    assert (back.state, back.statement_id, back.step) == (
        where.state,
        where.statement_id,
        where.step,
    )
    assert second.texts[0] == content.messages.text(
        "welcome.back", Audience.PARENT_CARER, organisation="Oak Tree School"
    )
    assert second.texts[-1] == first.texts[-1]
    async with sessions() as session:
        assert len(list(await session.scalars(select(Partner)))) == 1


# ---- reading the keyboard --------------------------------------------------------------------


async def test_stdin_is_read_a_line_at_a_time_until_it_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reading, writing = os.pipe()
    os.write(writing, "1\nWe talk every week 👍\r\n/quit".encode())  # pasted all at once
    os.close(writing)
    with os.fdopen(reading, "rb", buffering=0) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        lines = [await read_stdin("> ") for _ in range(4)]
    assert lines == ["1", "We talk every week 👍", "/quit", None]
    assert capsys.readouterr().out == "> " * 4


async def test_stdin_that_is_not_a_file_is_read_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/help\n"))
    assert [await read_stdin("> "), await read_stdin("> ")] == ["/help", None]


# ---- through the command line ----------------------------------------------------------------


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    database = tmp_path / "cornerstones.db"
    monkeypatch.setenv("CORNERSTONES_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    return database


def test_try_as_a_young_person_then_come_back(cli_database: Path, content: Content) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    first = runner.invoke(main, ["try", "--role", "young-person"], input="1\n/progress\n")
    assert first.exit_code == 0, first.output
    assert DEMO_NAME in first.output
    assert "  [1] " in first.output
    assert first.output.rstrip().endswith("Bye for now. Everything is saved.")

    again = runner.invoke(main, ["try", "--role", "young-person"], input="/quit\n")
    assert again.exit_code == 0, again.output
    welcome_back = content.messages.text(
        "welcome.back", Audience.YOUNG_PERSON, organisation=DEMO_NAME
    )
    assert welcome_back in again.output

    with sqlite3.connect(cli_database) as connection:
        assert connection.execute("SELECT role FROM partners").fetchall() == [("young-person",)]
        assert connection.execute("SELECT address FROM contacts").fetchall() == [
            (default_address("young-person"),)
        ]
        assert connection.execute("SELECT count(*) FROM organisations").fetchall() == [(1,)]
    assert default_address("young-person") == f"{getpass.getuser()}:young-person"


def test_try_keeps_its_demo_out_of_a_database_with_real_organisations(cli_database: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(
        main, ["org", "create", "Oak Tree School", "--calls-itself", "the school"]
    )
    assert created.exit_code == 0, created.output

    tried = runner.invoke(main, ["try"], input="/quit\n")
    assert tried.exit_code != 0
    assert "already holds 1 organisation(s)" in tried.output
    assert "CORNERSTONES_DATABASE_URL=sqlite+aiosqlite:///data/try.db" in tried.output
    with sqlite3.connect(cli_database) as connection:
        assert connection.execute("SELECT name FROM organisations").fetchall() == [
            ("Oak Tree School",)
        ]
        assert connection.execute("SELECT count(*) FROM partners").fetchall() == [(0,)]
