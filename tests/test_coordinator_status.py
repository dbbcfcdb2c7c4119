"""/status figures and chart, safeguarding leads and contact: counts only, never a person."""

from __future__ import annotations

from sqlalchemy import select

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import AttachmentKind
from bot.state.database import SessionFactory
from bot.state.models import Coordinator, Organisation, utcnow
from tests.chat import Chat, play
from tests.test_coordinator import audit_actions, coordinator, mark, partner

PNG = b"\x89PNG\r\n\x1a\n"


async def test_status_counts_roles_progress_and_indicators_and_draws_a_chart(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    chat, invites = await coordinator(engine, sessions)
    statement = content.framework.statements[0]
    parent = await partner(engine, invites.parent_carer, "p1")
    await play(
        parent,
        [
            ("[Mostly]", "tell"),
            ("The teacher rang me back the same day.", "Which of these"),
            (f"[{statement.indicators[0].label}]", "Ticked"),
            (f"[{statement.indicators[1].label}]", "Ticked"),
            ("[Done]", "another example"),
        ],
    )
    await partner(engine, invites.parent_carer, "p2")
    await partner(engine, invites.young_person, "y1", rate=2)
    await mark(sessions, "y1", finished=True)
    await partner(engine, invites.practitioner, "x1")
    await mark(sessions, "x1", unreachable_at=utcnow())
    await partner(engine, invites.practitioner, "undecided", consent=False)
    await play(chat, [("/status", "Partners who have joined: 4")])
    figures, picture = chat.last.replies
    assert "Parent carers: 2 joined, 1 started, 0 finished" in figures.text
    assert "Young people: 1 joined, 1 started, 1 finished" in figures.text
    assert "Answers: 3\nStatements with at least one answer: 2 of 25" in figures.text
    assert "Indicators with evidence: 2 of 130" in figures.text
    first = content.framework.cornerstones[0]
    total = sum(len(s.indicators) for s in first.statements)
    assert f"{first.name}: 2 of {total}" in figures.text
    assert "can't be reached (they blocked the bot or left Telegram): 1" in figures.text
    assert "Name-" not in figures.text and "Alex" not in figures.text
    assert picture.attachment is not None and picture.attachment.kind is AttachmentKind.PHOTO
    assert picture.attachment.content.startswith(PNG) and len(picture.attachment.content) > 5000
    assert len(picture.text) <= 1024  # a photo's caption


async def test_leads_are_chosen_with_buttons_and_the_safeguarding_contact_is_set(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    colleague = Chat(engine, address="coord-2", first_name="Priya")
    await play(colleague, [(f"/start {invites.coordinator}", "co-ordinator for")])
    contact = "Ms Patel, our Designated Safeguarding Lead, on 01234 567890"
    await play(
        chat,
        [
            ("/leads", "Alex (you)"),
            ("[Make Priya a lead]", "Now a safeguarding lead"),
            ("[Make Alex (you) a lead]", "Priya: safeguarding lead"),
            ("[✓ Priya is a lead: tap to stop]", "No longer a safeguarding lead"),
            ("[Done]", ""),
            ("/safeguarding", "No safeguarding contact is set yet"),
            ("/safeguarding " + "x" * 301, "That has 301 characters"),
            (f"/safeguarding {contact}", "Partners will be told to contact: Ms Patel"),
            ("/safeguarding", contact),
        ],
    )
    async with sessions() as session:
        leads = {
            c.first_name: c.safeguarding_lead for c in await session.scalars(select(Coordinator))
        }
        organisation = await session.scalar(select(Organisation))
    assert leads == {"Alex": True, "Priya": False}
    assert organisation is not None and organisation.safeguarding_contact == contact
    actions = [
        (a[1], a[2]) for a in await audit_actions(sessions) if a[0].startswith("coordinator:")
    ]
    assert [name for name, _ in actions] == [
        "lead.added",
        "lead.added",
        "lead.removed",
        "safeguarding.contact_set",
    ]
