"""The `cornerstones` command, as a co-ordinator's helper types it, on a SQLite file.

The commands run their own event loop (`asyncio.run`), so these tests are plain functions; where
a partner then uses a printed link, the engine is driven in a loop of its own the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import ColumnElement, func, select, update

from bot.cli import main
from bot.content import Audience, Content
from bot.dialogues.engine import Engine
from bot.state.database import open_engine, session_factory
from bot.state.models import Base, Contact, InboundEvent, Invite, Journey, Partner, utcnow
from tests.chat import Chat

T = TypeVar("T")
LINK = re.compile(r"https://t\.me/your_bot\?start=(\S+)")
ORGANISATION = "Oak Tree School"
NOT_UPGRADED = "run `cornerstones db upgrade` first"


@dataclass
class Cornerstones:
    """The command line on one database file, with no bot token: links say `your_bot`."""

    database: Path
    runner: CliRunner

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database}"

    def __call__(self, *args: str, input: str | None = None) -> Result:
        # Anything but a clean exit (a traceback) fails the test with its own error.
        return self.runner.invoke(main, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return result.output

    def fails(self, *args: str, code: int = 1) -> str:
        result = self(*args)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result.output

    def organisation(self) -> list[str]:
        self.ok("db", "upgrade")
        return links(self.ok("org", "create", ORGANISATION, "--calls-itself", "the school"))

    def invite(self, role: str, *options: str) -> tuple[int, str]:
        output = self.ok("invite", "--org", ORGANISATION, "--role", role, *options)
        number = re.search(r"Invite (\d+) for", output)
        assert number is not None, output
        [token] = links(output)
        return int(number[1]), token

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def cornerstones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cornerstones:
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CORNERSTONES_TIME_ZONE", raising=False)
    database = tmp_path / "data" / "cornerstones.db"
    monkeypatch.setenv("CORNERSTONES_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    return Cornerstones(database, CliRunner())


def links(output: str) -> list[str]:
    return LINK.findall(output)


# ---- help ------------------------------------------------------------------------------------


def _command_paths(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _command_paths(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_every_command_and_group_has_help(cornerstones: Cornerstones) -> None:
    paths = _command_paths(main)
    assert {("db", "upgrade"), ("org", "create"), ("invite", "list"), ("try",)} <= set(paths)
    for path in paths:
        output = cornerstones.ok(*path, "--help")
        assert output.startswith("Usage: "), path
        assert "Show this message and exit." in output


# ---- organisations and invites ---------------------------------------------------------------


def test_an_organisation_gets_four_links_whose_tokens_are_never_stored(
    cornerstones: Cornerstones,
) -> None:
    assert "Database is up to date" in cornerstones.ok("db", "upgrade")
    output = cornerstones.ok("org", "create", ORGANISATION, "--calls-itself", "the school")

    tokens = links(output)
    assert len(tokens) == 4
    for role in ("Parent carers", "Young people", "Practitioners", "Co-ordinators"):
        assert role in output
    assert "shown only this once" in output
    for token in tokens:
        # Telegram's deep links allow 64 characters of [A-Za-z0-9_-]; 43 of them are 256 bits.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert len(set(tokens)) == 4

    hashes = {row[0] for row in cornerstones.rows("SELECT token_hash FROM invites")}
    assert hashes == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    # Not in any table, nor anywhere in the files SQLite keeps (the write-ahead log included).
    stored = b"".join(
        path.read_bytes() for path in cornerstones.database.parent.iterdir() if path.is_file()
    )
    for token in tokens:
        assert token.encode() not in stored


def test_a_second_organisation_of_the_same_name_is_refused(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    output = cornerstones.fails("org", "create", ORGANISATION, "--calls-itself", "the school")
    assert "already an organisation called 'Oak Tree School'" in output
    assert not links(output)
    assert cornerstones.rows("SELECT count(*) FROM organisations") == [(1,)]


def test_a_new_organisation_takes_the_configured_time_zone(
    cornerstones: Cornerstones, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORNERSTONES_TIME_ZONE", "Europe/Dublin")
    cornerstones.organisation()
    assert cornerstones.rows("SELECT time_zone FROM organisations") == [("Europe/Dublin",)]


def test_another_invite_with_an_expiry_and_a_limit(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    output = cornerstones.ok(
        "invite",
        "--org",
        ORGANISATION,
        "--role",
        "young-person",
        "--expires",
        "14d",
        "--max-uses",
        "30",
    )
    assert len(links(output)) == 1
    assert "Young people at Oak Tree School" in output
    [(role, max_uses, expires_at)] = cornerstones.rows(
        "SELECT role, max_uses, expires_at FROM invites WHERE max_uses IS NOT NULL"
    )
    assert (role, max_uses) == ("young-person", 30)
    assert expires_at is not None

    listing = cornerstones.ok("invite", "list", "--org", ORGANISATION)
    assert len(listing.strip().splitlines()) == 5
    assert re.search(r"young-person\s+used 0 of 30\s+expires \d{4}-\d\d-\d\d", listing)
    assert not links(listing)


def test_an_invite_is_revoked_once(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    number, _ = cornerstones.invite("practitioner")
    assert f"Invite {number} is revoked." in cornerstones.ok(
        "invite", "revoke", str(number), "--org", ORGANISATION
    )
    assert "REVOKED" in cornerstones.ok("invite", "list", "--org", ORGANISATION)
    again = cornerstones.fails("invite", "revoke", str(number), "--org", ORGANISATION)
    assert f"No working invite {number}" in again


def test_revoking_an_invite_that_does_not_exist_says_where_to_look(
    cornerstones: Cornerstones,
) -> None:
    cornerstones.organisation()
    output = cornerstones.fails("invite", "revoke", "999", "--org", ORGANISATION)
    assert "No working invite 999" in output
    assert "cornerstones invite list" in output


def test_an_invite_of_another_organisation_cannot_be_revoked(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    cornerstones.ok("org", "create", "Ash Lane Nursery", "--calls-itself", "the nursery")
    number, _ = cornerstones.invite("parent-carer")
    cornerstones.fails("invite", "revoke", str(number), "--org", "Ash Lane Nursery")
    assert "REVOKED" not in cornerstones.ok("invite", "list", "--org", ORGANISATION)


@pytest.mark.parametrize("expires", ["3weeks", "14", "d14", "-1d"])
def test_an_expiry_it_cannot_read_is_a_usage_error(
    cornerstones: Cornerstones, expires: str
) -> None:
    cornerstones.organisation()
    output = cornerstones.fails(
        "invite", "--org", ORGANISATION, "--role", "parent-carer", "--expires", expires, code=2
    )
    assert "--expires" in output and "14d" in output
    assert cornerstones.rows("SELECT count(*) FROM invites") == [(4,)]


def test_an_invite_needs_an_organisation_and_a_role(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    assert "--org NAME --role ROLE" in cornerstones.fails("invite", "--org", ORGANISATION, code=2)


@pytest.mark.parametrize(
    "command",
    [
        ("invite", "--org", "Nowhere Academy", "--role", "parent-carer"),
        ("invite", "list", "--org", "Nowhere Academy"),
        ("invite", "revoke", "1", "--org", "Nowhere Academy"),
    ],
)
def test_an_unknown_organisation_is_named(
    cornerstones: Cornerstones, command: tuple[str, ...]
) -> None:
    cornerstones.organisation()
    assert "No organisation called 'Nowhere Academy'" in cornerstones.fails(*command)


def test_an_organisation_is_found_by_its_name_in_any_case(cornerstones: Cornerstones) -> None:
    cornerstones.organisation()
    assert len(
        links(cornerstones.ok("invite", "--org", "oak tree school", "--role", "coordinator"))
    )


@pytest.mark.parametrize(
    "command",
    [
        ("org", "create", ORGANISATION, "--calls-itself", "the school"),
        ("invite", "--org", ORGANISATION, "--role", "parent-carer"),
        ("invite", "list", "--org", ORGANISATION),
        ("invite", "revoke", "1", "--org", ORGANISATION),
        ("try", "--role", "young-person"),
    ],
)
def test_a_database_never_upgraded_says_what_to_run(
    cornerstones: Cornerstones, command: tuple[str, ...]
) -> None:
    assert NOT_UPGRADED in cornerstones.fails(*command)


def test_upgrading_twice_is_harmless(cornerstones: Cornerstones) -> None:
    cornerstones.ok("db", "upgrade")
    assert cornerstones.url in cornerstones.ok("db", "upgrade")


def test_a_database_that_cannot_be_opened_is_named(
    cornerstones: Cornerstones, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("CORNERSTONES_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/a-file/x.db")
    assert "Cannot use the database" in cornerstones.fails("db", "upgrade")


def test_bad_settings_are_one_line_before_anything_runs(
    cornerstones: Cornerstones, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345:not-a-real-token")
    output = cornerstones.fails("db", "upgrade")
    assert output.startswith("Error: TELEGRAM_BOT_TOKEN does not look like a token")
    assert "not-a-real-token" not in output
    assert not cornerstones.database.exists()


def test_run_without_a_token_and_nobody_at_a_terminal_says_how_to_get_one(
    cornerstones: Cornerstones,
) -> None:
    cornerstones.ok("db", "upgrade")
    output = cornerstones.fails("run")  # CliRunner's input is not a terminal
    assert "@BotFather" in output and "TELEGRAM_BOT_TOKEN" in output


def test_run_refuses_a_listen_address_without_a_port(cornerstones: Cornerstones) -> None:
    assert "HOST:PORT" in cornerstones.fails("run", "--listen", "localhost", code=2)


# ---- a link printed by the command, used by a partner ----------------------------------------


def _with_engine(
    cornerstones: Cornerstones, content: Content, work: Callable[[Engine], Awaitable[T]]
) -> T:
    async def run() -> T:
        database = open_engine(cornerstones.url)
        try:
            return await work(Engine(session_factory(database), content))
        finally:
            await database.dispose()

    return asyncio.run(run())


async def _join(engine: Engine, address: str, token: str) -> Chat:
    chat = Chat(engine, address=address, transport="telegram")
    await chat.send(f"/start {token}")
    return chat


async def _known(engine: Engine, address: str) -> dict[str, int]:
    """What is stored about the person at `address`, and about anyone at all."""
    async with engine.sessions() as session:

        async def count(model: type[Base], *where: ColumnElement[bool]) -> int:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        theirs = select(Contact.partner_id).where(Contact.address == address)
        return {
            "contacts": await count(Contact, Contact.address == address),
            "partners": await count(Partner, Partner.id.in_(theirs)),
            "everyone": await count(Partner),
            "journeys": await count(Journey),
            "journal": await count(InboundEvent),
        }


def test_a_printed_link_lets_a_partner_join(cornerstones: Cornerstones, content: Content) -> None:
    parent_carer_link = cornerstones.organisation()[0]

    async def join(engine: Engine) -> tuple[Chat, dict[str, int]]:
        chat = await _join(engine, "2001", parent_carer_link)
        await chat.press("Yes")
        return chat, await _known(engine, "2001")

    chat, known = _with_engine(cornerstones, content, join)
    first = content.framework.statements[0].id
    assert "Oak Tree School" in chat.outcomes[0].replies[0].text
    assert chat.question.text.endswith(
        content.prompt(Audience.PARENT_CARER, first, "the school").ask
    )
    assert known["partners"] == known["contacts"] == 1
    assert cornerstones.rows("SELECT role, number FROM partners") == [("parent-carer", 1)]
    assert cornerstones.rows("SELECT state, statement_id FROM journeys") == [("rating", first)]
    assert cornerstones.rows("SELECT role, uses FROM invites WHERE role = 'parent-carer'") == [
        ("parent-carer", 1)
    ]


def _refused(
    cornerstones: Cornerstones,
    content: Content,
    token: str,
    before: Callable[[Engine], Awaitable[None]] | None = None,
) -> tuple[str, dict[str, int]]:
    async def stranger(engine: Engine) -> tuple[str, dict[str, int]]:
        if before is not None:
            await before(engine)
        chat = await _join(engine, "3003", token)
        return chat.said, await _known(engine, "3003")

    return _with_engine(cornerstones, content, stranger)


NOTHING_KEPT = {"contacts": 0, "partners": 0, "everyone": 0, "journeys": 0, "journal": 0}


def test_a_revoked_link_is_explained_and_nothing_kept(
    cornerstones: Cornerstones, content: Content
) -> None:
    cornerstones.organisation()
    number, token = cornerstones.invite("young-person")
    cornerstones.ok("invite", "revoke", str(number), "--org", ORGANISATION)
    said, known = _refused(cornerstones, content, token)
    assert said == content.messages.text("join.no_longer")
    assert known == NOTHING_KEPT


def test_an_expired_link_is_explained_and_nothing_kept(
    cornerstones: Cornerstones, content: Content
) -> None:
    cornerstones.organisation()
    number, token = cornerstones.invite("parent-carer", "--expires", "1d")

    async def expire(engine: Engine) -> None:
        async with engine.sessions() as session, session.begin():
            await session.execute(
                update(Invite)
                .where(Invite.id == number)
                .values(expires_at=utcnow() - timedelta(minutes=1))
            )

    said, known = _refused(cornerstones, content, token, before=expire)
    assert said == content.messages.text("join.expired")
    assert known == NOTHING_KEPT


def test_a_used_up_link_is_explained_and_nothing_kept(
    cornerstones: Cornerstones, content: Content
) -> None:
    cornerstones.organisation()
    _, token = cornerstones.invite("practitioner", "--max-uses", "1")

    async def first_person(engine: Engine) -> None:
        chat = await _join(engine, "2002", token)
        await chat.press("Yes")

    said, known = _refused(cornerstones, content, token, before=first_person)
    assert said == content.messages.text("join.no_longer")
    # Only the first person is known: the second left no trace.
    assert known == {**NOTHING_KEPT, "everyone": 1, "journeys": 1, "journal": 2}
    assert cornerstones.rows("SELECT address FROM contacts") == [("2002",)]
    assert "used 1 of 1" in cornerstones.ok("invite", "list", "--org", ORGANISATION)


def test_run_on_a_database_never_upgraded_says_what_to_do(tmp_path: Path) -> None:
    env = {
        "CORNERSTONES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'new.db'}",
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
    }
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code != 0
    assert "cornerstones db upgrade" in result.output
    assert "Traceback" not in result.output
