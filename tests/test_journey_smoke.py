from __future__ import annotations

from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from tests.chat import Chat, organisation_with_invites


async def test_a_parent_joins_and_rates_the_first_statement(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine)
    await chat.send(f"/start {invites.parent_carer}")
    assert "privacy" in chat.said.lower()
    await chat.press("Yes")
    assert "question 1 of 25" in chat.said
    await chat.press("Mostly")
    assert chat.last.chosen == "Mostly"
    await chat.send("The head teacher was at the gate every morning and knew my son's name.")
    assert "Which of these" in chat.said
