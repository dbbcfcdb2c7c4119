"""Bad input gets a kind word and the question again, changes nothing else, and loses nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.dialogues.engine import Engine
from bot.dialogues.replies import Event, EventKind
from bot.state.database import SessionFactory
from bot.state.models import Contact, Evidence, InboundEvent, Journey, Partner
from tests.chat import Chat, organisation_with_invites, play


@dataclass(frozen=True)
class Where:
    state: str
    statement: str | None
    step: int


async def where(sessions: SessionFactory) -> Where:
    async with sessions() as session:
        journey = await session.scalar(select(Journey))
        assert journey is not None
        return Where(journey.state, journey.statement_id, journey.step)


async def joined(engine: Engine, sessions: SessionFactory) -> Chat:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="p1")
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("[Yes]", "question 1")])
    return chat


async def test_a_sticker_an_empty_message_and_an_unknown_command_change_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    before = await where(sessions)
    await play(
        chat,
        [
            ("<sticker>", "can't keep that kind"),
            ("   ", "looks empty"),
            ("/frobnicate", "don't know /frobnicate"),
        ],
    )
    assert await where(sessions) == before
    assert "question 1 of 25" in chat.said  # the question is asked again
    async with sessions() as session:
        assert await session.scalar(select(func.count(Evidence.id))) == 0


async def test_words_that_answer_nothing_are_kept_as_a_note_on_the_statement(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    long_message = "We moved here last year and " * 400  # about 11,000 characters
    before = await where(sessions)
    await play(
        chat,
        [
            ("my son started in year 7", "kept that as a note on this question"),
            (long_message, "long message"),
            ("<photo>", "kept that as a note"),
        ],
    )
    assert await where(sessions) == before
    async with sessions() as session:
        notes = list(await session.scalars(select(Evidence).order_by(Evidence.id)))
    assert [(n.purpose, n.kind, n.statement_id) for n in notes] == [
        ("note", "text", "1.i"),
        ("note", "text", "1.i"),
        ("note", "photo", "1.i"),
    ]
    assert notes[1].text == long_message.strip()  # every character kept


async def test_an_old_button_and_a_forged_one_say_the_question_moved_on(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    old = chat.button("Mostly")
    await play(chat, [("[Always]", "tell")])
    before = await where(sessions)
    for data in (old.data, f"{before.step}:r:always", f"{before.step}:zz", "garbage", "", "9" * 80):
        outcome = await chat.event(EventKind.BUTTON, data=data)
        assert outcome.acknowledge == "That question has moved on."
        assert "Here's where we are now" in chat.said
    assert await where(sessions) == before
    async with sessions() as session:
        kept = await session.scalar(select(func.count()).select_from(Evidence))
    assert kept == 0


async def test_the_same_event_delivered_twice_is_applied_once(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(chat, [("[Always]", "tell")])
    event = Event(transport="test", chat="p1", kind=EventKind.TEXT, event_id="e-42", text="Hi")
    first = await chat.deliver(event)
    second = await chat.deliver(event)
    assert not first.duplicate and second.duplicate and not second.replies
    async with sessions() as session:
        assert await session.scalar(select(func.count(Evidence.id))) == 1


async def test_a_new_engine_on_the_same_database_resumes_each_partner(
    engine: Engine, sessions: SessionFactory, content: object
) -> None:
    invites = await organisation_with_invites(sessions)
    first, second = Chat(engine, address="a"), Chat(engine, address="b")
    await play(first, [(f"/start {invites.parent_carer}", ""), ("[Yes]", ""), ("[Always]", "")])
    await play(second, [(f"/start {invites.young_person}", ""), ("ok", ""), ("/skip", "")])
    restarted = Engine(sessions, engine.content)
    await play(Chat(restarted, address="a"), [("/continue", "tell")])
    await play(Chat(restarted, address="b"), [("/continue", "Question 2 of 25")])


async def test_people_without_a_working_invite_are_told_how_to_get_one_and_nothing_is_kept(
    engine: Engine, sessions: SessionFactory
) -> None:
    await organisation_with_invites(sessions)
    stranger = Chat(engine, address="s")
    await play(
        stranger,
        [
            ("hello", "need an invite link"),
            ("/start", "need an invite link"),
            ("/start not-a-real-token-at-all-0000000000", "doesn't work"),
            ("/start ../../etc/passwd", "doesn't work"),
            ("<voice>", "need an invite link"),
        ],
    )
    async with sessions() as session:
        for model in (Partner, Contact, InboundEvent, Evidence):
            assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_saying_no_to_the_privacy_note_keeps_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="p")
    await play(
        chat,
        [
            (f"/start {invites.parent_carer}", "privacy"),
            ("what is this about my child?", "tap one of the buttons"),
            ("/review", "First, please say"),
            ("[Tell me more]", "made-up name"),
            ("nah", "Nothing has been kept"),
        ],
    )
    async with sessions() as session:
        for model in (Partner, Contact, InboundEvent, Evidence, Journey):
            assert await session.scalar(select(func.count()).select_from(model)) == 0
    # The same link still works if they change their mind.
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("yes", "question 1")])


async def test_many_people_joining_at_once_each_get_their_own_pseudonym(
    engine: Engine, sessions: SessionFactory
) -> None:
    import asyncio

    invites = await organisation_with_invites(sessions)
    chats = [Chat(engine, address=f"crowd-{n}") for n in range(12)]
    await asyncio.gather(*(c.send(f"/start {invites.parent_carer}") for c in chats))
    async with sessions() as session:
        numbers = sorted(await session.scalars(select(Partner.number)))
    assert numbers == list(range(1, 13))
