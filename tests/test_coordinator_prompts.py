"""/prompt, /prompts and /replies: a question to chosen partners, and their pseudonymous replies."""

from __future__ import annotations

from sqlalchemy import select

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import EventKind, MediaKind
from bot.state.database import SessionFactory
from bot.state.models import (
    Broadcast,
    Evidence,
    OutboxMessage,
    Partner,
    Prompt,
    Round,
    utcnow,
)
from tests.chat import play
from tests.test_coordinator import audit_actions, coordinator, mark, partner


async def some_partners(engine: Engine, sessions: SessionFactory, token: dict[str, str]) -> None:
    """Two parent carers (one started), a young person who finished, and two who can't be asked."""
    await partner(engine, token["parent"], "p1", rate=1)
    await partner(engine, token["parent"], "p2")
    await partner(engine, token["young"], "y1", rate=1)
    await mark(sessions, "y1", finished=True)
    await partner(engine, token["practitioner"], "undecided", consent=False)
    await partner(engine, token["parent"], "gone")
    await mark(sessions, "gone", unreachable_at=utcnow())


async def test_a_prompt_is_written_aimed_tied_previewed_and_queued(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    chat, invites = await coordinator(engine, sessions)
    tokens = {
        "parent": invites.parent_carer,
        "young": invites.young_person,
        "practitioner": invites.practitioner,
    }
    await some_partners(engine, sessions, tokens)
    cornerstone = content.framework.cornerstones[0]
    question = "How did the open evening feel for you?"
    await play(
        chat,
        [
            ("/prompt", "What would you like to ask?"),
            ("", "looks empty"),
            ("x" * 5000, "That has 5000 characters"),
            (question, "Who should it go to?"),
        ],
    )
    labels = [b.label for row in chat.keyboard for b in row]
    assert labels[:6] == [
        "Everyone (3)",
        "Parent carers (2)",
        "Young people (1)",
        "Practitioners (0)",
        "Not started yet (1)",
        "Not finished yet (2)",
    ]
    await play(
        chat,
        [
            ("[Not finished yet]", "count as evidence"),
            (f"[{cornerstone.name}]", cornerstone.statements[1].title),
            (f"[{cornerstone.statements[1].id}]", question),
            ("", "choose with the buttons"),
            ("[Change who it goes to]", "Who should it go to?"),
            ("[Parent carers]", "Parent carers (2 right now)"),
            ("[Send it]", "Sent: this is prompt"),
        ],
    )
    assert "On its way now (2 in all)" in chat.said
    async with sessions() as session:
        prompt = await session.scalar(select(Prompt))
        broadcast = await session.scalar(select(Broadcast))
        rows = list(await session.scalars(select(OutboxMessage)))
        parents = set(await session.scalars(select(Partner.id).where(Partner.number < 3)))
    assert prompt is not None and prompt.text == question
    assert (prompt.audience, prompt.statement_id) == ("parent-carer", cornerstone.statements[1].id)
    assert broadcast is not None and (broadcast.kind, broadcast.prompt_id) == ("prompt", prompt.id)
    assert {r.partner_id for r in rows} <= parents and len(rows) == 2
    assert rows[0].buttons["rows"][0][0]["data"] == f"g:reply:{prompt.id}"
    assert question in rows[0].text
    sent = [a for a in await audit_actions(sessions) if a[1] == "prompt.sent"]
    assert sent[0][2] == {
        "prompt_id": prompt.id,
        "audience": "parent-carer",
        "statement_id": cornerstone.statements[1].id,
        "partners": 2,
    }
    assert question not in str(await audit_actions(sessions))


async def test_replies_are_listed_under_pseudonyms_masked_and_paged(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    first = await partner(engine, invites.parent_carer, "p1", rate=1)
    second = await partner(engine, invites.young_person, "y1")
    await play(
        chat,
        [
            ("/prompts", "haven't sent any prompts"),
            ("/replies", "Which prompt?"),
            ("/replies 999", "There's no prompt 999"),
            ("/prompt What should we do differently?", "Who should it go to?"),
            ("[Everyone]", "count as evidence"),
            ("[No, just collect]", "Everyone (2 right now)"),
            ("[Send it]", "Sent"),
        ],
    )
    async with sessions() as session:
        prompt_id = await session.scalar(select(Prompt.id))
    for chat_of, words in [(first, "More evenings please, ring me on 07700 900123"), (second, "")]:
        await chat_of.event(EventKind.BUTTON, data=f"g:reply:{prompt_id}")
        if words:
            await chat_of.send(words)
        else:
            await chat_of.send_media(MediaKind.VOICE)
    await play(
        chat,
        [
            ("/prompts", f"#{prompt_id} ·"),
            (
                f"/replies {prompt_id}",
                "Parent carer 1: “More evenings please, ring me on [phone removed]”",
            ),
        ],
    )
    assert "2 replies" in chat.said and "Young person 1: [a voice note]" in chat.said
    assert "Name-p1" not in chat.said and "07700" not in chat.said
    # Many long replies come a page at a time, each within one Telegram message.
    async with sessions() as session, session.begin():
        partner_id = await session.scalar(select(Partner.id).where(Partner.role == "parent-carer"))
        round_id = await session.scalar(select(Round.id))
        assert partner_id is not None and round_id is not None
        for n in range(40):
            session.add(
                Evidence(
                    partner_id=partner_id,
                    round_id=round_id,
                    purpose="prompt",
                    kind="text",
                    text=f"Reply {n}: " + "word " * 60,
                    prompt_id=prompt_id,
                )
            )
    await play(chat, [(f"/replies {prompt_id}", "Page 1 of")])
    assert all(len(reply.text) <= 4096 for reply in chat.last.replies)
    await play(chat, [("[More ▶]", "Page 2 of")])
    page_two = chat.last.update_source
    assert page_two is not None and len(page_two.text) <= 4096 and "Reply " in page_two.text


async def test_in_quiet_hours_the_coordinator_is_told_when_it_will_go(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions, quiet=True)
    await partner(engine, invites.parent_carer, "p1")
    await play(
        chat,
        [
            ("/prompt Did you feel listened to?", "Who should it go to?"),
            ("[Everyone]", "count as evidence"),
            ("[No, just collect]", "It's quiet hours now, so it would go at"),
            ("[Send it]", "It's quiet hours now, so it will go at"),
        ],
    )
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None and row.not_before > utcnow()
