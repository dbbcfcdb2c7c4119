"""/remind: only those who have not finished (or started), and never too often."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Contact, OutboxMessage, Partner, utcnow
from tests.chat import play
from tests.test_coordinator import audit_actions, coordinator, mark, partner


async def reminded(sessions: SessionFactory) -> dict[str, int]:
    """How many reminders each partner (by address) has waiting in the outbox."""
    async with sessions() as session:
        rows = await session.execute(
            select(Contact.address, OutboxMessage.id).join(
                OutboxMessage, OutboxMessage.partner_id == Contact.partner_id
            )
        )
        counts: dict[str, int] = {}
        for address, _ in rows:
            counts[address] = counts.get(address, 0) + 1
        return counts


async def test_reminders_go_to_the_unfinished_at_most_once_in_the_spacing(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "started", rate=1)
    await partner(engine, invites.parent_carer, "waiting")
    await partner(engine, invites.young_person, "done", rate=1)
    await mark(sessions, "done", finished=True)
    await partner(engine, invites.practitioner, "undecided", consent=False)
    await play(
        chat,
        [
            ("/remind", "at most one reminder every 7 days"),
            ("", "choose with the buttons"),
        ],
    )
    labels = [b.label for row in chat.keyboard for b in row]
    assert labels[:2] == ["Not finished yet (2)", "Not started yet (1)"]
    await play(chat, [("[Not started yet]", "on its way now (1 in all)")])
    assert await reminded(sessions) == {"waiting": 1}
    await play(
        chat,
        [
            ("/remind", "Who would you like to remind?"),
            ("[Not finished yet]", "on its way now (1 in all)"),
        ],
    )
    assert "1 others had a reminder in the last 7 days" in chat.said
    assert await reminded(sessions) == {"waiting": 1, "started": 1}
    await play(chat, [("/remind", ""), ("[Not finished yet (0)]", "nobody in that group")])
    # A week on, both may be reminded again.
    async with sessions() as session, session.begin():
        for partner_row in await session.scalars(select(Partner)):
            if partner_row.last_reminded_at is not None:
                partner_row.last_reminded_at = utcnow() - timedelta(days=8)
    await play(chat, [("/remind", ""), ("[Not finished yet (2)]", "on its way now (2 in all)")])
    async with sessions() as session:
        broadcasts = list(await session.scalars(select(Broadcast.kind)))
        message = await session.scalar(select(OutboxMessage))
        stamped = list(await session.scalars(select(Partner.last_reminded_at)))
    assert broadcasts == ["reminder"] * 3
    assert message is not None and message.buttons["rows"][0][0]["data"] == "g:continue"
    assert sum(1 for at in stamped if at is not None and at > utcnow() - timedelta(hours=1)) == 2
    sent = [a[2] for a in await audit_actions(sessions) if a[1] == "reminder.sent"]
    assert sent[0] == {"audience": "not_started", "partners": 1, "spaced": 0}
    assert sent[1] == {"audience": "not_finished", "partners": 1, "spaced": 1}
