"""Rounds from the co-ordinator's chat: /newround asks partners back, /closeround, /rounds."""

from __future__ import annotations

from sqlalchemy import select

from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, OutboxMessage, Round, utcnow
from tests.chat import play
from tests.test_coordinator import audit_actions, coordinator, mark, partner


async def test_a_new_round_closes_the_last_and_asks_reachable_partners_back(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "p1", rate=1)
    await partner(engine, invites.young_person, "y1")
    await partner(engine, invites.practitioner, "undecided", consent=False)
    await partner(engine, invites.parent_carer, "gone")
    await mark(sessions, "gone", unreachable_at=utcnow())
    too_long = "x" * 121
    await play(
        chat,
        [
            ("/newround", "call the new round"),
            (too_long, "121 characters"),
            ("Spring 2027", "take part again: 2"),
            ("Summer 2027", "choose with the buttons"),
            ("[Open it]", "partners are being asked back. On its way now (2 in all)"),
            ("/rounds", "2. Spring 2027 · opened"),
        ],
    )
    assert "1. " in chat.said and " to " in chat.said.split("\n")[2]
    async with sessions() as session:
        rounds = list(await session.scalars(select(Round).order_by(Round.id)))
        broadcast = await session.scalar(select(Broadcast))
        messages = list(await session.scalars(select(OutboxMessage)))
    assert [r.closed_at is None for r in rounds] == [False, True]
    assert broadcast is not None and broadcast.round_id == rounds[1].id and broadcast.total == 2
    assert len(messages) == 2
    assert "Spring 2027" in messages[0].text
    data = [b["data"] for row in messages[0].buttons["rows"] for b in row]
    assert data == ["g:continue", "g:not_now"]
    opened = [a for a in await audit_actions(sessions) if a[1] == "round.opened"]
    assert opened == [
        (
            opened[0][0],
            "round.opened",
            {"round_id": rounds[1].id, "closed_round_id": rounds[0].id, "partners": 2},
        )
    ]
    assert opened[0][0].startswith("coordinator:")


async def test_closing_a_round_asks_first_and_a_missing_round_is_named_kindly(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    await play(
        chat,
        [
            ("/closeround", "Taken part so far: 0"),
            ("[Keep it open]", "Nothing was sent or changed"),
            ("/closeround", "Close"),
            ("[Close it]", "is closed"),
            ("/closeround", "no open round"),
            ("/prompt Anyone?", "no open round"),
            ("/remind", "no open round"),
            ("/status 9", "There's no round “9”"),
            ("/status Winter 1999", "There's no round “Winter 1999”"),
            ("/status 1", "closed"),
            ("/newround Autumn", "Open the new round “Autumn”?"),
            ("[Cancel]", "stopped"),
        ],
    )
    async with sessions() as session:
        rounds = list(await session.scalars(select(Round)))
    assert len(rounds) == 1 and rounds[0].closed_at is not None
    assert [a[1] for a in await audit_actions(sessions)][-1] == "round.closed"
