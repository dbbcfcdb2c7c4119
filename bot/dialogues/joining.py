"""People the bot does not know yet: an invite link joins them; without one, nothing is kept."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.dialogues import questions
from bot.dialogues.reflection import Step
from bot.dialogues.replies import Event, EventKind, Outcome
from bot.dialogues.turn import Turn
from bot.state import invites, partners
from bot.state.invites import InviteProblem, Role
from bot.state.models import AuditEntry, Coordinator, Journey, Organisation
from bot.state.organisations import open_round


async def stranger(session: AsyncSession, content: Content, event: Event) -> Outcome:
    outcome = Outcome()
    messages = content.messages
    token = (event.text or "").strip()
    if not (event.kind is EventKind.COMMAND and event.command == "start" and token):
        outcome.say(messages.text("join.need_link"))
        return outcome
    found = await invites.check_invite(session, token)
    if found is InviteProblem.EXPIRED:
        outcome.say(messages.text("join.expired"))
        return outcome
    if found is InviteProblem.REVOKED or found is InviteProblem.USED_UP:
        outcome.say(messages.text("join.no_longer"))
        return outcome
    if isinstance(found, InviteProblem):
        outcome.say(messages.text("join.unknown"))
        return outcome
    organisation = await session.get(Organisation, found.organisation_id)
    assert organisation is not None  # invites cascade with their organisation
    if found.role == Role.COORDINATOR:
        await invites.use_invite(session, found)
        session.add(
            Coordinator(
                organisation_id=organisation.id,
                transport=event.transport,
                address=event.chat,
                first_name=(event.first_name or "")[:64] or None,
            )
        )
        session.add(
            AuditEntry(
                organisation_id=organisation.id, actor="coordinator", action="coordinator.joined"
            )
        )
        outcome.say(messages.text("coordinator.welcome", organisation=organisation.name))
        outcome.coordinator_menu = True
        return outcome
    round_ = await open_round(session, organisation.id)
    if round_ is None:
        outcome.say(messages.text("join.no_round", organisation=organisation.name))
        return outcome
    partner = await partners.add_partner(
        session, organisation.id, found.role, event.transport, event.chat, event.first_name
    )
    journey = Journey(
        partner_id=partner.id,
        round_id=round_.id,
        state=Step.CONSENT.value,
        position={"invite": found.id},
    )
    session.add(journey)
    await session.flush()
    await partners.already_applied(
        session, partner.id, event.transport, event.event_id, event.kind.value
    )
    turn = Turn(
        session=session,
        content=content,
        framework=content.framework_for(organisation.slug),
        organisation=organisation,
        partner=partner,
        journey=journey,
        event=event,
        outcome=outcome,
    )
    turn.say("welcome.hello", organisation=organisation.name, name=event.first_name or "")
    outcome.replies.append(questions.consent_question(turn))
    return outcome
