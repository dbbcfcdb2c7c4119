"""Shared fixtures: a clean database per test, on SQLite always and PostgreSQL when asked."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content import Content, default_content
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory, open_engine, session_factory
from bot.state.models import Base

POSTGRES_VARIABLE = "CORNERSTONES_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty database of each kind; PostgreSQL tests skip (saying why) without one."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'cornerstones.db'}"
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_VARIABLE} (e.g. postgresql+asyncpg://…)")
    return url


@pytest.fixture
async def bare_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database: on PostgreSQL a schema of its own, dropped afterwards."""
    if database_url.startswith("sqlite"):
        engine = open_engine(database_url)
        yield engine
        await engine.dispose()
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = open_engine(database_url)
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = open_engine(database_url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def db(bare_engine: AsyncEngine) -> AsyncEngine:
    """An engine on a database with this project's schema (migrations are proven equal to it)."""
    async with bare_engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return bare_engine


@pytest.fixture
def sessions(db: AsyncEngine) -> SessionFactory:
    return session_factory(db)


@pytest.fixture(scope="session")
def content() -> Content:
    return default_content()


@pytest.fixture
def engine(sessions: SessionFactory, content: Content) -> Engine:
    return Engine(sessions, content)
