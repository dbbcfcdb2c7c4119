"""`cornerstones export`: the file, a progress bar on stderr, and errors a person can act on."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.state.database import open_engine, session_factory
from bot.state.organisations import create_organisation
from tests.test_export_documents import a_round


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A migrated SQLite database with Oak Tree School's round, and no bot token."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cornerstones.db'}"
    monkeypatch.chdir(tmp_path)  # no .env of a developer's is read, and exports land here
    monkeypatch.setenv("CORNERSTONES_DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    async def fill() -> None:
        engine = open_engine(url)
        sessions = session_factory(engine)
        await a_round(sessions)
        async with sessions() as session, session.begin():
            await create_organisation(session, "Ash Grove Nursery", "the nursery")
        await engine.dispose()

    asyncio.run(fill())
    return runner


def test_export_writes_the_file_and_shows_progress_on_stderr(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["export", "--org", "Oak Tree School", "--format", "json"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "oak-tree-school-autumn-2025.json"
    assert result.stdout == f"Wrote {written.resolve()}\n"
    assert "Exporting" in result.stderr
    assert json.loads(written.read_text("utf-8"))["round"]["name"] == "Autumn 2025"

    result = runner.invoke(
        main, ["export", "--org", "oak-tree-school", "--round", "Autumn 2025",
               "--format", "csv", "--out", "data.zip"],
    )  # fmt: skip
    assert result.exit_code == 0 and (tmp_path / "data.zip").is_file()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--org", "Birch Lane"], "Error: No organisation called 'Birch Lane'"),
        (["--org", "Oak Tree School", "--round", "Summer"], "no round called 'Summer'"),
        (["--org", "Ash Grove Nursery"], "Nobody has answered in the round"),
        (["--org", "Oak Tree School", "--out", "missing/x.json"], "the folder missing does not"),
        (["--org", "Oak Tree School", "--with-media"], "needs TELEGRAM_BOT_TOKEN"),
    ],
)
def test_export_explains_what_went_wrong(
    runner: CliRunner, arguments: list[str], says: str
) -> None:
    result = runner.invoke(main, ["export", "--format", "json", *arguments])
    assert result.exit_code == 1
    assert says in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["export", "--org", "Oak Tree School", "--format", "odt"])
    assert result.exit_code == 2 and "'odt' is not one of" in result.stderr
