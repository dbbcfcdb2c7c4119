"""The commands a partner can use at any point: pause, continue, back, skip, progress, review…"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import (
    AuditEntry,
    Base,
    Evidence,
    Journey,
)
from bot.state.models import Rating as StoredRating
from tests.chat import Chat, organisation_with_invites, play


async def joined(engine: Engine, sessions: SessionFactory, address: str = "p1") -> Chat:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address=address)
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("[Yes]", "question 1")])
    return chat


async def test_pause_and_continue_days_later_resumes_the_exact_step(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("[Mostly]", "tell"),
            ("The office staff always smile.", "Which of these"),
            (f"[{content.framework.statement('1.i').indicators[3].label}]", "Ticked"),
            ("[More ▶]", "Page 2 of 2"),
            ("/pause", "Paused"),
            ("Sorry, my daughter needs me", "kept that as a note"),
            ("[Continue]", "Page 2 of 2"),
        ],
    )
    # Coming back shows the same page with the same tick, in a fresh engine too.
    fresh = Chat(Engine(sessions, content), address="p1")
    await play(fresh, [("/pause", "Paused"), ("/continue", "1 chosen")])
    async with sessions() as session:
        notes = list(await session.scalars(select(Evidence.text).where(Evidence.purpose == "note")))
    assert notes == ["Sorry, my daughter needs me"]


async def test_back_skip_and_progress_with_a_jump(engine: Engine, sessions: SessionFactory) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("/back", "first question"),
            ("/skip", "question 2 of 25"),
            ("/back", "question 1 of 25"),
            ("[Always]", "tell"),
            ("/back", "question 1 of 25"),
            ("[Sometimes]", "tell"),
            ("/skip", "question 2 of 25"),
            ("/progress", "1 of 25 answered"),
            ("[Communicate]", "question 15 of 25"),
            ("[Not yet]", "tell"),
            ("/progress", "Communicate: 1 of 7"),
        ],
    )
    async with sessions() as session:
        ratings = dict(
            (r.statement_id, r.value) for r in await session.scalars(select(StoredRating))
        )
    assert ratings == {"1.i": "sometimes", "3.i": "not_yet"}


async def test_review_changes_a_rating_and_adds_an_example_then_carries_on(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("[Always]", ""),
            ("[Skip]", "question 2 of 25"),
            ("[Mostly]", ""),
            ("/review", "your answers so far"),
            ("[1]", "Your answer: Always"),
            ("[Change my answer]", "question 1 of 25"),
            ("[Not sure]", "Changed to: Not sure"),
            ("[Add an example]", "tell"),
            ("They remembered my son's name on day one.", "Which of these"),
            ("[Done]", "another example"),
            ("[Move on]", "They remembered my son"),
            ("[Carry on where I was]", "tell"),
        ],
    )
    assert "question 2" not in chat.said  # back at the example step of statement 2
    async with sessions() as session:
        ratings = dict(
            (r.statement_id, r.value) for r in await session.scalars(select(StoredRating))
        )
        journey = await session.scalar(select(Journey))
    assert ratings == {"1.i": "not_sure", "1.ii": "mostly"}
    assert journey is not None and journey.state == "example" and journey.statement_id == "1.ii"


async def test_help_privacy_and_an_unknown_command_repeat_the_question(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("/help", "/pause"),
            ("/privacy", "made-up name"),
            ("/dance", "don't know /dance"),
        ],
    )
    assert "question 1 of 25" in chat.said


async def test_forget_erases_everything_and_leaves_only_that_it_happened(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("[Mostly]", ""),
            ("Our family worker is brilliant, call me on 07700 900123", "Which"),
            ("/forget", "cannot be undone"),
            ("[No, keep it]", "Which"),
            ("/forget", "cannot be undone"),
            ("[Yes, erase everything]", "erased"),
        ],
    )
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            count = await session.scalar(select(func.count()).select_from(table))
            if table.name in ("organisations", "rounds", "invites"):
                continue
            if table.name == "audit_log":
                entries = list(await session.scalars(select(AuditEntry)))
                assert [e.action for e in entries] == ["partner.erased"]
                assert "07700" not in str(entries[0].detail)
                continue
            assert count == 0, f"{table.name} still has {count} rows after /forget"
    # They are a stranger now: the bot asks for an invite link.
    await play(chat, [("hello?", "invite link")])


async def test_a_pause_during_a_review_comes_back_to_the_review(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(
        chat,
        [
            ("[Always]", "tell"),
            ("/review", "your answers so far"),
            ("/pause", "Paused"),
            ("/continue", "your answers so far"),
            ("[Carry on where I was]", "tell"),
        ],
    )
