"""Safeguarding alerts in a co-ordinator's chat: read the words, mark seen or handled, release.

The alert that reaches a lead's phone holds no partner words (a lock screen shows it); tapping
"Show message" reads them from the evidence, so they stay wherever the partner's words are and
vanish with /forget. Alert buttons work at any stage of the co-ordinator's conversation.
Who may act: the organisation's safeguarding leads, or every co-ordinator when none is named.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.keeping import ALERT_BUTTONS
from bot.dialogues.replies import Button, Reply
from bot.state import coordination
from bot.state.models import Evidence, Partner, SafeguardingAlert, utcnow
from bot.state.retention import pseudonym

STATUS_ORDER = {"open": 0, "seen": 1, "handled": 2}


async def press(turn: CoordinatorTurn, data: str) -> bool:
    """`sg:<alert>:<action>`; False for an alert of another organisation, or nonsense."""
    _, _, rest = data.partition(":")
    alert_id, _, action = rest.partition(":")
    if not alert_id.isdigit() or action not in ("show", "seen", "handled", "release"):
        return False
    alert = await turn.session.get(SafeguardingAlert, int(alert_id))
    if alert is None or alert.organisation_id != turn.organisation.id:
        return False
    if not await may_act(turn):
        turn.outcome.acknowledge = turn.text("coordinator.alerts.leads_only")
        return True
    if action == "show":
        turn.reply(await shown(turn, alert))
        turn.audit("safeguarding.read", alert=alert.id)
        return True
    if action == "release":
        alert.released = True
        turn.audit("safeguarding.released", alert=alert.id)
        turn.outcome.acknowledge = turn.text("coordinator.alerts.released")
        return True
    if STATUS_ORDER[action] > STATUS_ORDER[alert.status]:
        alert.status = action
        alert.handled_by = turn.coordinator.id
        alert.handled_at = utcnow()
    turn.audit(f"safeguarding.{action}", alert=alert.id)
    turn.outcome.acknowledge = turn.text(
        "coordinator.alerts.marked_seen"
        if action == "seen"
        else "coordinator.alerts.marked_handled"
    )
    return True


async def may_act(turn: CoordinatorTurn) -> bool:
    if turn.coordinator.safeguarding_lead:
        return True
    colleagues = await coordination.coordinators_of(turn.session, turn.organisation.id)
    return not any(c.safeguarding_lead for c in colleagues)


async def shown(turn: CoordinatorTurn, alert: SafeguardingAlert) -> Reply:
    evidence = await turn.session.get(Evidence, alert.evidence_id)
    partner = await turn.session.get(Partner, alert.partner_id)
    assert evidence is not None and partner is not None  # both cascade with the alert
    words = evidence.text or turn.text("coordinator.alerts.no_words", kind=evidence.kind)
    return Reply(
        turn.text(
            "coordinator.alerts.message",
            name=pseudonym(partner.role, partner.number),
            when=turn.local(evidence.created_at),
            category=alert.category.replace("_", " "),
            status=alert.status,
            words=words,
        ),
        buttons(turn, alert),
    )


def buttons(turn: CoordinatorTurn, alert: SafeguardingAlert) -> tuple[tuple[Button, ...], ...]:
    def button(key: str, action: str) -> Button:
        return Button(turn.text(key), f"{ALERT_BUTTONS}:{alert.id}:{action}")

    return (
        (
            button("coordinator.alerts.seen", "seen"),
            button("coordinator.alerts.handled", "handled"),
        ),
        (button("coordinator.alerts.release", "release"),),
    )


async def list_alerts(turn: CoordinatorTurn, _: str | None) -> None:
    """/alerts: the alerts not yet handled, newest first, each with a button to read it."""
    if not await may_act(turn):
        turn.say("coordinator.alerts.leads_only")
        return
    rows = list(
        await turn.session.execute(
            select(SafeguardingAlert, Partner.role, Partner.number)
            .join(Partner, Partner.id == SafeguardingAlert.partner_id)
            .where(
                SafeguardingAlert.organisation_id == turn.organisation.id,
                SafeguardingAlert.status != "handled",
            )
            .order_by(SafeguardingAlert.id.desc())
            .limit(20)
        )
    )
    if not rows:
        turn.say("coordinator.alerts.none")
        return
    lines = "\n".join(
        turn.text(
            "coordinator.alerts.line",
            name=pseudonym(role, number),
            when=turn.local(alert.created_at),
            status=alert.status,
        )
        for alert, role, number in rows
    )
    keyboard = tuple(
        (
            Button(
                turn.text("coordinator.alerts.read", name=pseudonym(role, number)),
                f"{ALERT_BUTTONS}:{alert.id}:show",
            ),
        )
        for alert, role, number in rows
    )
    turn.reply(Reply(turn.text("coordinator.alerts.list", lines=lines), keyboard))
