"""Invite links from the chat: made at once or with buttons, with a QR code; listed and revoked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import AttachmentKind
from bot.state.database import SessionFactory
from bot.state.models import Invite, Partner, utcnow
from tests.chat import Chat, play
from tests.test_coordinator import audit_actions, coordinator

PNG = b"\x89PNG\r\n\x1a\n"


def linked(token: str) -> str:
    return f"https://t.me/oak_tree_bot?start={token}"


async def test_an_invite_with_its_limits_given_comes_as_a_qr_code_that_works(
    sessions: SessionFactory, content: Content
) -> None:
    engine = Engine(sessions, content, invite_link=linked)
    chat, _ = await coordinator(engine, sessions)
    await play(chat, [("/invite parents 14d 30", "for up to 30 people")])
    photo = chat.last.replies[0]
    assert photo.attachment is not None and photo.attachment.kind is AttachmentKind.PHOTO
    assert photo.attachment.content.startswith(PNG) and len(photo.attachment.content) > 500
    link = next(word for word in photo.text.split() if word.startswith("https://t.me/oak_tree_bot"))
    assert "for 14 days" in photo.text and "poster" in photo.text
    async with sessions() as session:
        invite = await session.scalar(select(Invite).order_by(Invite.id.desc()))
    assert invite is not None and invite.role == "parent-carer" and invite.max_uses == 30
    assert invite.expires_at is not None
    assert abs(invite.expires_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    # The link is real: a parent carer joins with it.
    parent = Chat(engine, address="p-new")
    await play(parent, [(f"/start {link.split('start=')[1]}", "privacy")])
    created = [a for a in await audit_actions(sessions) if a[1] == "invite.created"]
    assert created[0][2] == {"invite_id": invite.id, "role": "parent-carer", "days": 14, "uses": 30}


async def test_an_invite_chosen_with_buttons_and_bad_words_answered_kindly(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    await play(
        chat,
        [
            ("/invite grandparents", "I don't know who “grandparents” is"),
            ("/invite parent-carer soon", "I don't understand “soon”"),
            ("/invite practitioner 9999d", "at most 365 days"),
            ("/invite", "Who is the invite link for?"),
            ("[young people]", "for 30 days, for any number of people"),
            ("[90 days]", "for 90 days"),
            ("[100 people]", "for up to 100 people"),
            ("hello", "choose with the buttons"),
            ("[Make the link]", "Your invite link for young people"),
            ("/invite co-ordinator", "for 7 days, for one person"),
            ("[Make the link]", "privately"),
        ],
    )
    async with sessions() as session:
        made = list(await session.scalars(select(Invite).order_by(Invite.id.desc()).limit(2)))
    colleague, young = made
    assert (young.role, young.max_uses) == ("young-person", 100)
    assert young.expires_at is not None and young.expires_at > utcnow() + timedelta(days=89)
    assert (colleague.role, colleague.max_uses) == ("coordinator", 1)


async def test_invites_are_listed_and_a_revoked_one_stops_working(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    await play(chat, [("/invites", "Invite links that still work")])
    listed = chat.said
    assert "parent carers" in listed and "young people" in listed
    async with sessions() as session:
        parents = await session.scalar(select(Invite).where(Invite.role == "parent-carer"))
    assert parents is not None
    await play(chat, [(f"[Stop #{parents.id}]", f"Invite #{parents.id} no longer works")])
    assert f"#{parents.id} ·" not in (
        chat.last.update_source.text if chat.last.update_source else ""
    )
    await play(chat, [("[Done]", "")])
    late = Chat(engine, address="late")
    await play(late, [(f"/start {invites.parent_carer}", "can no longer be used")])
    async with sessions() as session:
        assert await session.scalar(select(Partner.id)) is None
    assert ("invite.revoked", {"invite_id": parents.id}) in [
        (a[1], a[2]) for a in await audit_actions(sessions)
    ]
