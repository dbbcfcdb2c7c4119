"""What claiming the next messages of a broadcast costs with 2,000 due and with 20,000.

The broadcast worker claims one to three rows at a time (no more than it may send at once),
each claim a transaction of its own, and looks for alerts ahead of the queue once a second. At
Telegram's 30 messages a second it has 33 ms a message for everything, so a claim that reads,
joins or sorts every due row falls behind once the queue is long: a prompt to every family of a
large multi-academy trust is 20,000 rows.

Both queues are built in the same run (a prompt to 2,000 partners and one to 20,000, in
databases of their own), then claimed from in alternating rounds of the worker's shape: claims
of three, every tenth looking for alerts first (at 30 a second, the worker's once a second). The
figure that matters is the claim cost per message with 20,000 due divided by that with 2,000
(goal ≤ 1.5). Each queue gives up --messages and a few more to warm up: a sixth of the small
one by default, so both stay near their size.

    python -m bench.outbox_claims [--small 2000] [--large 20000] [--messages 300] [--postgres]

PostgreSQL is measured too, in throwaway schemas, when CORNERSTONES_TEST_DATABASE_URL is set;
--postgres insists on it. Its tables are analysed before timing, as autovacuum would soon do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench._databases import POSTGRES_VARIABLE, postgresql_schemas
from bot.broadcast.transactions import Transactions
from bot.dialogues.replies import Button, Reply
from bot.state import outbox_claims as claims
from bot.state.database import open_engine, session_factory
from bot.state.models import Base, utcnow
from tests.broadcast_fakes import queue_prompt, seed

GOAL = 1.5
PER_CLAIM = 3  # the most the worker claims at once in practice (Telegram's 30/s, ~0.1 s apart)
ALERTS_EVERY = 10  # claims: a look for alerts first every 30 messages, once a second at 30/s
LEASE = timedelta(minutes=2)
PROMPT = Reply(
    "What is one thing that helped you feel listened to this term?",
    ((Button("Reply", "g:reply:1"),),),
)


@dataclass(frozen=True)
class Options:
    small: int = 2_000
    large: int = 20_000
    messages: int = 300  # claimed from each queue, in `rounds` rounds
    rounds: int = 10
    postgres: bool = False


@dataclass
class Queue:
    label: str
    due: int
    transaction: Transactions
    per_message: list[float] = field(default_factory=list)  # seconds, one figure per round
    claimed: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.per_message) * 1000


async def fill(engine: AsyncEngine, label: str, due: int) -> Queue:
    """A prompt to `due` partners, all of it due now, as `enqueue_broadcast` stores it."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = session_factory(engine)
    started = time.perf_counter()
    seeded = await seed(sessions, [str(1_000_000 + n) for n in range(due)], transport="telegram")
    # No quiet hours: the benchmark runs whenever it is run.
    await queue_prompt(
        sessions, seeded, PROMPT, now=utcnow() - timedelta(seconds=1), quiet_hours=False
    )
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))  # as autovacuum would, in time
            await connection.commit()
    print(f"  {label}: {due:,} messages due, stored in {time.perf_counter() - started:.1f} s")
    return Queue(label, due, Transactions(sessions))


async def claim(queue: Queue, messages: int) -> float:
    """Claim `messages` in the worker's shape; returns the seconds it took."""
    started = time.perf_counter()
    taken = 0
    while taken < messages:
        async with queue.transaction() as session:
            batch = await claims.claim_due(
                session,
                now=utcnow(),
                lease=LEASE,
                limit=min(PER_CLAIM, messages - taken),
                chat_wait=lambda _chat: 0.0,
                alerts_first=queue.claimed % ALERTS_EVERY == 0,
            )
        if not batch:
            raise SystemExit(f"{queue.label}: the queue ran dry after {queue.claimed} claims")
        taken += len(batch)
        queue.claimed += 1
    return time.perf_counter() - started


async def measure(kind: str, engines: tuple[AsyncEngine, AsyncEngine], options: Options) -> bool:
    print(f"{kind}:")
    small = await fill(engines[0], "small", options.small)
    large = await fill(engines[1], "large", options.large)
    per_round = max(PER_CLAIM, options.messages // options.rounds)
    for queue in (small, large):  # warm both: pools, caches, statement compilation
        await claim(queue, PER_CLAIM * ALERTS_EVERY)
    for _ in range(options.rounds):
        for queue in (small, large):
            queue.per_message.append(await claim(queue, per_round) / per_round)
    # The median round is the ratio's basis: it shrugs off a pause caused by something else.
    ratio = large.median_ms / small.median_ms
    for queue in (small, large):
        print(
            f"  {queue.due:>7,} due: {queue.median_ms:6.3f} ms a message claimed"
            f" (median of {len(queue.per_message)} rounds of {per_round})"
        )
    verdict = "within" if ratio <= GOAL else "OVER"
    sizes = f"{options.large:,}/{options.small:,}"
    print(f"  ratio {sizes}: {ratio:.2f} ({verdict} the goal of {GOAL})")
    return ratio <= GOAL


@asynccontextmanager
async def sqlite_databases() -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    with tempfile.TemporaryDirectory(prefix="cornerstones-bench-") as folder:
        engines = [open_engine(f"sqlite+aiosqlite:///{Path(folder) / name}") for name in "ab"]
        try:
            yield engines[0], engines[1]
        finally:
            for engine in engines:
                await engine.dispose()


async def run(options: Options) -> bool:
    url = os.environ.get(POSTGRES_VARIABLE)
    if options.postgres and not url:
        raise SystemExit(f"--postgres needs {POSTGRES_VARIABLE}")
    print(
        f"claim_due: {options.messages} messages claimed from {options.small:,} due"
        f" and from {options.large:,}, {PER_CLAIM} a claim"
    )
    async with sqlite_databases() as engines:
        ok = await measure("SQLite", engines, options)
    if url:
        async with postgresql_schemas(url, 2) as (small, large):
            ok = await measure("PostgreSQL", (small, large), options) and ok
    else:
        print(f"PostgreSQL: skipped (set {POSTGRES_VARIABLE} to measure it too)")
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.outbox_claims", description=__doc__)
    defaults = Options()
    parser.add_argument("--small", type=int, default=defaults.small)
    parser.add_argument("--large", type=int, default=defaults.large)
    parser.add_argument("--messages", type=int, default=defaults.messages)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--postgres", action="store_true", help=f"at {POSTGRES_VARIABLE}")
    arguments = parser.parse_args(argv or [])
    if not asyncio.run(run(Options(**vars(arguments)))):
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
