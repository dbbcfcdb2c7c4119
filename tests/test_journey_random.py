"""Random sequences of events never crash the engine, keep its state valid, and lose no words."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.content import Content, default_content
from bot.dialogues.engine import Engine
from bot.dialogues.prompts import prompt_delivered
from bot.dialogues.reflection import ASIDES, Step
from bot.dialogues.replies import EventKind, Media, MediaKind
from bot.state.database import open_engine, session_factory
from bot.state.models import Base, Evidence, Journey, Partner, Prompt
from tests.chat import Chat, organisation_with_invites
from tests.conftest import POSTGRES_VARIABLE

WORDS = ["ya", "nah", "3", "done", "skip", "move on", "yes", "no", "", "   ", "1", "idk"]
COMMANDS = ["/pause", "/continue", "/back", "/skip", "/progress", "/review", "/help"]
COMMANDS += ["/privacy", "/forget", "/start", "/nonsense"]

actions = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(WORDS)),
    st.tuples(st.just("note"), st.integers(0, 10**6)),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("press"), st.integers(0, 40)),
    st.tuples(st.just("stale"), st.integers(0, 40)),
    st.tuples(st.just("media"), st.sampled_from(list(MediaKind))),
    st.tuples(st.just("sticker"), st.none()),
    st.tuples(st.just("again"), st.none()),
    st.tuples(st.just("global"), st.sampled_from(["g:continue", "g:not_now", "g:reply:", "g:x"])),
    st.tuples(st.just("prompt"), st.sampled_from([None, "2.iii"])),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the whole property test; each example is a new partner in it."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("random") / "cornerstones.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_create(url, None))
        yield url
        return
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_VARIABLE}")
    schema = f"random_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create(url, schema))
    yield f"{url}#{schema}"
    asyncio.run(_drop(url, schema))


async def _create(url: str, schema: str | None) -> None:
    admin = open_engine(url)
    async with admin.begin() as connection:
        if schema:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            await connection.execute(text(f'SET search_path TO "{schema}"'))
        await connection.run_sync(Base.metadata.create_all)
    await admin.dispose()


async def _drop(url: str, schema: str) -> None:
    admin = open_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


CONTENT = default_content()


@settings(
    max_examples=int(os.environ.get("CORNERSTONES_RANDOM_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(actions, min_size=1, max_size=30), consent=st.booleans())
def test_random_events_keep_the_journey_valid_and_every_word(
    database: str, script: list[tuple[str, object]], consent: bool
) -> None:
    asyncio.run(_play(database, script, CONTENT, consent))


async def _play(
    database: str, script: list[tuple[str, object]], content: Content, consent: bool
) -> None:
    url, _, schema = database.partition("#")
    options = {"connect_args": {"server_settings": {"search_path": schema}}} if schema else {}
    db = open_engine(url, **options)
    try:
        sessions = session_factory(db)
        engine = Engine(sessions, content)
        invites = await organisation_with_invites(sessions, name=f"School {uuid.uuid4().hex}")
        chat = Chat(engine, address=uuid.uuid4().hex)
        await chat.send(f"/start {invites.young_person}")
        if consent:
            await chat.send("yes")
        keyboards = [chat.keyboard]
        prompt_id = 0
        expected: set[str] = set()
        for kind, value in script:
            consented = await _consented(sessions, chat.address)
            if kind == "text":
                await chat.send(str(value))
            elif kind == "note":
                words = f"note {value}: our family worker listens"
                await chat.send(words)
                if consented:
                    expected.add(words)
            elif kind == "command":
                await chat.send(str(value))
            elif kind in ("press", "stale"):
                board = (
                    chat.keyboard
                    if kind == "press"
                    else keyboards[int(str(value)) % len(keyboards)]
                )
                buttons = [b for row in board for b in row]
                if buttons:
                    await chat.event(
                        EventKind.BUTTON, data=buttons[int(str(value)) % len(buttons)].data
                    )
            elif kind == "media":
                await chat.event(EventKind.MEDIA, media=Media(MediaKind(str(value)), file_id="f"))
            elif kind == "sticker":
                await chat.event(EventKind.UNSUPPORTED)
            elif kind == "global":
                await chat.event(EventKind.BUTTON, data=f"{value}{prompt_id}")
            elif kind == "prompt":
                prompt_id = await _deliver_prompt(sessions, chat.address, value) or prompt_id
            elif kind == "again":
                known = await _journey_exists(sessions, chat.address)
                redelivered = await chat.deliver(chat.events[-1])
                assert redelivered.duplicate == known
            keyboards.append(chat.keyboard)
            if not await _check(sessions, chat.address, content):
                expected.clear()  # they said no, or erased everything: nothing should remain
        async with sessions() as session:
            kept = set(await session.scalars(select(Evidence.text).join(Partner)))
        assert expected <= kept, f"lost: {expected - kept}"
    finally:
        await db.dispose()


async def _deliver_prompt(sessions: object, address: str, statement: object) -> int | None:
    async with sessions() as session, session.begin():  # type: ignore[operator]
        journey = await _journey(session, address)
        if journey is None:
            return None
        partner = await session.get(Partner, journey.partner_id)
        prompt = Prompt(
            organisation_id=partner.organisation_id,
            round_id=journey.round_id,
            text="What could we do better?",
            audience="everyone",
            statement_id=statement,
        )
        session.add(prompt)
        await session.flush()
        await prompt_delivered(session, partner.id, prompt.id)
        return int(prompt.id)


async def _journey_exists(sessions: object, address: str) -> bool:
    async with sessions() as session:  # type: ignore[operator]
        return await _journey(session, address) is not None


async def _consented(sessions: object, address: str) -> bool:
    async with sessions() as session:  # type: ignore[operator]
        journey = await _journey(session, address)
        return journey is not None and journey.state != Step.CONSENT.value


async def _journey(session: object, address: str) -> Journey | None:
    from bot.state.models import Contact

    return await session.scalar(  # type: ignore[attr-defined,no-any-return]
        select(Journey)
        .join(Partner, Partner.id == Journey.partner_id)
        .join(Contact, Contact.partner_id == Partner.id)
        .where(Contact.address == address)
    )


async def _check(sessions: object, address: str, content: Content) -> bool:
    """The stored journey is one the engine can carry on from; False when there is none."""
    async with sessions() as session:  # type: ignore[operator]
        journey = await _journey(session, address)
        if journey is None:
            return False
        step = Step(journey.state)
        if step is not Step.CONSENT:
            assert journey.statement_id is not None
            content.framework.statement(journey.statement_id)
        position = journey.position or {}
        if step in (Step.INDICATORS, Step.OTHER_STATEMENT):
            assert await session.get(Evidence, position["evidence"]) is not None
        if step in ASIDES:
            resume = position["resume"]
            assert Step(resume["state"]) not in (Step.CONFIRM_FORGET,)
        return True
