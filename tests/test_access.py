"""One organisation's partners, evidence and co-ordinators are never visible to another's.

Two organisations side by side; the co-ordinator of one tries every command, forged button
and export against the other, and a partner of one tries the other's prompts.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.prompts import prompt_delivered
from bot.dialogues.replies import EventKind
from bot.export import export
from bot.state.database import SessionFactory
from bot.state.models import (
    Coordinator,
    Invite,
    Organisation,
    Partner,
    Prompt,
    Round,
    SafeguardingAlert,
)
from tests.chat import Chat, organisation_with_invites, play

SECRET = "Oak's secret: the minibus driver shouts at my son"
ALARM = "my dad hits me"


async def two_organisations(engine: Engine, sessions: SessionFactory) -> tuple[Chat, Chat, Chat]:
    """Oak (with words, an alert and a prompt) and Elm; their co-ordinators and Elm's partner."""
    oak = await organisation_with_invites(sessions, name="Oak School")
    elm = await organisation_with_invites(sessions, name="Elm Nursery", calls_itself="the nursery")
    oak_coordinator, elm_coordinator = Chat(engine, address="oak-c"), Chat(engine, address="elm-c")
    await oak_coordinator.send(f"/start {oak.coordinator}")
    await elm_coordinator.send(f"/start {elm.coordinator}")
    for address, token, words in (
        ("oak-parent", oak.parent_carer, SECRET),
        ("oak-child", oak.young_person, ALARM),
    ):
        await play(
            Chat(engine, address=address),
            [(f"/start {token}", ""), ("yes", ""), ("[Mostly]", ""), (words, "")],
        )
    elm_parent = Chat(engine, address="elm-parent")
    await play(elm_parent, [(f"/start {elm.parent_carer}", ""), ("yes", ""), ("[Always]", "")])
    await play(elm_parent, [("Lovely staff at the nursery", "")])
    async with sessions() as session, session.begin():
        organisation = await session.scalar(
            select(Organisation).where(Organisation.name == "Oak School")
        )
        assert organisation is not None
        round_id = await session.scalar(
            select(Round.id).where(Round.organisation_id == organisation.id)
        )
        assert round_id is not None
        prompt = Prompt(
            organisation_id=organisation.id,
            round_id=round_id,
            text="Oak only?",
            audience="everyone",
        )
        session.add(prompt)
        await session.flush()
        parent = await session.scalar(
            select(Partner).where(Partner.organisation_id == organisation.id)
        )
        assert parent is not None
        await prompt_delivered(session, parent.id, prompt.id)
    await play(Chat(engine, address="oak-parent"), [("Yes please, more clubs", "")])
    return oak_coordinator, elm_coordinator, elm_parent


def everything_said(chat: Chat) -> str:
    texts = []
    for outcome in chat.outcomes:
        texts += [outcome.acknowledge or "", outcome.chosen or ""]
        texts += [reply.text for reply in outcome.replies]
        if outcome.update_source is not None:
            texts.append(outcome.update_source.text)
    return "\n".join(texts)


async def test_a_coordinator_sees_and_touches_nothing_of_another_organisation(
    engine: Engine, sessions: SessionFactory
) -> None:
    _, elm, _ = await two_organisations(engine, sessions)
    async with sessions() as session:
        oak_id = await session.scalar(
            select(Organisation.id).where(Organisation.name == "Oak School")
        )
        oak_prompt = await session.scalar(select(Prompt.id))
        oak_alert = await session.scalar(select(SafeguardingAlert.id))
        oak_invite = await session.scalar(select(Invite.id).where(Invite.organisation_id == oak_id))
        oak_coordinator = await session.scalar(
            select(Coordinator.id).where(Coordinator.organisation_id == oak_id)
        )
    for command in (
        "/status",
        "/rounds",
        "/prompts",
        f"/replies {oak_prompt}",
        f"/tie {oak_prompt}.1",
        "/invites",
        "/leads",
        "/alerts",
        "/remind",
        "/export",
    ):
        await elm.send(command)
    await elm.send("/invites")
    step = elm.keyboard[0][0].data.split(":")[0] if elm.keyboard else "0"
    for forged in (
        f"{step}:revoke:{oak_invite}",
        f"{step}:lead:{oak_coordinator}",
        f"sg:{oak_alert}:show",
        f"sg:{oak_alert}:release",
    ):
        await elm.event(EventKind.BUTTON, data=forged)
    heard = everything_said(elm)
    for private in (SECRET, "minibus", ALARM, "more clubs", "Oak only?", "Oak School"):
        assert private not in heard, f"{private!r} leaked to another organisation"
    async with sessions() as session:
        invite = await session.get(Invite, oak_invite)
        alert = await session.get(SafeguardingAlert, oak_alert)
        colleague = await session.get(Coordinator, oak_coordinator)
    assert invite is not None and invite.revoked_at is None
    assert alert is not None and not alert.released and alert.status == "open"
    assert colleague is not None and not colleague.safeguarding_lead


async def test_a_partner_cannot_answer_another_organisations_prompt(
    engine: Engine, sessions: SessionFactory
) -> None:
    _, _, elm_parent = await two_organisations(engine, sessions)
    async with sessions() as session:
        oak_prompt = await session.scalar(select(Prompt.id))
    outcome = await elm_parent.event(EventKind.BUTTON, data=f"g:reply:{oak_prompt}")
    assert outcome.acknowledge == "That question has moved on."
    assert "Oak only?" not in elm_parent.said


async def test_one_organisations_export_holds_nothing_of_another(
    engine: Engine, sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    await two_organisations(engine, sessions)
    for export_format in ("json", "html", "csv"):
        path = await export(sessions, content, "Elm Nursery", None, export_format, tmp_path)
        data = path.read_bytes()
        if path.suffix == ".zip":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        text = data.decode("utf-8", errors="replace")
        assert "Lovely staff" in text
        for private in (SECRET, ALARM, "more clubs", "Oak School"):
            assert private not in text, f"{private!r} leaked into Elm's {export_format} export"
