"""The co-ordinator's chat: its machine, joining, refusals, stale buttons, other organisations.

The helpers here (a co-ordinator who has joined, partners at chosen points of a round) are
shared by the other test_coordinator_* scripts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.dialogues.coordinator import Stage, advance, mermaid
from bot.dialogues.coordinator_commands import COMMANDS
from bot.dialogues.engine import Engine
from bot.dialogues.machines import IllegalMove
from bot.dialogues.replies import EventKind
from bot.state.database import SessionFactory
from bot.state.invites import Role
from bot.state.models import (
    AuditEntry,
    Contact,
    Coordinator,
    Invite,
    Journey,
    Organisation,
    Partner,
    Prompt,
    Round,
    utcnow,
)
from tests.chat import Chat, Invites, organisation_with_invites, play

DIAGRAM = Path(__file__).resolve().parent.parent / "bot" / "dialogues" / "coordinator.mmd"


# ---- helpers shared by the co-ordinator scripts ----------------------------------------------


async def coordinator(
    engine: Engine,
    sessions: SessionFactory,
    name: str = "Oak Tree School",
    address: str = "coord-1",
    quiet: bool = False,
) -> tuple[Chat, Invites]:
    """A co-ordinator who has joined a new organisation (quiet hours off unless asked for)."""
    invites = await organisation_with_invites(sessions, name)
    await set_quiet_hours(sessions, name, quiet)
    chat = Chat(engine, address=address, first_name="Alex")
    await play(chat, [(f"/start {invites.coordinator}", "co-ordinator for")])
    return chat, invites


async def set_quiet_hours(sessions: SessionFactory, name: str, quiet_now: bool) -> None:
    """No quiet hours at all, or quiet hours around this very moment, in the organisation's zone."""
    async with sessions() as session, session.begin():
        organisation = await session.scalar(select(Organisation).where(Organisation.name == name))
        assert organisation is not None
        if not quiet_now:
            organisation.quiet_from = organisation.quiet_until = "00:00"
            return
        here = utcnow().astimezone(ZoneInfo(organisation.time_zone))
        organisation.quiet_from = f"{(here - timedelta(hours=1)):%H:%M}"
        organisation.quiet_until = f"{(here + timedelta(hours=2)):%H:%M}"


async def partner(
    engine: Engine,
    token: str,
    address: str,
    *,
    consent: bool = True,
    rate: int = 0,
) -> Chat:
    """A partner who joined with `token`, consented (or not), and rated `rate` statements."""
    chat = Chat(engine, address=address, first_name=f"Name-{address}")
    await chat.send(f"/start {token}")
    if consent:
        await chat.press("Yes")
        for _ in range(rate):
            await chat.send("mostly")
            await chat.press("Skip")
    return chat


async def mark(sessions: SessionFactory, address: str, **values: object) -> None:
    """Change a partner's row directly: finished, unreachable, last reminded …"""
    async with sessions() as session, session.begin():
        partner_id = await session.scalar(
            select(Contact.partner_id).where(Contact.address == address)
        )
        finished = values.pop("finished", False)
        if values:
            await session.execute(update(Partner).where(Partner.id == partner_id).values(**values))
        if finished:
            await session.execute(
                update(Journey).where(Journey.partner_id == partner_id).values(finished_at=utcnow())
            )


async def audit_actions(sessions: SessionFactory) -> list[tuple[str, str, dict[str, object]]]:
    async with sessions() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
        )
        return [(actor, action, dict(detail)) for actor, action, detail in rows]


# ---- the machine -----------------------------------------------------------------------------


def test_the_mermaid_diagram_beside_the_code_is_current() -> None:
    assert DIAGRAM.read_text() == mermaid(), (
        "bot/dialogues/coordinator.mmd is out of date: run "
        "`python -m bot.dialogues.coordinator > bot/dialogues/coordinator.mmd`"
    )


def test_every_stage_is_drawn_and_every_errand_ends_at_idle() -> None:
    text = mermaid()
    for stage in Stage:
        assert f"--> {stage.value}" in text
        if stage is not Stage.IDLE:
            assert advance(stage, "done") is Stage.IDLE
            assert advance(stage, "prompt") is Stage.PROMPT_TEXT  # a command starts afresh


@pytest.mark.parametrize(
    ("stage", "trigger"),
    [(Stage.IDLE, "name_round"), (Stage.IDLE, "done"), (Stage.PROMPT_TEXT, "preview")],
)
def test_an_illegal_move_is_refused(stage: Stage, trigger: str) -> None:
    with pytest.raises(IllegalMove):
        advance(stage, trigger)


# ---- joining, help, words ---------------------------------------------------------------------


