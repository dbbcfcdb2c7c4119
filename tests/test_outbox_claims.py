"""A claim's cost does not grow with the queue: it reads the few rows it takes, from an index.

What a claim costs is measured by `python -m bench.outbox_claims`; these tests hold the plans
that make it so. On PostgreSQL, EXPLAIN ANALYZE counts the outbox rows each of the claim's
queries reads (with sequential scans and sorts priced out, as a long queue prices them out, so
a small table's plan is a long one's); on SQLite, EXPLAIN QUERY PLAN names the index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.dialogues.replies import Reply
from bot.state import migrate
from bot.state import outbox_claims as claims
from bot.state.database import SessionFactory
from bot.state.models import OutboxMessage
from bot.state.outbox import Status
from tests.broadcast_fakes import WORKING_HOURS, queue_prompt, seed

DUE = 200  # rows due, many times the claim's limit
LIMIT = 3
LATER = WORKING_HOURS + timedelta(minutes=1)


async def _queue(sessions: SessionFactory) -> None:
    """A prompt to DUE partners, all of it due at LATER."""
    seeded = await seed(sessions, [str(n) for n in range(DUE)])
    reply = Reply("What helped this week?")
    await queue_prompt(sessions, seeded, reply, now=WORKING_HOURS, tied_to_prompt=False)


@contextmanager
def _selects(db: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs run meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", record)


async def _claim_queries(db: AsyncEngine, sessions: SessionFactory) -> list[tuple[str, Any]]:
    """The SELECTs one claim runs (a look for alerts, then the queue), with their parameters;
    the claim itself is rolled back, so the rows are still due."""
    with _selects(db) as seen:
        async with sessions() as session, session.begin():
            taken = await claims.claim_due(
                session, now=LATER, lease=timedelta(minutes=2), limit=LIMIT, chat_wait=lambda _: 0
            )
            assert len(taken) == LIMIT
            await session.rollback()
    assert len(seen) == 2, seen
    return seen


async def _outbox_reads_on_postgresql(
    connection: AsyncConnection, statement: str, parameters: Any
) -> list[tuple[str, float]]:
    """(node, rows read) for each node of the statement's plan that reads the outbox, with
    sequential scans and sorts priced out as a long queue prices them out."""
    await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    await connection.exec_driver_sql("SET LOCAL enable_sort = off")
    explained = await connection.exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
    )
    found = explained.scalar_one()
    plan = (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
    return _outbox_rows_read(plan)


async def _sqlite_plan(
    connection: AsyncConnection, statement: str, parameters: Any
) -> list[tuple[int, int, str]]:
    explained = await connection.exec_driver_sql(
        f"EXPLAIN QUERY PLAN {statement}", tuple(parameters)
    )
    return [(row[0], row[1], str(row[3])) for row in explained]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _outbox_rows_read(plan: dict[str, Any]) -> list[tuple[str, float]]:
    """(node, rows read) for each node of the plan that reads the outbox table."""
    return [
        (
            f"{node['Node Type']} using {node.get('Index Name', '-')}",
            (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"],
        )
        for node in _nodes(plan)
        if node.get("Relation Name") == "outbox"
    ]


async def test_a_claim_reads_only_the_rows_it_takes(
    db: AsyncEngine, sessions: SessionFactory
) -> None:
    await _queue(sessions)
    queries = await _claim_queries(db, sessions)
    async with db.connect() as connection:
        for statement, parameters in queries:
            if db.dialect.name == "postgresql":
                reads = await _outbox_reads_on_postgresql(connection, statement, parameters)
                assert reads and all(rows <= LIMIT for _, rows in reads), (reads, statement)
            else:
                steps = await _sqlite_plan(connection, statement, parameters)
                picking = _picking_steps(steps)
                alerts = "coordinator_id IS NOT NULL" in statement
                index = "ix_outbox_alerts_due" if alerts else "ix_outbox_due"
                assert picking and all(
                    detail.startswith("SEARCH waiting") and f"INDEX {index} " in detail
                    for detail in picking
                ), (steps, statement)
                assert not any(detail.startswith("SCAN") for _, _, detail in steps), steps
            await connection.rollback()


def _picking_steps(steps: list[tuple[int, int, str]]) -> list[str]:
    """The steps of the subquery that picks the rows: a search and nothing else (no sort)."""
    inside = {step for step, _, detail in steps if detail.startswith("LIST SUBQUERY")}
    found = []
    for step, parent, detail in steps:  # parents come before their children
        if parent in inside:
            inside.add(step)
            found.append(detail)
    return found


async def test_the_worker_sleeps_until_the_earliest_waiting_or_scheduled_message(
    sessions: SessionFactory,
) -> None:
    async with sessions() as session:
        assert await claims.next_due(session) is None  # nothing queued: sleep until woken
    await _queue(sessions)
    async with sessions() as session:
        waiting = await session.scalar(select(func.min(OutboxMessage.not_before)))
        assert waiting is not None and await claims.next_due(session) == waiting
        first, second, third = await session.scalars(select(OutboxMessage.id).limit(3))
    async with sessions() as session, session.begin():
        for message_id, status, when in (
            (first, Status.SENT, waiting - timedelta(days=2)),  # gone: no reason to wake
            (second, Status.SCHEDULED, waiting - timedelta(hours=1)),
            (third, Status.SCHEDULED, waiting + timedelta(days=1)),
        ):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(status=status, not_before=when)
            )
    async with sessions() as session:
        assert await claims.next_due(session) == waiting - timedelta(hours=1)


async def test_when_the_next_message_is_due_is_read_from_the_index_not_the_queue(
    db: AsyncEngine, sessions: SessionFactory
) -> None:
    """The worker asks whenever it goes idle; with 20,000 queued, a look over every waiting
    row took 5 ms on PostgreSQL. One look per status reads one index entry each."""
    await _queue(sessions)
    with _selects(db) as seen:
        async with sessions() as session:
            await claims.next_due(session)
    ((statement, parameters),) = seen
    async with db.connect() as connection:
        if db.dialect.name == "postgresql":
            reads = await _outbox_reads_on_postgresql(connection, statement, parameters)
            assert len(reads) == 2 and all(rows <= 1 for _, rows in reads), (reads, statement)
        else:
            steps = await _sqlite_plan(connection, statement, parameters)
            details = [detail for _, _, detail in steps]
            assert not any(d.startswith("SCAN outbox") or "TEMP B-TREE" in d for d in details), (
                steps
            )
            assert (
                sum(d.startswith("SEARCH outbox") and "ix_outbox_due " in d for d in details) == 2
            )
        await connection.rollback()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_claims_at_once_on_postgresql_take_different_rows_in_order(
    sessions: SessionFactory,
) -> None:
    await _queue(sessions)
    options: dict[str, Any] = {
        "now": LATER,
        "lease": timedelta(minutes=2),
        "limit": LIMIT,
        "chat_wait": lambda _: 0,
    }
    async with sessions() as first, first.begin():
        taken = await claims.claim_due(first, **options)
        async with sessions() as second, second.begin():  # while the first holds its rows
            also = await claims.claim_due(second, **options)
    async with sessions() as session:
        oldest = list(
            await session.scalars(
                select(OutboxMessage.id)
                .order_by(OutboxMessage.not_before, OutboxMessage.id)
                .limit(2 * LIMIT)
            )
        )
    assert [c.id for c in taken] + [c.id for c in also] == oldest


async def test_the_migrations_give_the_outbox_indexes_their_conditions(
    bare_engine: AsyncEngine,
) -> None:
    """Alembic's comparison (tests/test_migrations.py) does not look at a partial index's WHERE."""
    await migrate.upgrade(bare_engine)
    dialect = bare_engine.dialect.name
    wanted = {
        index.name: _condition(index.dialect_options[dialect].get("where"))
        for index in OutboxMessage.__table__.indexes
    }

    def reflected(connection: Connection) -> dict[str, str]:
        return {
            str(index["name"]): _condition(index.get("dialect_options", {}).get(f"{dialect}_where"))
            for index in inspect(connection).get_indexes("outbox")
        }

    async with bare_engine.connect() as connection:
        built = await connection.run_sync(reflected)
    assert {name: built.get(name) for name in wanted} == wanted
    assert wanted["ix_outbox_alerts_due"] == "coordinator_id is not null"


def _condition(where: object) -> str:
    return "" if where is None else re.sub(r"[()\s]+", " ", str(where)).strip().lower()
