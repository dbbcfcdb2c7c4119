"""A co-ordinator's prompt, end to end on the fake Telegram: sent by the bot's own broadcast
worker, received by every partner once, answered, and the answers collected as evidence."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.content import Audience, Content
from bot.dialogues.coordinator_commands import COMMANDS
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Evidence, Organisation, Prompt
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits
from tests.telegram_helpers import TelegramPartner, Watch, bot_running, join

QUESTION = "What one thing would make parents' evening easier?"


async def test_a_prompt_reaches_each_partner_once_and_their_answers_are_collected(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    async with sessions() as session, session.begin():
        # No quiet hours, so the test does not depend on the time of day it runs.
        await session.execute(update(Organisation).values(quiet_from="00:00", quiet_until="00:00"))
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        coordinator = TelegramPartner(api.user(first_name="Ms Patel"), watch)
        await coordinator.send(f"/start {invites.coordinator}")
        partners = [TelegramPartner(api.user(), watch) for _ in range(3)]
        for partner in partners:
            await join(partner, invites.parent_carer, Audience.PARENT_CARER, content)
        await coordinator.send(f"/prompt {QUESTION}")
        await coordinator.press("Everyone")
        await coordinator.press("No, just collect the replies")
        await coordinator.press("Send it")
        for partner in partners:
            await partner.person.wait_for(lambda m: QUESTION in (m.text or ""), timeout=10)
        await coordinator.person.wait_for(
            lambda m: "has gone out: 3 of 3" in (m.text or ""), timeout=10
        )
        for number, partner in enumerate(partners):
            await partner.send(f"Evening slots after six, please ({number})")
            assert "Thank you for answering" in partner.said_since(-3)
        for partner in partners:
            asked = [m for m in partner.person.messages if QUESTION in (m.text or "")]
            assert len(asked) == 1, "each partner gets the prompt exactly once"
        assert api.stats.rate_limited == 0
        await coordinator.send("/replies 1")
        assert "Parent carer 3: “Evening slots after six, please (2)”" in coordinator.last_text
    async with sessions() as session:
        prompt_id = await session.scalar(select(Prompt.id))
        answers = list(await session.scalars(select(Evidence).where(Evidence.purpose == "prompt")))
    assert len(answers) == 3 and {a.prompt_id for a in answers} == {prompt_id}


async def test_a_coordinator_gets_their_own_commands_menu_and_partners_keep_theirs(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        coordinator = TelegramPartner(api.user(first_name="Ms Patel"), watch)
        partner = TelegramPartner(api.user(), watch)
        await coordinator.send(f"/start {invites.coordinator}")
        await join(partner, invites.parent_carer, Audience.PARENT_CARER, content)
        theirs = api.commands({"type": "chat", "chat_id": coordinator.person.id})
        partners_menu = api.commands({"type": "all_private_chats"})
        partner_own = api.commands({"type": "chat", "chat_id": partner.person.id})
    # Every co-ordinator command but /start, described in the content, in /help's order.
    assert list(theirs) == [name for name in COMMANDS if name != "start"]
    assert theirs["status"] == content.messages.text("coordinator_commands.status")
    assert "pause" in partners_menu and "status" not in partners_menu
    assert partner_own == {}  # a partner's chat keeps the partners' menu


async def test_a_menu_telegram_refuses_leaves_the_coordinator_welcomed(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        api.fail_next("setMyCommands", 400, times=1)
        coordinator = TelegramPartner(api.user(first_name="Ms Patel"), watch)
        await coordinator.send(f"/start {invites.coordinator}")
        assert "co-ordinator" in coordinator.said_since(0).lower()
        await coordinator.send("/help")
        assert "/status" in coordinator.last_text
        assert api.stats.unexpected_errors == []


async def test_a_coordinator_who_joined_before_the_menu_gets_it_from_help(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        api.fail_next("setMyCommands", 500, times=10)  # as if the menu was never set
        coordinator = TelegramPartner(api.user(first_name="Ms Patel"), watch)
        await coordinator.send(f"/start {invites.coordinator}")
        scope = {"type": "chat", "chat_id": coordinator.person.id}
        assert api.commands(scope) == {}
        await coordinator.send("/help")
        assert "status" in api.commands(scope)
