"""What one event costs the dialogue engine, with 100 partners stored and with 100,000.

Both databases are built in the same run, then a handful of active partners in each press
buttons, type ratings and give examples, in alternating rounds so that the machine's mood
affects both alike. The figure that matters is the ratio large/small: a query that scans a
table instead of searching an index makes it grow with the number of partners (goal ≤ 1.2).
Then: the memory one in-flight partner costs, from K partners' events handled at once.

    python -m bench.engine_events [--events 300] [--large 100000] [--concurrent 50]

PostgreSQL is measured too when CORNERSTONES_TEST_DATABASE_URL is set (in a throwaway schema).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench._databases import POSTGRES_VARIABLE, postgresql_schemas
from bot.content import Content, default_content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import Button, Event, EventKind, Outcome
from bot.state import migrate
from bot.state.database import open_engine, session_factory
from bot.state.invites import Role, issue_invite
from bot.state.models import (
    Contact,
    Evidence,
    InboundEvent,
    Journey,
    Organisation,
    Partner,
    Rating,
    Round,
    utcnow,
)

PARTNER_ROLES = (Role.PARENT_CARER, Role.YOUNG_PERSON, Role.PRACTITIONER)
PER_ORGANISATION = 500  # a large deployment is many organisations, not one enormous one
CHUNK = 10_000
GOAL = 1.2
_event_ids = itertools.count(1)


# ---- building a database of a given size -----------------------------------------------------


async def populate(engine: AsyncEngine, content: Content, partners: int) -> None:
    """Partners who have answered a few statements each, inserted in bulk (no engine involved)."""
    statements = [s.id for s in content.framework.statements]
    organisations = max(1, -(-partners // PER_ORGANISATION))
    now = utcnow()
    async with engine.begin() as connection:
        await connection.execute(
            insert(Organisation),
            [
                {
                    "id": o,
                    "slug": f"organisation-{o}",
                    "name": f"Organisation {o}",
                    "setting_names": {"default": "the school"},
                    "time_zone": "Europe/London",
                    "created_at": now,
                }
                for o in range(1, organisations + 1)
            ],
        )
        await connection.execute(
            insert(Round),
            [
                {"id": o, "organisation_id": o, "name": "Autumn", "opened_at": now}
                for o in range(1, organisations + 1)
            ],
        )
    # PostgreSQL takes chunks side by side (its work overlaps Python's); SQLite has one writer.
    at_once = asyncio.Semaphore(4 if engine.dialect.name == "postgresql" else 1)

    async def chunk(start: int) -> None:
        async with at_once, engine.begin() as connection:
            rows = range(start, min(partners, start + CHUNK))
            await _insert_partners(connection, statements, rows)

    await asyncio.gather(*(chunk(start) for start in range(0, partners, CHUNK)))


async def _insert_partners(
    connection: AsyncConnection, statements: list[str], indexes: range
) -> None:
    now = utcnow()
    earlier = now - timedelta(days=3)
    people, contacts, journeys, ratings, evidence, journal = [], [], [], [], [], []
    for i in indexes:
        partner_id = i + 1
        organisation_id = i // PER_ORGANISATION + 1
        within = i % PER_ORGANISATION
        answered = i % 11  # 0..10 statements rated so far
        people.append(
            {
                "id": partner_id,
                "organisation_id": organisation_id,
                "role": PARTNER_ROLES[within % 3].value,
                "number": within // 3 + 1,
                "first_name": "Sam",
                "joined_at": earlier,
                "consented_at": earlier,
                "privacy_version": "2026-11",
                "unreachable_at": None,
            }
        )
        contacts.append(
            {
                "id": partner_id,
                "partner_id": partner_id,
                "transport": "telegram",
                "address": str(5_000_000_000 + partner_id),
            }
        )
        journeys.append(
            {
                "id": partner_id,
                "partner_id": partner_id,
                "round_id": organisation_id,
                "state": "rating",
                "statement_id": statements[answered],
                "step": 5 * answered + 1,
                "position": {},
                "started_at": earlier,
                "updated_at": earlier,
                "finished_at": None,
            }
        )
        for statement_id in statements[:answered]:
            ratings.append(
                {
                    "partner_id": partner_id,
                    "round_id": organisation_id,
                    "statement_id": statement_id,
                    "value": "mostly",
                    "created_at": earlier,
                    "updated_at": earlier,
                }
            )
        if answered:
            evidence.append(
                {
                    "partner_id": partner_id,
                    "round_id": organisation_id,
                    "statement_id": statements[0],
                    "purpose": "example",
                    "kind": "text",
                    "text": "The teacher rang me back the same day.",
                    "created_at": earlier,
                }
            )
        for n in range(2 * answered + 1):
            journal.append(
                {
                    "partner_id": partner_id,
                    "transport": "telegram",
                    "event_id": f"seed-{partner_id}-{n}",
                    "kind": "button",
                    "received_at": earlier,
                }
            )
    for table, rows in (
        (Partner, people),
        (Contact, contacts),
        (Journey, journeys),
        (Rating, ratings),
        (Evidence, evidence),
        (InboundEvent, journal),
    ):
        if rows:
            await connection.execute(insert(table), rows)


# ---- partners talking ------------------------------------------------------------------------


@dataclass
class ActivePartner:
    """Someone working through the statements: rate (a button, or typed), give an example,
    tick an indicator, finish ticking, move on. About five events a statement."""

    engine: Engine
    address: str
    keyboard: tuple[Button, ...] = ()
    ticked: bool = False
    turns: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    async def send(self, kind: EventKind, **fields: Any) -> Outcome:
        outcome = await self.engine.handle(
            Event(
                transport="telegram",
                chat=self.address,
                kind=kind,
                event_id=f"bench-{next(_event_ids)}",
                first_name="Alex",
                **fields,
            )
        )
        for reply in outcome.replies:
            if reply.buttons:
                self.keyboard = tuple(b for row in reply.buttons for b in row)
        if outcome.update_source is not None:
            self.keyboard = tuple(b for row in outcome.update_source.buttons for b in row)
        return outcome

    async def act(self) -> Outcome:
        self.turns += 1
        actions: dict[str, Button] = {}
        for button in self.keyboard:
            actions.setdefault(button.data.split(":")[1], button)
        if "y" in actions:  # the privacy note
            return await self.press(actions["y"])
        if "r" in actions:  # a statement's question: alternately tap and type the rating
            self.ticked = False
            if self.turns % 2:
                return await self.press(actions["r"])
            return await self.send(EventKind.TEXT, text="mostly")
        if "t" in actions:  # which indicators the example shows
            if not self.ticked:
                self.ticked = True
                return await self.press(actions["t"])
            return await self.press(actions["d"])
        if "m" in actions:  # another example, or move on
            return await self.press(actions["m"])
        if "s" in actions:  # asked for an example (only Skip on the keyboard)
            return await self.send(EventKind.TEXT, text="They listened, and changed the plan.")
        return await self.send(EventKind.COMMAND, command="continue")

    async def press(self, button: Button) -> Outcome:
        return await self.send(EventKind.BUTTON, data=button.data)


@dataclass
class Deployment:
    label: str
    partners: int
    database: AsyncEngine
    engine: Engine
    active: list[ActivePartner]
    timings: list[float] = field(default_factory=list)  # seconds, one per event

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings) * 1000

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.timings) * 1000


async def prepare(
    label: str, database: AsyncEngine, content: Content, partners: int, active: int
) -> Deployment:
    await migrate.upgrade(database)
    started = time.perf_counter()
    await populate(database, content, partners)
    if database.dialect.name == "postgresql":
        async with database.begin() as connection:
            # Ids were given explicitly: move each sequence past them, as inserts would have.
            for table in ("organisations", "rounds", "partners", "contacts", "journeys"):
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
            await connection.execute(text("ANALYZE"))  # as autovacuum would, in time
    print(f"  {label}: {partners:,} partners stored in {time.perf_counter() - started:.1f} s")
    sessions = session_factory(database)
    engine = Engine(sessions, content)
    async with sessions() as session, session.begin():
        issued = [await issue_invite(session, 1, role) for role in PARTNER_ROLES]
    people = []
    for n in range(active):
        person = ActivePartner(engine, f"active-{n}")
        await person.send(EventKind.COMMAND, command="start", text=issued[n % 3].token)
        await person.act()  # yes to the privacy note
        people.append(person)
    return Deployment(label, partners, database, engine, people)


async def time_round(deployment: Deployment, events: int) -> None:
    people = itertools.cycle(deployment.active)
    for _ in range(events):
        person = next(people)
        started = time.perf_counter()
        await person.act()
        deployment.timings.append(time.perf_counter() - started)


async def memory_per_partner(deployment: Deployment, concurrent: int) -> float:
    """Peak Python memory while K seeded partners' events are handled at once, divided by K."""
    first = deployment.partners // 2 // PER_ORGANISATION * PER_ORGANISATION  # one organisation
    concurrent = min(concurrent, (deployment.partners - first) // 2)
    addresses = [str(5_000_000_000 + first + 1 + n) for n in range(2 * concurrent)]

    async def typed_rating(address: str) -> Outcome:
        return await deployment.engine.handle(
            Event(
                transport="telegram",
                chat=address,
                kind=EventKind.TEXT,
                event_id=f"bench-{next(_event_ids)}",
                text="mostly",
            )
        )

    # The first half fills the connection pool and caches; the second half is measured.
    await asyncio.gather(*(typed_rating(a) for a in addresses[:concurrent]))
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        outcomes = await asyncio.gather(*(typed_rating(a) for a in addresses[concurrent:]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(outcome.replies for outcome in outcomes)
    return (peak - baseline) / concurrent


# ---- finding a query that scans (SQLite) -----------------------------------------------------


async def scanning_queries(
    deployment: Deployment, events: int
) -> tuple[int, list[tuple[str, str]]]:
    """How many distinct statements a few events ran, and any full-table SCAN in their plans."""
    seen: dict[str, Any] = {}

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT")):
            seen.setdefault(statement, parameters)

    sync_engine = deployment.database.sync_engine
    event.listen(sync_engine, "before_cursor_execute", record)
    try:
        for person in deployment.active:
            for _ in range(events):
                await person.act()
    finally:
        event.remove(sync_engine, "before_cursor_execute", record)
    found = []
    async with deployment.database.connect() as connection:
        for statement, parameters in seen.items():
            if isinstance(parameters, list):  # executemany: the plan is the single row's
                parameters = parameters[0] if parameters else ()
            plan = await connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", tuple(parameters)
            )
            for row in plan:
                detail = str(row[-1])
                if detail.startswith("SCAN ") and "CONSTANT ROW" not in detail:
                    found.append((detail, " ".join(statement.split())))
    return len(seen), found


# ---- one database kind, both sizes -----------------------------------------------------------


@asynccontextmanager
async def sqlite_databases(folder: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    small = open_engine(f"sqlite+aiosqlite:///{folder / 'small.db'}")
    large = open_engine(f"sqlite+aiosqlite:///{folder / 'large.db'}")
    try:
        yield small, large
    finally:
        await small.dispose()
        await large.dispose()


@dataclass(frozen=True)
class Options:
    events: int = 300
    small: int = 100
    large: int = 100_000
    active: int = 6
    rounds: int = 10
    concurrent: int = 50
    postgresql: bool = True


async def measure(kind: str, databases: tuple[AsyncEngine, AsyncEngine], options: Options) -> None:
    content = default_content()
    print(f"{kind}:")
    small = await prepare("small", databases[0], content, options.small, options.active)
    large = await prepare("large", databases[1], content, options.large, options.active)
    for deployment in (small, large):  # warm both: caches, pools, statement compilation
        await time_round(deployment, options.active * 2)
        deployment.timings.clear()
    per_round = max(1, options.events // options.rounds)
    for _ in range(options.rounds):
        for deployment in (small, large):
            await time_round(deployment, per_round)
    # The median is the ratio's basis: both sizes run the same sequence of event kinds, and
    # the median shrugs off a pause caused by something else on the machine.
    ratio = large.median_ms / small.median_ms
    for deployment in (small, large):  # proof the partners moved on, not round in circles
        async with deployment.database.connect() as connection:
            rated = await connection.scalar(
                select(func.count())
                .select_from(Rating)
                .join(Contact, Contact.partner_id == Rating.partner_id)
                .where(Contact.address.like("active-%"))
            )
        print(f"  {deployment.label}: the active partners rated {rated} statements between them")
    verdict = "ok" if ratio <= GOAL else f"over the goal of {GOAL}"
    for deployment in (small, large):
        print(
            f"  {deployment.partners:>7,} partners: {deployment.median_ms:6.2f} ms per event"
            f" (median; mean {deployment.mean_ms:.2f} ms) over {len(deployment.timings)} events"
        )
    print(
        f"  ratio large/small: {ratio:.2f} ({verdict});"
        f" of the means: {large.mean_ms / small.mean_ms:.2f}"
    )
    for deployment in (small, large):
        per_partner = await memory_per_partner(deployment, options.concurrent)
        print(
            f"  memory per in-flight partner ({deployment.label}, {options.concurrent} at once):"
            f" {per_partner / 1024:.0f} KiB"
        )
    if large.database.dialect.name == "sqlite":
        statements, scans = await scanning_queries(large, 6)
        if not scans:
            print(f"  EXPLAIN QUERY PLAN: all {statements} distinct queries search an index")
        for detail, statement in scans:
            print(f"  EXPLAIN QUERY PLAN: {detail}  ← {statement[:160]}")


async def run(options: Options) -> None:
    print(
        f"Engine.handle: {options.events} events by {options.active} active partners,"
        f" {options.small:,} vs {options.large:,} partners stored"
    )
    with tempfile.TemporaryDirectory(prefix="cornerstones-bench-") as folder:
        async with sqlite_databases(Path(folder)) as databases:
            await measure("SQLite", databases, options)
    url = os.environ.get(POSTGRES_VARIABLE)
    if options.postgresql and url:
        async with postgresql_schemas(url, 2) as (small, large):
            await measure("PostgreSQL", (small, large), options)
    elif options.postgresql:
        print(f"PostgreSQL: skipped (set {POSTGRES_VARIABLE} to measure it too)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.engine_events", description=__doc__)
    defaults = Options()
    parser.add_argument("--events", type=int, default=defaults.events)
    parser.add_argument("--small", type=int, default=defaults.small)
    parser.add_argument("--large", type=int, default=defaults.large)
    parser.add_argument("--active", type=int, default=defaults.active)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--concurrent", type=int, default=defaults.concurrent)
    parser.add_argument("--no-postgresql", dest="postgresql", action="store_false")
    arguments = parser.parse_args(argv or [])
    asyncio.run(run(Options(**vars(arguments))))


if __name__ == "__main__":
    main(sys.argv[1:])
