"""Keeping what a partner says, and noticing when it tells of someone not being safe.

Every word a partner sends is stored through `keep`, so every one passes the safeguarding
check. On a match the partner is answered at once with who can help, and the organisation's
safeguarding leads (every co-ordinator, if none is named) are alerted through the outbox.
The alert names the partner only by pseudonym and holds none of their words: a lead reads
them in the chat, and they go wherever the partner's words go, /forget included.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.dialogues.replies import Button, Reply
from bot.dialogues.turn import Turn
from bot.state import answers, outbox
from bot.state.answers import Said
from bot.state.models import AuditEntry, Coordinator, Evidence, SafeguardingAlert
from bot.state.retention import pseudonym

log = logging.getLogger(__name__)
ALERT_BUTTONS = "sg"  # "sg:<alert id>:show|seen|handled|release", for the co-ordinators' chat


async def keep(
    turn: Turn,
    statement_id: str | None,
    purpose: str,
    said: Said,
    *,
    prompt_id: int | None = None,
) -> Evidence:
    evidence = await answers.keep(
        turn.session,
        turn.partner.id,
        turn.journey.round_id,
        statement_id,
        purpose,
        said,
        prompt_id=prompt_id,
    )
    if said.text and turn.content.safeguarding.check(said.text) is not None:
        await raise_alert(turn, evidence, said.text)
    return evidence


def support(turn: Turn) -> None:
    """Tell the partner, calmly, who can help now; the journey carries on if they want."""
    lines = "\n".join(
        f"• {line.name}: {line.number}. {line.when}"
        for line in turn.content.safeguarding.help_for(turn.audience)
    )
    organisation = turn.organisation.name
    contact = turn.organisation.safeguarding_contact
    turn.say(
        "safeguarding.support",
        organisation=organisation,
        contact=(
            turn.text("safeguarding.contact", organisation=organisation, contact=contact)
            if contact
            else ""
        ),
        lines=lines,
    )


async def raise_alert(turn: Turn, evidence: Evidence, text: str) -> None:
    match = turn.content.safeguarding.check(text)
    assert match is not None
    alert = SafeguardingAlert(
        organisation_id=turn.organisation.id,
        partner_id=turn.partner.id,
        evidence_id=evidence.id,
        category=match.category,
    )
    turn.session.add(alert)
    await turn.session.flush()
    turn.session.add(
        AuditEntry(
            organisation_id=turn.organisation.id,
            actor="safeguarding",
            action="safeguarding.alert",
            detail={"alert": alert.id, "category": match.category},
        )
    )
    support(turn)
    leads = await _who_to_alert(turn)
    name = pseudonym(turn.partner.role, turn.partner.number)
    messages = turn.content.messages
    reply = Reply(
        messages.text("safeguarding.alert", name=name, category=match.category.replace("_", " ")),
        (
            (Button(messages.text("safeguarding.show"), f"{ALERT_BUTTONS}:{alert.id}:show"),),
            (
                Button(messages.text("safeguarding.seen"), f"{ALERT_BUTTONS}:{alert.id}:seen"),
                Button(
                    messages.text("safeguarding.handled"), f"{ALERT_BUTTONS}:{alert.id}:handled"
                ),
            ),
        ),
    )
    await outbox.enqueue_alert(
        turn.session, organisation_id=turn.organisation.id, coordinator_ids=leads, reply=reply
    )
    log.warning("safeguarding alert raised", extra={"alert": alert.id, "leads": len(leads)})


async def _who_to_alert(turn: Turn) -> list[int]:
    rows = list(
        await turn.session.execute(
            select(Coordinator.id, Coordinator.safeguarding_lead).where(
                Coordinator.organisation_id == turn.organisation.id
            )
        )
    )
    leads = [coordinator_id for coordinator_id, lead in rows if lead]
    return leads or [coordinator_id for coordinator_id, _ in rows]


def check_before_consent(turn: Turn, text: str) -> None:
    """Words sent before consenting are not kept, but a child at risk still hears who can help."""
    if turn.content.safeguarding.check(text) is not None:
        support(turn)
