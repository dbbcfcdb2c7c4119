"""`cornerstones run` as a real process against the fake Bot API: SIGTERM finishes what is in
hand, `kill -9` loses no partner's place (an update it had in hand comes again and is applied),
a webhook works, and the logs keep secrets.

SQLite only: the process opens the database from its URL, and the PostgreSQL tests' private
schemas cannot be named in one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.state import migrate
from bot.state.database import SessionFactory, open_engine, session_factory
from bot.state.models import Evidence, Journey
from tests.chat import Invites, organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits, Person, SentMessage

REPO = Path(__file__).resolve().parents[1]
STARTUP = 20.0  # seconds for a fresh interpreter to import everything and say hello


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[tuple[str, SessionFactory]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cornerstones.db'}"
    engine = open_engine(url)
    await migrate.upgrade(engine)
    yield url, session_factory(engine)
    await engine.dispose()


@asynccontextmanager
async def cornerstones_run(
    api: FakeBotApi, url: str, logs: list[str], *arguments: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run …`; the block ends with the process gone (killed, if still there)."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "CORNERSTONES_TELEGRAM_API_URL": api.root,
        "CORNERSTONES_DATABASE_URL": url,
        "CORNERSTONES_LOG_LEVEL": "DEBUG",  # the most it would ever say
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *arguments,
        env=environment,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    reading = asyncio.create_task(_collect(process, logs))
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        await reading


async def _collect(process: asyncio.subprocess.Process, logs: list[str]) -> None:
    assert process.stdout is not None
    async for line in process.stdout:
        logs.append(line.decode())


def ticked(message: SentMessage) -> bool:
    """An indicator ticked on the keyboard (not the "Done ✓" that is always there)."""
    return any(text.startswith("✓ ") for text in message.button_texts)


def question(person: Person) -> SentMessage:
    return [m for m in person.messages if m.buttons][-1]


async def start_journey(person: Person, invites: Invites) -> None:
    await person.command("/start", invites.parent_carer)
    await person.wait_for(lambda m: bool(m.buttons), timeout=STARTUP, what="the privacy note")
    await person.press(question(person), "Yes, let's start")
    await person.wait_for(lambda m: "question 1 of 25" in (m.text or ""), what="question 1")


async def test_sigterm_finishes_the_update_in_hand_and_kill_9_loses_no_place(
    database: tuple[str, SessionFactory],
) -> None:
    url, sessions = database
    invites = await organisation_with_invites(sessions)
    logs: list[str] = []
    example = "Mrs Patel rang me back within the hour"
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = api.user(first_name="Ann")
        async with cornerstones_run(api, url, logs) as process:
            await start_journey(ann, invites)
            await ann.send("ya")
            await ann.wait_for(lambda m: "You can type it" in (m.text or ""))
            api.slow_next("sendMessage", 1.0)  # the thanks is answered late…
            await ann.send(example)
            await ann.wait_for(lambda m: "that's kept" in (m.text or ""))
            process.send_signal(signal.SIGTERM)  # …so the stop begins with the update in hand
            assert await asyncio.wait_for(process.wait(), STARTUP) == 0
        assert "Which of these" in (ann.messages[-1].text or "")  # it finished before leaving

        async with cornerstones_run(api, url, logs) as process:
            await ann.press(question(ann), question(ann).button_texts[0])
            await ann.wait_for(ticked, timeout=STARTUP)  # the process is up and working
            # Killed with "Done" in hand: fetched, but waiting for the database another
            # writer holds, so not yet stored.
            with database_held(url):
                polls = api.stats.requests["getUpdates"]
                done = await ann.press(question(ann), "Done ✓")
                await fetched(api, polls)
                process.kill()  # kill -9: no goodbye at all
                await process.wait()
        assert done.update_id in [update["update_id"] for update in api.pending_updates]

        async with cornerstones_run(api, url, logs):
            # Telegram hands "Done" over again and it is applied: nobody presses anything.
            await ann.wait_for(lambda m: "another example" in (m.text or ""), timeout=STARTUP)

    async with sessions() as session:
        journey = await session.scalar(select(Journey))
        assert journey is not None and journey.state == "more"
        evidence = await session.scalar(select(Evidence))
        assert evidence is not None and evidence.text == example
    everything = "".join(logs)
    assert "update kind=text" in everything
    assert api.token not in everything and api.token.split(":")[1] not in everything
    assert example not in everything and str(ann.id) not in everything


@contextmanager
def database_held(url: str) -> Iterator[None]:
    """Another writer holds the SQLite database: the bot's next transaction waits for it."""
    connection = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def fetched(api: FakeBotApi, polls: int) -> None:
    """Until the bot has surely fetched what was sent when it had made `polls` getUpdates:
    two calls more, the second made after the first (which brought it, or was in flight) came
    back. The fake signals nothing on a request, so this looks every few milliseconds."""
    async with asyncio.timeout(STARTUP):
        while api.stats.requests["getUpdates"] < polls + 2:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_webhook_with_a_secret_and_invite_links_in_the_bots_own_name(
    database: tuple[str, SessionFactory],
) -> None:
    pytest.importorskip("tornado", reason="webhooks need python-telegram-bot[webhooks]")
    url, sessions = database
    invites = await organisation_with_invites(sessions)
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    logs: list[str] = []
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = api.user(first_name="Ann")
        async with cornerstones_run(
            api, url, logs, "--webhook", hook, "--listen", f"127.0.0.1:{port}"
        ):
            await start_journey(ann, invites)
            info = api.webhook_info()
            assert info["url"] == hook and api.stats.requests["getUpdates"] == 0
            # Only Telegram knows the secret: anyone else posting an update is turned away.
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {}}}
            async with aiohttp.ClientSession() as client, client.post(hook, json=forged) as answer:
                assert answer.status == 403
            # A co-ordinator's new invite comes as a QR code whose link names this bot (getMe).
            alex = api.user(first_name="Alex")
            await alex.command("/start", invites.coordinator)
            await alex.wait_for(lambda m: "co-ordinator for" in (m.text or ""), what="welcome")
            await alex.send("/invite parents 14d 30")
            poster = await alex.wait_for(lambda m: m.photo is not None, what="the QR code")
            assert "https://t.me/cornerstones_test_bot?start=" in (poster.caption or "")
