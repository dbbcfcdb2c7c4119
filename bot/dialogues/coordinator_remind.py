"""/remind: a gentle nudge to those who have not finished (or not started), never too often.

Each partner gets at most one reminder every `Organisation.reminder_every_days`, whoever sends
it; `Partner.last_reminded_at` is set as the reminder is queued. The button takes them back to
exactly where they were. "Remind them later instead" picks the group, then a time
(`coordinator_schedule`): the group is then looked at, and the spacing applied, when it goes.
"""

from __future__ import annotations

from bot.dialogues.coordinator_broadcasts import broadcast, going_out
from bot.dialogues.coordinator_prompts import REACH_KEYS
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Button, Reply
from bot.state import coordination
from bot.state.coordination import Reach

WHO_CAN_BE_REMINDED = (Reach.NOT_FINISHED, Reach.NOT_STARTED)


async def remind(turn: CoordinatorTurn, _: str | None) -> None:
    if await turn.open_round() is None:
        turn.start("cancel")
        turn.say("coordinator.round.none_open")
        return
    turn.start("remind")
    turn.reply(await ask_who(turn))


async def ask_who(turn: CoordinatorTurn) -> Reply:
    current = await turn.open_round()
    spacing = coordination.reminder_spacing(turn.organisation)
    later = bool(turn.position.get("later"))
    rows: list[tuple[Button, ...]] = []
    for reach in WHO_CAN_BE_REMINDED:
        due = 0
        if current is not None:
            found = await coordination.due_for_reminder(
                turn.session, turn.organisation.id, current.id, reach, spacing, now=turn.now()
            )
            due = len(found.due)
        label = turn.text("coordinator.buttons.reach", who=turn.text(REACH_KEYS[reach]), count=due)
        # For later, the group leads to the time (coordinator_schedule), not to sending.
        rows.append((turn.button(label, "when" if later else "who", reach.value),))
    if later:
        return Reply(
            turn.text("coordinator.remind.ask_later", days=spacing.days),
            (*rows, *turn.cancel_row()),
        )
    instead = (turn.button(turn.text("coordinator.buttons.remind_later"), "later"),)
    return Reply(
        turn.text("coordinator.remind.ask", days=spacing.days),
        (*rows, instead, *turn.cancel_row()),
    )


async def later(turn: CoordinatorTurn, _: str | None) -> bool:
    """Choose the group for a reminder sent later; the time is asked next."""
    turn.reposition(later=True)
    turn.outcome.update_source = await ask_who(turn)
    return True


def nudge(turn: CoordinatorTurn) -> Reply:
    """The reminder partners get."""
    return Reply(
        turn.text("coordinator.to_partners.reminder", organisation=turn.organisation.name),
        ((Button(turn.text("coordinator.to_partners.continue"), "g:continue"),),),
    )


async def send(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {r.value for r in WHO_CAN_BE_REMINDED}:
        return False
    reach = Reach(argument)
    turn.outcome.chosen = turn.text(REACH_KEYS[reach])
    current = await turn.open_round()
    turn.move("done")
    if current is None:
        turn.say("coordinator.round.none_open")
        return True
    spacing = coordination.reminder_spacing(turn.organisation)
    found = await coordination.due_for_reminder(
        turn.session, turn.organisation.id, current.id, reach, spacing, now=turn.now()
    )
    if not found.due:
        turn.say("coordinator.remind.nobody", spaced=found.spaced, days=spacing.days)
        return True
    sent = await broadcast(
        turn, current.id, "reminder", found.due, nudge(turn), audience=reach.value
    )
    await coordination.mark_reminded(turn.session, found.due, turn.now())
    turn.audit("reminder.sent", audience=reach.value, partners=len(found.due), spaced=found.spaced)
    turn.outcome.say(going_out(turn, sent, len(found.due)))
    if found.spaced:
        turn.say("coordinator.remind.spaced", spaced=found.spaced, days=spacing.days)
    return True
