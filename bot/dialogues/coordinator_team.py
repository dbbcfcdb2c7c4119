"""The organisation's own people: safeguarding leads among the co-ordinators, and whom partners
are told to contact when something is not all right."""

from __future__ import annotations

from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Reply
from bot.state import coordination
from bot.state.models import Coordinator

CONTACT_LIMIT = 300  # Organisation.safeguarding_contact


async def leads(turn: CoordinatorTurn, _: str | None) -> None:
    turn.start("list_leads")
    turn.reply(await leads_question(turn))


async def leads_question(turn: CoordinatorTurn) -> Reply:
    colleagues = await coordination.coordinators_of(turn.session, turn.organisation.id)
    lines = [
        turn.text(
            "coordinator.leads.line_lead" if c.safeguarding_lead else "coordinator.leads.line",
            name=_name(turn, c),
        )
        for c in colleagues
    ]
    rows = tuple(
        (
            turn.button(
                turn.text(
                    "coordinator.buttons.unmake_lead"
                    if c.safeguarding_lead
                    else "coordinator.buttons.make_lead",
                    name=_name(turn, c),
                ),
                "lead",
                c.id,
            ),
        )
        for c in colleagues
    )
    done = (turn.button(turn.text("coordinator.buttons.done"), "x"),)
    return Reply(turn.text("coordinator.leads.list", lines="\n".join(lines)), (*rows, done))


def _name(turn: CoordinatorTurn, colleague: Coordinator) -> str:
    name = colleague.first_name or turn.text("coordinator.leads.unnamed", number=colleague.id)
    if colleague.id == turn.coordinator.id:
        return turn.text("coordinator.leads.you", name=name)
    return name


async def toggle(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    now_lead = await coordination.toggle_lead(turn.session, turn.organisation.id, int(argument))
    if now_lead is None:
        return False  # not a colleague in this organisation
    turn.audit("lead.added" if now_lead else "lead.removed", coordinator_id=int(argument))
    turn.outcome.acknowledge = turn.text(
        "coordinator.leads.added" if now_lead else "coordinator.leads.removed"
    )
    turn.outcome.update_source = await leads_question(turn)
    return True


async def safeguarding(turn: CoordinatorTurn, argument: str | None) -> None:
    contact = " ".join((argument or "").split())
    if not contact:
        current = turn.organisation.safeguarding_contact
        if current:
            turn.say("coordinator.safeguarding.current", contact=current)
        else:
            turn.say("coordinator.safeguarding.unset")
        return
    if len(contact) > CONTACT_LIMIT:
        turn.say("coordinator.safeguarding.too_long", length=len(contact), limit=CONTACT_LIMIT)
        return
    turn.organisation.safeguarding_contact = contact
    turn.audit("safeguarding.contact_set")
    turn.say("coordinator.safeguarding.set", contact=contact)
