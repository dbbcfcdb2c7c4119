"""The worker's transactions: short, and one at a time on SQLite.

SQLite has one writer, and this project begins every transaction IMMEDIATE; when two of the
worker's own transactions (a claim and a send's record) collide, SQLite's busy handler backs off
in sleeps of up to 100 ms, which at 30 messages a second is most of the budget. Taking turns
in the event loop first costs nothing of the kind. PostgreSQL needs no turns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.state.database import SessionFactory


class Transactions:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        engine = sessions.kw.get("bind")
        sqlite = isinstance(engine, AsyncEngine) and engine.dialect.name == "sqlite"
        self._turn = asyncio.Lock() if sqlite else None

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on leaving (rolled back on an error)."""
        async with contextlib.AsyncExitStack() as stack:
            if self._turn is not None:
                await stack.enter_async_context(self._turn)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session
