"""A disclosure is never missed: the partner hears who can help, the leads are alerted."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import EventKind
from bot.export import export
from bot.state.database import SessionFactory
from bot.state.models import (
    AuditEntry,
    Coordinator,
    Evidence,
    Organisation,
    OutboxMessage,
    SafeguardingAlert,
)
from tests.chat import Chat, organisation_with_invites, play


async def test_a_young_persons_disclosure_reaches_the_lead_and_the_journey_carries_on(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    lead = Chat(engine, address="lead")
    other = Chat(engine, address="other-coordinator")
    await lead.send(f"/start {invites.coordinator}")
    await other.send(f"/start {invites.coordinator}")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Coordinator).where(Coordinator.address == "lead").values(safeguarding_lead=True)
        )
        await session.execute(
            update(Organisation).values(safeguarding_contact="Mrs Khan, the pastoral lead")
        )
    child = Chat(engine, address="child")
    await play(
        child,
        [
            (f"/start {invites.young_person}", ""),
            ("yes", "Question 1"),
            ("👎", ""),
            ("my dad hits me when he's angry", "Childline"),
        ],
    )
    assert "0800 1111" in child.said and "Mrs Khan" in child.said
    assert "What does your example show" in child.said  # the journey carries on
    async with sessions() as session:
        alert = await session.scalar(select(SafeguardingAlert))
        evidence = await session.scalar(select(Evidence))
        queued = list(await session.scalars(select(OutboxMessage)))
        audit = list(await session.scalars(select(AuditEntry.action)))
    assert alert is not None and evidence is not None and alert.evidence_id == evidence.id
    assert alert.status == "open" and not alert.released
    lead_id = await _coordinator_id(sessions, "lead")
    assert [(m.coordinator_id, m.purpose) for m in queued] == [(lead_id, "alert")]
    assert "Young person 1" in queued[0].text
    assert "hits" not in queued[0].text  # the words stay out of notifications
    assert "safeguarding.alert" in audit


async def test_with_no_lead_named_every_coordinator_is_alerted(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    for address in ("c1", "c2"):
        await Chat(engine, address=address).send(f"/start {invites.coordinator}")
    parent = Chat(engine, address="parent")
    await play(
        parent,
        [
            (f"/start {invites.parent_carer}", ""),
            ("[Yes]", ""),
            ("my son has talked about ending his life", "Samaritans"),
        ],
    )
    async with sessions() as session:
        alerted = sorted(await session.scalars(select(OutboxMessage.coordinator_id)))
        notes = list(await session.scalars(select(Evidence.purpose)))
    assert len(alerted) == 2
    assert notes == ["note"]


async def test_words_that_only_sound_alarming_raise_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    child = Chat(engine, address="child")
    await play(
        child,
        [
            (f"/start {invites.young_person}", ""),
            ("yes", ""),
            ("[Always]", ""),
            ("this homework is killing me lol but the teachers are dead good", "What does"),
        ],
    )
    assert "Childline" not in child.said
    async with sessions() as session:
        assert await session.scalar(select(SafeguardingAlert)) is None


async def test_before_consent_nothing_is_kept_but_help_is_still_given(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    child = Chat(engine, address="child")
    await play(
        child,
        [(f"/start {invites.young_person}", ""), ("i dont feel safe at home", "Childline")],
    )
    async with sessions() as session:
        assert await session.scalar(select(Evidence)) is None
        assert await session.scalar(select(SafeguardingAlert)) is None


async def _coordinator_id(sessions: SessionFactory, address: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Coordinator.id).where(Coordinator.address == address))
    assert found is not None
    return found


async def test_the_lead_reads_marks_and_releases_an_alert_and_no_one_else_can(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    lead, colleague = Chat(engine, address="lead"), Chat(engine, address="colleague")
    await lead.send(f"/start {invites.coordinator}")
    await colleague.send(f"/start {invites.coordinator}")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Coordinator).where(Coordinator.address == "lead").values(safeguarding_lead=True)
        )
    elsewhere = await organisation_with_invites(sessions, name="Elm Nursery")
    stranger = Chat(engine, address="other-org-coordinator")
    await stranger.send(f"/start {elsewhere.coordinator}")
    child = Chat(engine, address="child")
    await play(
        child,
        [(f"/start {invites.young_person}", ""), ("yes", ""), ("someone touched me", "Childline")],
    )
    async with sessions() as session:
        alert = await session.scalar(select(SafeguardingAlert))
    assert alert is not None
    show = f"sg:{alert.id}:show"

    await lead.send("/alerts")
    assert "Young person 1" in lead.said
    await lead.event(EventKind.BUTTON, data=show)
    assert "someone touched me" in lead.said
    await colleague.event(EventKind.BUTTON, data=show)
    assert colleague.last.acknowledge == "Only the safeguarding leads can see safeguarding alerts."
    assert "touched" not in colleague.said
    await stranger.event(EventKind.BUTTON, data=show)
    assert "touched" not in stranger.said and "moved on" in (stranger.last.acknowledge or "")

    await lead.event(EventKind.BUTTON, data=f"sg:{alert.id}:handled")
    await lead.event(EventKind.BUTTON, data=f"sg:{alert.id}:seen")  # never goes backwards
    await lead.event(EventKind.BUTTON, data=f"sg:{alert.id}:release")
    async with sessions() as session:
        alert = await session.scalar(select(SafeguardingAlert))
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert alert is not None and alert.status == "handled" and alert.released
    assert {"safeguarding.read", "safeguarding.handled", "safeguarding.released"} <= set(actions)
    await lead.send("/alerts")
    assert "no safeguarding alerts waiting" in lead.said


async def test_a_flagged_message_stays_out_of_exports_until_a_lead_releases_it(
    engine: Engine, sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    invites = await organisation_with_invites(sessions)
    child = Chat(engine, address="child")
    await play(
        child,
        [
            (f"/start {invites.young_person}", ""),
            ("yes", ""),
            ("[👍 Always]", ""),
            ("My teacher helps me with reading", ""),
            ("[Done]", ""),
            ("[Move on]", ""),
            ("someone at home hurts me", "Childline"),
        ],
    )
    first = (await export(sessions, content, "Oak Tree School", None, "json", tmp_path)).read_text()
    assert "helps me with reading" in first and "hurts me" not in first
    async with sessions() as session, session.begin():
        await session.execute(update(SafeguardingAlert).values(released=True))
    again = await export(
        sessions, content, "Oak Tree School", None, "json", tmp_path / "later.json"
    )
    assert "hurts me" in again.read_text()
