"""Whole journeys over Telegram: the real application, the fake Bot API, the test's database.

A parent carer and a young person join by their invite links at the same time and answer all
25 statements, by buttons and by typing, with a voice note and a photo among their examples;
then the database holds exactly what they said.
"""

from __future__ import annotations

import asyncio

from bot.content import Audience, Content
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits
from tests.telegram_helpers import (
    TelegramPartner,
    Watch,
    assert_stored,
    bot_running,
    take_the_journey,
)


async def test_two_partners_take_the_whole_journey_at_once(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        parent = TelegramPartner(api.user(first_name="Ann"), watch)
        young = TelegramPartner(api.user(first_name="Jo"), watch)
        expected_parent, expected_young = await asyncio.gather(
            take_the_journey(parent, invites.parent_carer, Audience.PARENT_CARER, content),
            take_the_journey(young, invites.young_person, Audience.YOUNG_PERSON, content),
        )
        assert "That's the end" in parent.last_text
        assert "All done" in young.last_text
        assert api.stats.unexpected_errors == []
        # A keyboard that was pressed is retired, showing the choice beneath its question.
        second = next(m for m in parent.person.messages if "question 2 of 25" in (m.text or ""))
        assert second.buttons == [] and (second.text or "").endswith("→ Mostly")

    for person, expected in ((parent, expected_parent), (young, expected_young)):
        await assert_stored(sessions, person.person.id, expected)
