"""SQLite on the event loop: each statement runs in place; only waiting for a lock leaves it.

aiosqlite runs every call on a thread of its own, so one statement costs three or four hops
between threads, each a tenth of a millisecond or so, and a partner's event (about eight
statements) spent most of its time hopping. SQLite's own work for such an event is tens of
microseconds in a WAL database, and only one thing can make a statement slow: waiting for
another connection's write lock (a second process, an export from the command line).

So this driver runs every call on the event loop with SQLite's busy timeout at zero, and a
call that finds the database busy runs again on a worker thread with the patience the
database was opened with. The loop never waits for a lock; everything else costs no hop.
A busy statement did nothing (SQLite undoes it), so running it again is safe.

It is the DB-API module SQLAlchemy's aiosqlite dialect drives (`create_async_engine(...,
module=InPlaceSQLite())`), speaking the asyncio connection and cursor protocols of
`sqlalchemy.connectors.asyncio`, so URLs stay `sqlite+aiosqlite:///…`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")
SQLITE_BUSY = 5  # and its extended codes, whose low byte is 5
DEFAULT_PATIENCE = 10.0  # seconds to wait for another connection's lock


def is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == SQLITE_BUSY)
    return "database is locked" in str(error)


class Connection:
    """One sqlite3 connection, used by one task at a time (SQLAlchemy's pool sees to that)."""

    def __init__(self, connection: sqlite3.Connection, patience: float) -> None:
        self._sqlite: sqlite3.Connection | None = connection
        self.patience = patience
        self.waits = 0  # calls that met a lock and waited on a thread: for tests and logs

    @property
    def sqlite(self) -> sqlite3.Connection:
        if self._sqlite is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._sqlite

    async def run(self, call: Callable[..., T], *arguments: Any) -> T:
        """`call` on the loop; if the database is busy, again on a thread, waiting for it."""
        try:
            return call(*arguments)
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
        self.waits += 1
        return await asyncio.to_thread(self._patiently, call, *arguments)

    def _patiently(self, call: Callable[..., T], *arguments: Any) -> T:
        milliseconds = int(self.patience * 1000)
        self.sqlite.execute(f"PRAGMA busy_timeout={milliseconds}")
        try:
            return call(*arguments)
        finally:
            self.sqlite.execute("PRAGMA busy_timeout=0")

    @property
    def isolation_level(self) -> str | None:
        return self.sqlite.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self.sqlite.isolation_level = value

    def cursor(self) -> Cursor:
        return Cursor(self)

    async def commit(self) -> None:
        await self.run(self.sqlite.commit)

    async def rollback(self) -> None:
        await self.run(self.sqlite.rollback)

    async def create_function(self, *arguments: Any, **options: Any) -> None:
        self.sqlite.create_function(*arguments, **options)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None


class Cursor:
    """A sqlite3 cursor behind the awaitable interface SQLAlchemy's adapter expects."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._cursor = connection.sqlite.cursor()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        rows = list(parameters)  # a retry on a thread must see them all again
        await self._connection.run(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return await self._connection.run(self._cursor.fetchone)

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        if size is None:
            return await self._connection.run(self._cursor.fetchmany)
        return await self._connection.run(self._cursor.fetchmany, size)

    async def fetchall(self) -> list[Any]:
        return await self._connection.run(self._cursor.fetchall)

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_: Any) -> None:
        return None

    def setoutputsize(self, *_: Any) -> None:
        return None


class _Adapted(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite adapter, minus the parts that reach into aiosqlite's thread."""

    __slots__ = ()
    _connection: Connection  # type: ignore[assignment]

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = value

    def rollback(self) -> None:
        if self._connection._sqlite is not None:
            await_(self._connection.rollback())

    def commit(self) -> None:
        if self._connection._sqlite is not None:
            await_(self._connection.commit())


class InPlaceSQLite(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module for SQLAlchemy's aiosqlite dialect, connecting in place."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.has_stop = True

    def connect(self, database: str, **options: Any) -> _Adapted:
        patience = float(options.pop("timeout", DEFAULT_PATIENCE))
        options.pop("async_creator_fn", None)
        options["check_same_thread"] = False  # a lock is waited for on a worker thread
        connection = sqlite3.connect(database, timeout=0.0, **options)
        return _Adapted(self, cast(Any, Connection(connection, patience)))
