"""/remind: a gentle nudge to those who have not finished (or not started), never too often.

Each partner gets at most one reminder every `Organisation.reminder_every_days`, whoever sends
it; `Partner.last_reminded_at` is set as the reminder is queued. The button takes them back to
exactly where they were.
"""

from __future__ import annotations

from datetime import timedelta

from bot.dialogues.coordinator_broadcasts import broadcast, going_out
from bot.dialogues.coordinator_prompts import REACH_KEYS
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Button, Reply
from bot.state import coordination
from bot.state.coordination import Reach
from bot.state.models import utcnow

WHO_CAN_BE_REMINDED = (Reach.NOT_FINISHED, Reach.NOT_STARTED)


async def remind(turn: CoordinatorTurn, _: str | None) -> None:
    if await turn.open_round() is None:
        turn.start("cancel")
        turn.say("coordinator.round.none_open")
        return
    turn.start("remind")
    turn.reply(await ask_who(turn))


def _spacing(turn: CoordinatorTurn) -> timedelta:
    return timedelta(days=max(1, turn.organisation.reminder_every_days))


async def ask_who(turn: CoordinatorTurn) -> Reply:
    current = await turn.open_round()
    rows: list[tuple[Button, ...]] = []
    for reach in WHO_CAN_BE_REMINDED:
        due = 0
        if current is not None:
            found = await coordination.due_for_reminder(
                turn.session, turn.organisation.id, current.id, reach, _spacing(turn)
            )
            due = len(found.due)
        label = turn.text("coordinator.buttons.reach", who=turn.text(REACH_KEYS[reach]), count=due)
        rows.append((turn.button(label, "who", reach.value),))
    return Reply(
        turn.text("coordinator.remind.ask", days=_spacing(turn).days),
        (*rows, *turn.cancel_row()),
    )


async def send(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {r.value for r in WHO_CAN_BE_REMINDED}:
        return False
    reach = Reach(argument)
    current = await turn.open_round()
    turn.outcome.chosen = turn.text(REACH_KEYS[reach])
    turn.move("done")
    if current is None:
        turn.say("coordinator.round.none_open")
        return True
    found = await coordination.due_for_reminder(
        turn.session, turn.organisation.id, current.id, reach, _spacing(turn)
    )
    if not found.due:
        turn.say("coordinator.remind.nobody", spaced=found.spaced, days=_spacing(turn).days)
        return True
    nudge = Reply(
        turn.text("coordinator.to_partners.reminder", organisation=turn.organisation.name),
        ((Button(turn.text("coordinator.to_partners.continue"), "g:continue"),),),
    )
    sent = await broadcast(turn, current.id, "reminder", found.due, nudge)
    await coordination.mark_reminded(turn.session, found.due, utcnow())
    turn.audit("reminder.sent", audience=reach.value, partners=len(found.due), spaced=found.spaced)
    turn.outcome.say(going_out(turn, sent, len(found.due)))
    if found.spaced:
        turn.say("coordinator.remind.spaced", spaced=found.spaced, days=_spacing(turn).days)
    return True
