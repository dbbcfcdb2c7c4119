"""The SQLite driver runs statements on the event loop, and leaves it only to wait for a lock.

Another connection holding the write lock is a second process (an export from the command
line, `cornerstones purge`): the bot must keep serving other partners meanwhile, and the
waiting transaction must go through once the lock is free, or fail plainly after its patience.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.state.database import open_engine, reading_sessions, session_factory
from bot.state.sqlite_in_place import Connection


@contextmanager
def held_elsewhere(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection, as another process would have, holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


async def driver_of(engine: AsyncEngine) -> Connection:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, Connection)
        return driver


async def make_table(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE said (words TEXT NOT NULL)"))


async def test_a_transaction_runs_without_leaving_the_loop(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite+aiosqlite:///{tmp_path / 'quick.db'}")
    try:
        await make_table(engine)
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO said VALUES ('ya')"))
            rows = (await connection.execute(text("SELECT words FROM said"))).all()
        assert [tuple(row) for row in rows] == [("ya",)]
        assert (await driver_of(engine)).waits == 0  # no statement needed a worker thread
    finally:
        await engine.dispose()


async def test_the_loop_keeps_working_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    engine = open_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await make_table(engine)
        ticks = 0
        stop_ticking, ticked_a_while = asyncio.Event(), asyncio.Event()

        async def ticker() -> None:  # another partner's work, which must not stall
            nonlocal ticks
            while not stop_ticking.is_set():
                ticks += 1
                if ticks == 1000:
                    ticked_a_while.set()
                await asyncio.sleep(0)

        with held_elsewhere(path) as other:
            ticking = asyncio.create_task(ticker())

            async def write() -> None:
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO said VALUES ('kept')"))

            writing = asyncio.create_task(write())
            await ticked_a_while.wait()  # the loop runs on while the writer waits for the lock
            assert not writing.done()
            other.execute("COMMIT")  # the other process finishes; the waiting write goes in
            await asyncio.wait_for(writing, timeout=10)
            stop_ticking.set()
            await ticking
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM said"))).scalar() == 1
        assert (await driver_of(engine)).waits >= 1
    finally:
        await engine.dispose()


async def test_a_lock_held_past_the_patience_fails_plainly_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stuck.db"
    engine = open_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0.2})
    try:
        await make_table(engine)
        with held_elsewhere(path), pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO said VALUES ('lost?')"))
        async with engine.begin() as connection:  # the lock is free again: all is usable
            await connection.execute(text("INSERT INTO said VALUES ('kept')"))
            rows = (await connection.execute(text("SELECT words FROM said"))).all()
        assert [tuple(row) for row in rows] == [("kept",)]
    finally:
        await engine.dispose()


async def test_a_reading_session_holds_no_lock_and_keeps_its_snapshot(tmp_path: Path) -> None:
    """An export reads in a session like this for seconds; partners must go on being heard."""
    engine = open_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'read.db'}", connect_args={"timeout": 0.5}
    )
    try:
        await make_table(engine)
        sessions = session_factory(engine)
        async with reading_sessions(sessions)() as reader:
            count = text("SELECT count(*) FROM said")
            assert (await reader.execute(count)).scalar() == 0  # its transaction is open
            async with sessions() as writer, writer.begin():  # a partner's event, meanwhile
                await writer.execute(text("INSERT INTO said VALUES ('kept')"))
            assert (await reader.execute(count)).scalar() == 0  # one consistent snapshot
        async with sessions() as session:
            assert (await session.execute(count)).scalar() == 1
        assert (await driver_of(engine)).waits == 0  # the writer never met a lock
    finally:
        await engine.dispose()
