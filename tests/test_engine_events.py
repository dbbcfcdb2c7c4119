"""What one partner event costs and guarantees: few statements, applied once, even at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import engine_at_once
from bot.dialogues.engine import Engine
from bot.dialogues.replies import Event, EventKind
from bot.state import answers, partners
from bot.state.database import SessionFactory
from bot.state.models import Evidence, InboundEvent, Journey, Partner, Rating, Round
from tests.chat import Chat, organisation_with_invites, play

# A rating: find the partner with their journey (locked), journal the event, store the rating,
# move the journey. BEGIN and COMMIT are not counted: how they are sent is the driver's affair.
RATING_STATEMENTS = 4


@contextmanager
def statements(db: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        sql = str(args[2]).lstrip()
        if not sql.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(sql)

    event.listen(db.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", count)


async def joined(engine: Engine, sessions: SessionFactory) -> Chat:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="p1")
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("[Yes]", "question 1")])
    return chat


async def test_rating_a_statement_takes_at_most_four_statements(
    engine: Engine, sessions: SessionFactory, db: AsyncEngine
) -> None:
    chat = await joined(engine, sessions)
    with statements(db) as seen:
        await play(chat, [("[Mostly]", "tell")])
    assert len(seen) <= RATING_STATEMENTS, "\n".join(seen)
    with statements(db) as seen:
        await play(chat, [("/skip", "Question 2")])
    assert len(seen) <= RATING_STATEMENTS - 1, "\n".join(seen)


async def test_an_event_delivered_twice_at_once_is_applied_once(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(chat, [("[Always]", "tell")])
    async with sessions() as session:
        step = await session.scalar(select(Journey.step))
    said = Event(transport="test", chat="p1", kind=EventKind.TEXT, event_id="e-7", text="Hi")
    outcomes = await asyncio.gather(*(engine.handle(said) for _ in range(4)))
    assert sorted(o.duplicate for o in outcomes) == [False, True, True, True]
    assert all(not o.replies for o in outcomes if o.duplicate)
    async with sessions() as session:
        assert await session.scalar(select(func.count(Evidence.id))) == 1
        journaled = select(func.count(InboundEvent.id)).where(InboundEvent.event_id == "e-7")
        assert await session.scalar(journaled) == 1
        assert await session.scalar(select(Journey.step)) == step + 1


async def test_a_redelivered_rating_changes_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    pressed = Event(
        transport="test",
        chat="p1",
        kind=EventKind.BUTTON,
        event_id="b-1",
        data=chat.button("Mostly").data,
    )
    assert not (await chat.deliver(pressed)).duplicate
    async with sessions() as session:
        before = (await session.execute(select(Rating.value, Rating.updated_at))).one()
        journey = await session.scalar(select(Journey))
    assert (await chat.deliver(pressed)).duplicate
    async with sessions() as session:
        assert (await session.execute(select(Rating.value, Rating.updated_at))).one() == before
        again = await session.scalar(select(Journey))
    assert journey is not None and again is not None
    assert (again.state, again.step, again.updated_at) == (
        journey.state,
        journey.step,
        journey.updated_at,
    )


async def test_the_journal_waits_for_the_same_event_in_another_transaction(
    engine: Engine, sessions: SessionFactory
) -> None:
    await joined(engine, sessions)
    async with sessions() as session:
        partner_id = await session.scalar(select(Partner.id))
    assert partner_id is not None

    async def journal(event_id: str) -> bool:
        async with sessions() as session, session.begin():
            return await partners.already_applied(session, partner_id, "test", event_id, "text")

    for first_commits in (True, False):
        event_id = f"race-{first_commits}"
        async with sessions() as first:
            await first.begin()
            assert not await partners.already_applied(first, partner_id, "test", event_id, "text")
            second = asyncio.create_task(journal(event_id))
            await asyncio.sleep(0.3)
            assert not second.done()  # held until the first transaction ends
            await (first.commit() if first_commits else first.rollback())
        # Committed, the second sees it applied; rolled back, the second is the one applied.
        assert await second is first_commits
    async with sessions() as session:
        rows = await session.scalars(
            select(InboundEvent.event_id).where(InboundEvent.event_id.like("race-%"))
        )
        assert sorted(rows) == ["race-False", "race-True"]


async def test_an_event_without_an_id_is_journaled_every_time(
    engine: Engine, sessions: SessionFactory
) -> None:
    await joined(engine, sessions)
    async with sessions() as session, session.begin():
        partner_id = await session.scalar(select(Partner.id))
        for _ in range(2):
            assert not await partners.already_applied(session, partner_id, "test", None, "text")
        journaled = await session.execute(
            select(InboundEvent.partner_id, InboundEvent.kind, InboundEvent.received_at).where(
                InboundEvent.event_id.is_(None)
            )
        )
        rows = journaled.all()
    assert [(p, k) for p, k, _ in rows] == [(partner_id, "text")] * 2
    assert all(at.tzinfo is not None for _, _, at in rows)


async def test_a_rating_given_again_replaces_the_old_and_the_same_one_changes_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    await joined(engine, sessions)
    async with sessions() as session, session.begin():
        partner_id = await session.scalar(select(Partner.id))
        round_id = await session.scalar(select(Round.id))
        assert partner_id is not None and round_id is not None
        await answers.set_rating(session, partner_id, round_id, "1.i", "mostly")
        # Back-date it, so "not touched" and "touched just now" look different.
        created = await session.scalar(select(Rating.created_at))
        assert created is not None
        await session.execute(update(Rating).values(updated_at=created - timedelta(days=1)))

    async def stored() -> tuple[str, Any, Any, int]:
        async with sessions() as session:
            row = (
                await session.execute(select(Rating.value, Rating.created_at, Rating.updated_at))
            ).one()
            count = await session.scalar(select(func.count(Rating.id)))
            return row.value, row.created_at, row.updated_at, int(count or 0)

    value, created, updated, count = await stored()
    async with sessions() as session, session.begin():
        await answers.set_rating(session, partner_id, round_id, "1.i", "mostly")
    assert await stored() == (value, created, updated, 1)
    async with sessions() as session, session.begin():
        await answers.set_rating(session, partner_id, round_id, "1.i", "always")
    value, again_created, again_updated, count = await stored()
    assert (value, again_created, count) == ("always", created, 1)
    assert again_updated > updated


async def test_as_many_events_as_the_bot_lets_in_at_once_make_no_new_connections(
    engine: Engine, db: AsyncEngine
) -> None:
    """A connection beyond those the pool keeps is closed as soon as it is handed back; if the
    bot let in more events at once than that, it would make a new one per event, which cost a
    third of the throughput on PostgreSQL. Once warm, a full house makes none."""
    at_once = engine_at_once(engine, workers=32)
    opened: list[object] = []
    gate = asyncio.Semaphore(at_once)

    async def stranger(n: int) -> None:
        said = Event(
            transport="test", chat=f"s{n}", kind=EventKind.TEXT, event_id=f"e{n}", text="hi"
        )
        async with gate:
            await engine.handle(said)

    await asyncio.gather(*(stranger(n) for n in range(at_once * 3)))  # warm
    event.listen(db.sync_engine, "connect", lambda *_: opened.append(_))
    await asyncio.gather(*(stranger(n) for n in range(at_once * 3, at_once * 9)))
    assert opened == []
