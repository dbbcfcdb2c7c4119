"""Opening the database: one engine per process, one session per event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.state.sqlite_in_place import InPlaceSQLite

SessionFactory = async_sessionmaker[AsyncSession]
READING = "cornerstones_reading"  # an execution option: this connection only reads
LOCK_PATIENCE = 10.0  # seconds an SQLite statement waits for another connection's lock
# PostgreSQL connections a process keeps open, and how many more it may open for a burst (closed
# again as soon as they are handed back: a process that keeps needing them pays a new connection
# each time, which at 32 events at once cost a third of the throughput). Several processes
# sharing one server need up to (kept + burst) each within its max_connections (default 100).
POSTGRES_CONNECTIONS = 20
POSTGRES_BURST = 10


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def open_engine(url: str, **options: Any) -> AsyncEngine:
    """An engine set up for this project. SQLite gets WAL, foreign keys, and statements run
    on the event loop, waiting for another connection's lock up to 10 s on a worker thread
    (see `sqlite_in_place`)."""
    if is_sqlite(url):
        _ensure_sqlite_folder(url)
        connect_args = {"timeout": LOCK_PATIENCE, **options.pop("connect_args", {})}
        engine = create_async_engine(
            url, module=InPlaceSQLite(), connect_args=connect_args, **options
        )
        _prepare_sqlite(engine)
        return engine
    pool = {"pool_size": POSTGRES_CONNECTIONS, "max_overflow": POSTGRES_BURST, **options}
    return create_async_engine(url, pool_pre_ping=True, **pool)


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def reading_sessions(sessions: SessionFactory) -> SessionFactory:
    """Sessions that only read, from the same database. On SQLite their transactions take no
    write lock (a plain BEGIN; in WAL mode a reader never holds up a writer), so a long export
    does not keep partners waiting. Elsewhere they are ordinary sessions."""
    engine: AsyncEngine = sessions.kw["bind"]
    return async_sessionmaker(engine.execution_options(**{READING: True}), expire_on_commit=False)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and ":memory:" not in path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READING):
            connection.exec_driver_sql("BEGIN")  # reads a snapshot; writers carry on
            return
        # Take the write lock up front: two events that read then write would otherwise
        # deadlock on the lock upgrade, and one would fail with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")
