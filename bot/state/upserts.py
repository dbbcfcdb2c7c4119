"""INSERT … ON CONFLICT: one statement where a look and then a write would be two.

SQLite and PostgreSQL spell it alike, but SQLAlchemy builds it per dialect; so each statement
is built once for both (which also spares building and caching it again per event), and the
session's database picks one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

Insert = Callable[..., sqlite.Insert | postgresql.Insert]


class OnConflict:
    """One statement, given an `insert` of either dialect to build it from."""

    def __init__(self, build: Callable[[Insert], Executable]) -> None:
        self.built = {"sqlite": build(sqlite.insert), "postgresql": build(postgresql.insert)}

    def on(self, session: AsyncSession) -> Executable:
        return self.built[session.get_bind().dialect.name]
