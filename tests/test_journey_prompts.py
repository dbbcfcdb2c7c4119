"""A co-ordinator's prompt on the partner's side, global buttons, and a changed privacy note."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.dialogues.engine import Engine
from bot.dialogues.prompts import prompt_delivered
from bot.dialogues.replies import EventKind
from bot.state.database import SessionFactory
from bot.state.models import Evidence, EvidenceIndicator, Journey, Organisation, Partner, Prompt
from tests.chat import Chat, organisation_with_invites, play


async def joined(engine: Engine, sessions: SessionFactory, address: str = "p1") -> Chat:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address=address)
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("[Yes]", "question 1")])
    return chat


async def prompt(sessions: SessionFactory, text: str, statement_id: str | None = None) -> int:
    async with sessions() as session, session.begin():
        journey = await session.scalar(select(Journey))
        organisation = await session.scalar(select(Organisation))
        assert journey is not None and organisation is not None
        row = Prompt(
            organisation_id=organisation.id,
            round_id=journey.round_id,
            text=text,
            audience="everyone",
            statement_id=statement_id,
        )
        session.add(row)
        await session.flush()
        partner = await session.scalar(select(Partner))
        assert partner is not None
        await prompt_delivered(session, partner.id, row.id)
        return row.id


async def test_the_words_after_a_prompt_answer_it_and_the_partner_carries_on(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await play(chat, [("[Mostly]", "tell")])
    prompt_id = await prompt(sessions, "What would make parents' evening easier?")
    await play(
        chat,
        [
            ("Evening slots after 6pm, I work shifts", "Thank you for answering"),
        ],
    )
    assert "tell" in chat.said.lower()  # back at the example step where they were
    async with sessions() as session:
        evidence = await session.scalar(select(Evidence))
    assert evidence is not None
    assert (evidence.purpose, evidence.prompt_id, evidence.statement_id) == (
        "prompt",
        prompt_id,
        None,
    )


async def test_a_prompt_tied_to_a_statement_asks_for_its_indicators_then_returns(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    await prompt(sessions, "Tell us about a time you felt listened to.", statement_id="3.iii")
    await play(
        chat,
        [
            ("/continue", "A question from the team"),
            ("The SENCo let me finish before answering", "Which of these"),
            ("/skip", "question 1 of 25"),
        ],
    )
    await prompt(sessions, "And one more?", statement_id="3.iii")
    await play(
        chat,
        [
            ("<voice>", "Which of these"),
            ("[Done]", "question 1 of 25"),
        ],
    )
    async with sessions() as session:
        kept = list(await session.scalars(select(Evidence.statement_id)))
        links = list(await session.scalars(select(EvidenceIndicator.indicator_id)))
    assert kept == ["3.iii", "3.iii"]
    assert links == []


async def test_carry_on_and_reply_buttons_from_a_broadcast_work_at_any_step(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    prompt_id = await prompt(sessions, "What could we do better?")
    outcome = await chat.event(EventKind.BUTTON, data="g:continue")
    assert "question 1 of 25" in chat.said and not outcome.acknowledge
    await play(chat, [("/pause", "Paused")])
    await chat.event(EventKind.BUTTON, data="g:continue")
    assert "question 1 of 25" in chat.said
    await chat.event(EventKind.BUTTON, data=f"g:reply:{prompt_id}")
    assert "What could we do better?" in chat.said
    await play(chat, [("More clubs", "Thank you for answering")])
    assert "question 1 of 25" in chat.said
    outcome = await chat.event(EventKind.BUTTON, data="g:reply:99999")
    assert outcome.acknowledge == "That question has moved on."
    await chat.event(EventKind.BUTTON, data="g:not_now")
    assert "No problem" in chat.said


async def test_a_changed_privacy_note_is_agreed_again_before_carrying_on(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await joined(engine, sessions)
    async with sessions() as session, session.begin():
        await session.execute(update(Partner).values(privacy_version="2020-01"))
    await play(
        chat,
        [
            ("my daughter loves the new library", "We have updated"),
            ("[No thanks]", "cannot be undone"),
            ("[No, keep it]", "We have updated"),
            ("yes", "question 1 of 25"),
        ],
    )
    async with sessions() as session:
        partner = await session.scalar(select(Partner))
        notes = list(await session.scalars(select(Evidence.text)))
    assert partner is not None and partner.privacy_version != "2020-01"
    assert notes == ["my daughter loves the new library"]