async def test_a_coordinator_joins_gets_help_and_is_audited(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    await play(
        chat,
        [
            ("/help", "/newround"),
            ("/start", "co-ordinator for Oak Tree School"),
            ("hello there", "/help"),
            ("/pause", "I don't know /pause"),
            ("/cancel", "nothing to cancel"),
        ],
    )
    assert "/remind" in (await chat.send("/help")).replies[0].text
    async with sessions() as session:
        joined = await session.scalar(select(Coordinator))
    assert joined is not None and joined.state == "idle"


# ---- who may use the co-ordinator's commands --------------------------------------------------


async def test_a_partner_typing_a_coordinator_command_gets_the_ordinary_answer(
    engine: Engine, sessions: SessionFactory
) -> None:
    _, invites = await coordinator(engine, sessions)
    parent = await partner(engine, invites.parent_carer, "p1")
    stranger = Chat(engine, address="nobody")
    for name in sorted(set(COMMANDS) - {"start", "help"}):
        await play(parent, [(f"/{name} 1", f"I don't know /{name}")])
        await play(stranger, [(f"/{name} 1", "you need an invite link")])
    async with sessions() as session:
        assert await session.scalar(select(func.count(Round.id))) == 1
        assert await session.scalar(select(func.count(Invite.id))) == len(Role)
        actions = list(await session.scalars(select(AuditEntry.actor)))
    assert all(not actor.startswith("coordinator:") for actor in actions)


async def test_another_organisations_coordinator_sees_and_touches_nothing_of_ours(
    engine: Engine, sessions: SessionFactory
) -> None:
    ours, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "p1", rate=1)
    await play(
        ours, [("/prompt How was the open evening?", "Who should it go to"), ("[Everyone]", "")]
    )
    await play(ours, [("[No, just collect]", "Everyone (1 right now)"), ("[Send it]", "prompt")])
    theirs, _ = await coordinator(engine, sessions, name="Elm Street Nursery", address="coord-2")
    async with sessions() as session:
        prompt_id = await session.scalar(select(Prompt.id))
        our_invite = await session.scalar(select(func.min(Invite.id)))
    await play(
        theirs,
        [
            (f"/replies {prompt_id}", f"There's no prompt {prompt_id}"),
            ("/prompts", "haven't sent any prompts"),
            ("/status", "Partners who have joined: 0"),
            ("/leads", "Alex (you)"),
        ],
    )
    assert "Oak Tree" not in theirs.said and ours.address not in theirs.said
    assert len([b for row in theirs.keyboard for b in row if "lead" in b.label]) == 1
    # A forged button naming our invite, pressed on their own invite list, changes nothing.
    await play(theirs, [("/invites", "#")])
    step = theirs.keyboard[0][0].data.split(":")[0]
    await theirs.event(EventKind.BUTTON, data=f"{step}:revoke:{our_invite}")
    assert "moved on" in theirs.said
    async with sessions() as session:
        ours_still = await session.get(Invite, our_invite)
    assert ours_still is not None and ours_still.revoked_at is None


# ---- stale buttons and doubled events ---------------------------------------------------------


async def test_a_stale_button_changes_nothing_and_a_redelivered_event_applies_once(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    await play(chat, [("/closeround", "Close")])
    close = chat.button("Close it")
    await play(chat, [("/newround", "call the new round")])
    await chat.event(EventKind.BUTTON, data=close.data)
    assert chat.last.acknowledge == "That has moved on."
    assert "call the new round" in chat.said
    async with sessions() as session:
        assert (
            await session.scalar(select(func.count(Round.id)).where(Round.closed_at.is_(None))) == 1
        )
    # The same transport event twice (a retried webhook) names the round once.
    await chat.send("Summer 2027")
    opening = chat.button("Open it")
    first = await chat.event(EventKind.BUTTON, data=opening.data)
    again = await chat.deliver(chat.events[-1])
    assert not first.duplicate and again.duplicate
    async with sessions() as session:
        assert await session.scalar(select(func.count(Round.id))) == 2


async def test_a_coordinator_who_writes_again_can_be_reached_again(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    async with sessions() as session, session.begin():  # they had blocked the bot a while
        await session.execute(update(Coordinator).values(unreachable_at=utcnow()))
    await play(chat, [("/help", "/status")])
    async with sessions() as session:
        row = await session.scalar(select(Coordinator))
    assert row is not None and row.unreachable_at is None  # progress and alerts reach them


async def invite_uses(sessions: SessionFactory) -> list[int]:
    async with sessions() as session:
        return list(await session.scalars(select(Invite.uses).order_by(Invite.id)))


async def test_a_link_this_account_cannot_use_is_explained_and_changes_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    """One Telegram account is one partner or one co-ordinator, of one organisation, for now:
    a parent tapping a co-ordinator link, or a SENCo tapping a parent link, is told so."""
    chat, invites = await coordinator(engine, sessions)
    elsewhere = await organisation_with_invites(sessions, "Elm Street Nursery")
    parent = Chat(engine, address="parent-1", first_name="Pat")
    await play(parent, [(f"/start {invites.parent_carer}", "Before we start")])
    uses = await invite_uses(sessions)
    await play(
        parent,
        [
            (f"/start {invites.coordinator}", "That link is for co-ordinators"),
            (f"/start {elsewhere.parent_carer}", "That link is for Elm Street Nursery"),
        ],
    )
    assert "Before we start" in parent.said  # and they carry on where they were
    await play(
        chat,
        [
            (f"/start {invites.practitioner}", "That link is for people taking part"),
            (f"/start {elsewhere.coordinator}", "co-ordinators of Elm Street Nursery"),
            (f"/start {invites.coordinator}", "You're a co-ordinator for Oak Tree School"),
        ],
    )
    assert await invite_uses(sessions) == uses  # no link was used up
    async with sessions() as session:
        coordinators = list(await session.scalars(select(Coordinator.address)))
        partners = list(await session.scalars(select(Contact.address)))
    assert coordinators == ["coord-1"] and partners == ["parent-1"]
