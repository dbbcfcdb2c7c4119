"""Telegram having bad moments, and the bot stopping: partners' words are never lost.

Faults come from the fake Bot API on cue (500s, a 502 page, 429s, slow answers that time out,
a blocked partner); stops are a graceful one and one as sudden as `kill -9`.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select, text

from bot.content import Audience, Content
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Evidence, Partner
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits
from tests.telegram_helpers import (
    TIGHT,
    Expected,
    TelegramPartner,
    Watch,
    answer,
    assert_stored,
    bot_running,
    bot_that_dies,
    join,
)

PARENT = Audience.PARENT_CARER
# PTB's own RetryAfter reads its field the old way when a 429 arrives; nothing to act on here.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_telegram_failing_in_every_way_loses_nothing(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    faults = [
        lambda api: api.fail_next("sendMessage", 500, times=2),
        lambda api: (api.fail_next("answerCallbackQuery", 502), api.fail_next("sendMessage", 502)),
        lambda api: api.slow_next("sendMessage", 0.8),  # past the bot's 0.5 s: a timeout
        lambda api: api.fail_next("sendMessage", 429, retry_after=1),
        lambda api: api.fail_next("editMessageText", 503, times=2),
        lambda api: api.fail_next("getUpdates", 500),
    ]
    async with (
        FakeBotApi(limits=Limits.off()) as api,
        bot_running(api, engine, watch, tuning=TIGHT),  # the 0.8 s answer outlasts it
    ):
        partner = TelegramPartner(api.user(first_name="Ann"), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        expected = Expected()
        for n, fault in enumerate(faults):
            fault(api)
            await answer(partner, n, PARENT, content, expected)
        assert f"question {len(faults) + 1} of 25" in (partner.keyboard_message.text or "")
        injected = [error for error in api.stats.errors if error.injected]
        assert len(injected) >= 8  # every fault was met, and ridden out
        assert api.stats.unexpected_errors == []
    await assert_stored(sessions, partner.person.id, expected, state="rating")


async def test_a_redelivered_update_is_applied_once(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        partner = TelegramPartner(api.user(), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        rated = await partner.press("Mostly")
        example = await partner.send("My son's teacher rang me back the same day.")
        shown = len(partner.person.messages)
        for incoming in (rated, example):
            assert incoming.update_id is not None
            await api.redeliver(incoming.update_id)
            await watch.settle(incoming.update_id, times=2)
        assert len(partner.person.messages) == shown  # nothing said twice
        assert "Which of these" in (partner.keyboard_message.text or "")
    async with sessions() as session:
        assert await session.scalar(select(func.count(Evidence.id))) == 1


async def test_a_partner_who_blocks_the_bot_is_marked_unreachable_and_keeps_their_words(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        await join(ann, invites.parent_carer, PARENT, content)
        await ann.send("ya")
        api.block(ann.person.id)
        await ann.send("The office always rings me back.")  # sent just before blocking
        # Everyone else carries on as before.
        bea = TelegramPartner(api.user(first_name="Bea"), watch)
        await join(bea, invites.parent_carer, PARENT, content)
        assert "question 1 of 25" in (bea.keyboard_message.text or "")
    async with sessions() as session:
        unreachable = await session.scalar(select(Partner).where(Partner.number == 1))
        assert unreachable is not None and unreachable.unreachable_at is not None
        kept = await session.scalar(select(Evidence.text).where(Evidence.partner_id == 1))
        assert kept == "The office always rings me back."
        other = await session.scalar(select(Partner).where(Partner.number == 2))
        assert other is not None and other.unreachable_at is None


async def test_after_a_sudden_stop_a_fresh_start_carries_on_exactly(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    expected = Expected()
    async with FakeBotApi(limits=Limits.off()) as api:
        partner = TelegramPartner(api.user(first_name="Ann"), watch)
        async with bot_that_dies(api, engine, watch):
            await join(partner, invites.parent_carer, PARENT, content)
            for n in range(2):
                await answer(partner, n, PARENT, content, expected)
            # Killed mid-update: the rating is committed, its reply shown but not acknowledged.
            api.slow_next("sendMessage", 5.0)
            before = len(partner.person.messages)
            rated = await partner.person.send("3")
            await partner.person.wait_for(lambda m: m.message_id > rated.payload["message_id"])
            assert watch.handled[rated.update_id or 0] == 0  # still in hand as the bot dies
        assert len(partner.person.messages) == before + 1
        expected.ratings[content.framework.statements[2].id] = "sometimes"
        # While the bot is down the partner writes their example; Telegram keeps it.
        waiting = await partner.person.send("The teacher rang me back the same day.")
        async with bot_running(api, engine, watch):
            await watch.settle(waiting.update_id)
            assert "Which of these" in (partner.keyboard_message.text or "")
            statement = content.framework.statements[2]
            expected.kinds[statement.id] = "text"
            await partner.press(statement.indicators[0].label)
            await partner.press("Done")
            expected.links[statement.id] = {statement.indicators[0].id}
            await partner.press("Move on")
            for n in range(3, 5):
                await answer(partner, n, PARENT, content, expected)
    await assert_stored(sessions, partner.person.id, expected, state="rating")


async def test_a_graceful_stop_finishes_the_updates_in_hand(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api:
        person = api.user(first_name="Ann")
        async with bot_running(api, engine, watch):
            api.slow_next("sendMessage", 0.3)  # the welcome's answer is late…
            await person.command("/start", invites.parent_carer)
            await person.next_message()  # …and the stop begins while it is in hand
        # The greeting and the privacy note under it, with its buttons, in one message.
        assert len(person.messages) == 1
        assert "Before we start" in (person.messages[0].text or "")
        assert person.messages[0].button_texts[0] == "Yes, let's start"


async def test_when_the_engine_fails_the_partner_is_told_kindly_and_the_log_keeps_quiet(
    engine: Engine, sessions: SessionFactory, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    words = "Mrs Patel rang me back within the hour"
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        partner = TelegramPartner(api.user(), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        await partner.send("ya")
        async with sessions() as session, session.begin():  # the database breaks underneath
            await session.execute(text("ALTER TABLE evidence RENAME TO evidence_elsewhere"))
        caplog.set_level(logging.INFO, logger="bot")
        await partner.send(words)
        assert "Sorry, something went wrong at my end" in partner.last_text
    failures = [r for r in caplog.records if r.getMessage().startswith("update_failed")]
    assert len(failures) == 1
    line = failures[0].getMessage()
    assert "kind=message" in line and "error=" in line and "INSERT" not in line
    assert words not in caplog.text and str(partner.person.id) not in caplog.text
