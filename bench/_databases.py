"""Throwaway databases for the benchmarks: SQLite files in a temporary folder, or schemas of
their own on the PostgreSQL at CORNERSTONES_TEST_DATABASE_URL, dropped afterwards.

(Not a benchmark itself: `python -m bench` runs the modules whose names do not start with _.)
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.state.database import open_engine
from bot.state.models import Base

POSTGRES_VARIABLE = "CORNERSTONES_TEST_DATABASE_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        raise SystemExit(f"--postgres needs {POSTGRES_VARIABLE}")
    return url


@asynccontextmanager
async def postgresql_schemas(url: str, count: int) -> AsyncIterator[list[AsyncEngine]]:
    """`count` engines at `url`, each on an empty schema of its own."""
    schemas = [f"bench_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    admin = open_engine(url)
    async with admin.begin() as connection:
        for schema in schemas:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engines = [
        open_engine(url, connect_args={"server_settings": {"search_path": schema}})
        for schema in schemas
    ]
    try:
        yield engines
    finally:
        for engine in engines:
            await engine.dispose()
        async with admin.begin() as connection:
            for schema in schemas:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def fresh_database(postgres: bool) -> AsyncIterator[AsyncEngine]:
    """An empty database with the schema: a SQLite file, or a throwaway PostgreSQL schema."""
    if postgres:
        async with postgresql_schemas(postgres_url(), 1) as (engine,):
            await create_tables(engine)
            yield engine
        return
    with tempfile.TemporaryDirectory(prefix="cornerstones-bench-") as folder:
        engine = open_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            await create_tables(engine)
            yield engine
        finally:
            await engine.dispose()


async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
