"""What an export costs with 100 partners and with 10,000, each answering all 25 statements.

Both organisations live in one database, built in bulk with core inserts; each format is then
exported for the small one and the large one, once for time and once (under tracemalloc) for
peak memory. Time may grow with the partners; memory should not: the data exports stream rows
from the database, so the figure that matters is the memory ratio large/small (goal ≤ 2).

    python -m bench.export_scale [--partners 10000] [--formats xlsx,json,csv] [--postgresql]

With --postgresql, the database at CORNERSTONES_TEST_DATABASE_URL is measured too, in a
throwaway schema (it doubles the run, so it is not the default).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench._databases import POSTGRES_VARIABLE, postgresql_schemas
from bot.content import Content, default_content
from bot.export import export
from bot.state.database import open_engine, session_factory
from bot.state.models import Base, Evidence, EvidenceIndicator, Journey, Partner, Rating, utcnow
from bot.state.organisations import create_organisation

SMALL = 100
GOAL = 2.0
CHUNK = 5_000
ROLES = ("parent-carer", "young-person", "practitioner")
VALUES = ("always", "mostly", "sometimes", "not_yet", "not_sure")
EXAMPLE_EVERY = 5  # an example on every fifth statement, tied to one or two indicators
WORDS = (
    "the teacher rang me back the same day and we talked it through calmly",
    "my daughter was nervous but the office staff knew her name",
    "we were asked what works at home before the plan was written",
    "the review meeting was moved so that I could come after work",
)


@dataclass(frozen=True)
class Options:
    partners: int = 10_000
    formats: tuple[str, ...] = ("xlsx", "json")
    postgresql: bool = False


# ---- building the database -------------------------------------------------------------------


async def populate(engine: AsyncEngine, content: Content, partners: int, name: str) -> int:
    """An organisation whose `partners` have all rated every statement; returns the row count."""
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        organisation, round_ = await create_organisation(session, name, "the school")
        first_partner = (await session.scalar(select(func.max(Partner.id)))) or 0
        first_evidence = (await session.scalar(select(func.max(Evidence.id)))) or 0
    statements = content.framework.statements
    chance = random.Random(partners)
    now = utcnow()
    rows = 0
    for start in range(0, partners, CHUNK):
        people: list[dict[str, Any]] = []
        journeys: list[dict[str, Any]] = []
        ratings: list[dict[str, Any]] = []
        evidence: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        for i in range(start, min(partners, start + CHUNK)):
            partner_id = first_partner + i + 1
            people.append(
                {
                    "id": partner_id,
                    "organisation_id": organisation.id,
                    "role": ROLES[i % 3],
                    "number": i // 3 + 1,
                    "first_name": None,
                    "joined_at": now - timedelta(days=9),
                    "consented_at": now - timedelta(days=9),
                }
            )
            journeys.append(
                {
                    "partner_id": partner_id,
                    "round_id": round_.id,
                    "state": "finished",
                    "position": {},
                    "started_at": now - timedelta(days=9),
                    "updated_at": now,
                    "finished_at": now,
                }
            )
            for n, statement in enumerate(statements):
                ratings.append(
                    {
                        "partner_id": partner_id,
                        "round_id": round_.id,
                        "statement_id": statement.id,
                        "value": chance.choice(VALUES),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if n % EXAMPLE_EVERY:
                    continue
                evidence_id = first_evidence + i * len(statements) + n + 1
                evidence.append(
                    {
                        "id": evidence_id,
                        "partner_id": partner_id,
                        "round_id": round_.id,
                        "statement_id": statement.id,
                        "purpose": "example",
                        "kind": "text",
                        "text": f"{chance.choice(WORDS)} ({partner_id}/{n}).",
                        "created_at": now,
                    }
                )
                tied = chance.sample(statement.indicators, k=chance.choice((1, 2)))
                links += [{"evidence_id": evidence_id, "indicator_id": t.id} for t in tied]
        async with engine.begin() as connection:
            for model, values in (
                (Partner, people),
                (Journey, journeys),
                (Rating, ratings),
                (Evidence, evidence),
                (EvidenceIndicator, links),
            ):
                await connection.execute(insert(model), values)
                rows += len(values)
    return rows


# ---- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_bytes: int
    size_bytes: int


async def measure(
    engine: AsyncEngine, content: Content, name: str, fmt: str, out: Path
) -> Measured:
    sessions = session_factory(engine)
    started = time.perf_counter()
    path = await export(sessions, content, name, None, fmt, out)
    seconds = time.perf_counter() - started
    # A second run under tracemalloc, which slows Python down: its time is not the one shown.
    tracemalloc.start()
    try:
        await export(sessions, content, name, None, fmt, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measured(seconds, peak, path.stat().st_size)


async def run(label: str, engine: AsyncEngine, options: Options, folder: Path) -> bool:
    content = default_content()
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    started = time.perf_counter()
    rows = await populate(engine, content, SMALL, "Small School")
    rows += await populate(engine, content, options.partners, "Large School")
    print(f"{label}: {SMALL:,} and {options.partners:,} partners × 25 statements, "
          f"{rows:,} rows inserted in {time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"  {'format':<7}{'partners':>9}{'time':>10}{'peak memory':>14}{'file':>11}   ratio")
    within = True
    for fmt in options.formats:
        small = await measure(engine, content, "Small School", fmt, folder)
        large = await measure(engine, content, "Large School", fmt, folder)
        ratio = large.peak_bytes / small.peak_bytes
        within &= ratio <= GOAL
        for partners, m, note in (
            (SMALL, small, ""),
            (options.partners, large, f"   memory ×{ratio:.2f} (goal ≤ {GOAL:g}), "
                                      f"time ×{large.seconds / small.seconds:.0f}"),
        ):  # fmt: skip
            print(
                f"  {fmt:<7}{partners:>9,}{m.seconds:>9.2f}s{m.peak_bytes / 2**20:>11.1f} MB"
                f"{m.size_bytes / 2**20:>8.1f} MB{note}",
                flush=True,
            )
    return within


async def measure_all(options: Options) -> bool:
    within = True
    with tempfile.TemporaryDirectory(prefix="cornerstones-export-bench-") as folder:
        engine = open_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            within &= await run("SQLite", engine, options, Path(folder))
        finally:
            await engine.dispose()
        url = os.environ.get(POSTGRES_VARIABLE)
        if options.postgresql and url:
            async with postgresql_schemas(url, 1) as (engine,):
                within &= await run("PostgreSQL", engine, options, Path(folder))
        elif options.postgresql:
            print(f"(PostgreSQL not measured: --postgresql needs {POSTGRES_VARIABLE})")
    return within


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export_scale", description=__doc__)
    defaults = Options()
    parser.add_argument("--partners", type=int, default=defaults.partners)
    parser.add_argument("--formats", default=",".join(defaults.formats))
    parser.add_argument("--postgresql", action="store_true")
    arguments: Any = parser.parse_args(sys.argv[1:] if argv is None else argv)
    options = Options(arguments.partners, tuple(arguments.formats.split(",")), arguments.postgresql)
    if not asyncio.run(measure_all(options)):
        print(f"Memory grew more than ×{GOAL:g} with the partners: an export stopped streaming.")
        sys.exit(1)


if __name__ == "__main__":
    main()
