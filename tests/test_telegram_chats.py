"""What the adapter does around the journey: groups, old buttons, long replies, stickers, the
commands menu, and a partner blocking the bot."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select
from telegram import Update

from bot.content import Audience, Content
from bot.dialogues.engine import Engine
from bot.state.answers import Said, keep
from bot.state.database import SessionFactory
from bot.state.models import Journey, Partner, Rating
from bot.telegram.texts import MESSAGE_LIMIT, utf16_length
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits
from tests.telegram_helpers import TelegramPartner, Watch, bot_running, join, wait_until

PARENT = Audience.PARENT_CARER


async def test_in_a_group_the_bot_says_it_works_one_to_one_and_leaves(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, Watch()):
        group = api.group()
        await api.user().in_group(group).command("/start", invites.parent_carer)
        said = await group.next_message()
        assert "one to one" in (said.text or "")
        await wait_until(api, lambda: api.stats.requests["leaveChat"] == 1, "the bot to leave")
        assert api.stats.unexpected_errors == []
    async with sessions() as session:  # the engine never heard of it
        assert await session.scalar(select(func.count(Partner.id))) == 0


async def test_an_old_button_changes_nothing_and_says_the_question_moved_on(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        partner = TelegramPartner(api.user(), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        first_question = partner.keyboard_message
        await partner.send("ya")  # answered by typing: the buttons are still there
        await partner.settle(await partner.person.press(first_question, "Mostly"))
        assert partner.person.callback_answers[-1].text == "That question has moved on."
        assert "moved on" in partner.said_since(-2)
        assert first_question.buttons == []  # now it cannot be pressed again
        assert "You can type it" in (partner.keyboard_message.text or "")  # asked again
    async with sessions() as session:
        assert list(await session.scalars(select(Rating.value))) == ["always"]


async def test_a_long_reply_is_sent_in_pieces_telegram_accepts(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        partner = TelegramPartner(api.user(), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        async with sessions() as session, session.begin():
            journey = await session.scalar(select(Journey))
            assert journey is not None
            # Emoji count twice towards Telegram's limit: 30 examples, half emoji, make a review
            # of fewer than 4,096 characters but over 5,000 UTF-16 units.
            for n in range(30):
                said = Said(kind="text", text=f"{n:02} " + "👍 " * 52 + "x" * 2)
                await keep(session, journey.partner_id, journey.round_id, "1.i", "example", said)
        await partner.send("/review")
        shown = len(partner.person.messages)
        await partner.press("1")
        pieces = partner.person.messages[shown:]
        assert sum(len(p.text or "") for p in pieces) < MESSAGE_LIMIT
        assert len(pieces) == 2
        assert all(utf16_length(p.text or "") <= MESSAGE_LIMIT for p in pieces)
        assert [bool(p.buttons) for p in pieces] == [False] * (len(pieces) - 1) + [True]
        assert api.stats.unexpected_errors == []


async def test_a_sticker_gets_a_kind_word_and_the_question_again(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, watch):
        partner = TelegramPartner(api.user(), watch)
        await join(partner, invites.parent_carer, PARENT, content)
        shown = len(partner.person.messages)
        await partner.settle(await partner.person.send_sticker())
        assert "can't keep that kind of message" in partner.said_since(shown)
        assert "question 1 of 25" in (partner.keyboard_message.text or "")


async def test_the_commands_menu_is_set_for_private_chats(engine: Engine, content: Content) -> None:
    async with FakeBotApi(limits=Limits.off()) as api, bot_running(api, engine, Watch()):
        menu = api.commands({"type": "all_private_chats"})
    assert list(menu) == [
        "pause",
        "continue",
        "back",
        "skip",
        "progress",
        "review",
        "help",
        "privacy",
        "forget",
    ]
    assert menu["pause"] == content.messages.text("commands.pause")


async def test_blocking_the_bot_marks_the_partner_unreachable_at_once(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    async with FakeBotApi(limits=Limits.off()) as api:
        async with bot_running(api, engine, watch) as application:
            partner = TelegramPartner(api.user(), watch)
            await join(partner, invites.parent_carer, PARENT, content)
            # Telegram tells the bot with a my_chat_member update; the fake has no way to send
            # one, so it is handed to the application as PTB's own tests do.
            user, bot_user = partner.person.user, api.bot_user
            blocked = {
                "update_id": 900_001,
                "my_chat_member": {
                    "chat": {"id": user["id"], "type": "private", "first_name": "Sam"},
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot_user, "status": "member"},
                    "new_chat_member": {"user": bot_user, "status": "kicked", "until_date": 0},
                },
            }
            await application.process_update(Update.de_json(blocked, application.bot))
    async with sessions() as session:
        partner_row = await session.scalar(select(Partner))
        assert partner_row is not None and partner_row.unreachable_at is not None


def member_update(
    update_id: int, user: dict[str, Any], bot_user: dict[str, Any], old: str, new: str
) -> dict[str, Any]:
    """A my_chat_member update, as Telegram sends when a person blocks or unblocks the bot."""
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": {"id": user["id"], "type": "private", "first_name": "Sam"},
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": old, "until_date": 0},
            "new_chat_member": {"user": bot_user, "status": new, "until_date": 0},
        },
    }


async def test_a_partner_who_unblocks_or_writes_again_can_be_reached_again(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()

    async def unreachable() -> bool:
        async with sessions() as session:
            row = await session.scalar(select(Partner))
            assert row is not None
            return row.unreachable_at is not None

    async with FakeBotApi(limits=Limits.off()) as api:
        async with bot_running(api, engine, watch) as application:
            partner = TelegramPartner(api.user(), watch)
            await join(partner, invites.parent_carer, PARENT, content)
            user, bot_user = partner.person.user, api.bot_user

            async def handed(update_id: int, old: str, new: str) -> None:
                raw = member_update(update_id, user, bot_user, old, new)
                await application.process_update(Update.de_json(raw, application.bot))

            await handed(900_001, "member", "kicked")
            assert await unreachable()
            await handed(900_002, "kicked", "member")  # unblocked: Telegram says so
            assert not await unreachable()
            await handed(900_003, "member", "kicked")
            assert await unreachable()
            await partner.send("ya")  # or they simply write again
            assert not await unreachable()
            assert "question 1 of 25" not in (partner.keyboard_message.text or "")
