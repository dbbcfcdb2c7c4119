"""Sending a prompt or a reminder later: when, in the co-ordinator's words; /scheduled to stop one.

From a prompt's preview ("Send it later") or a reminder's group ("Remind them later instead"),
the co-ordinator types when ("Monday 9am", "25/11 14:00", "in 2 hours": see `typed_times`),
reads it back in plain words ("Monday 30 November at 09:00"), and confirms. The send is then
held in the outbox (`bot.state.outbox_schedule`) and goes, at that time, to whoever is in the
chosen group by then, so the count shown now is only today's. A time inside quiet hours is
moved to their end, and the co-ordinator is told so before confirming. A time that cannot be
read, has passed, or is too far ahead changes nothing: they are told why and asked again, and
the prompt's words are kept. /scheduled lists what is waiting, with a button to stop each.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from bot.dialogues.coordinator_prompts import (
    REACH_KEYS,
    for_partners,
    preview,
    reach_and_tie,
    store_prompt,
)
from bot.dialogues.coordinator_remind import WHO_CAN_BE_REMINDED, ask_who, nudge
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Button, Reply
from bot.dialogues.typed_times import FURTHEST, NotATime, Problem, read_when
from bot.state import coordination, outbox_schedule
from bot.state.coordination import Reach
from bot.state.outbox import next_sending_time
from bot.state.outbox_schedule import ScheduledSend, Stopping

PROMPT, REMINDER = "prompt", "reminder"  # what is being scheduled: position["what"]
EXCERPT = 120  # characters of a prompt's words in a confirmation or a list
TYPED = 40  # characters of a mistyped time said back
LISTED = 20  # scheduled sends with a stop button; more are rare


# ---- into the errand: from a prompt's preview, or a reminder's group --------------------------


async def prompt_later(turn: CoordinatorTurn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("coordinator.buttons.send_later")
    turn.move("schedule", what=PROMPT)
    turn.reply(await ask_when(turn))
    return True


async def reminder_later(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {r.value for r in WHO_CAN_BE_REMINDED}:
        return False
    turn.outcome.chosen = turn.text(REACH_KEYS[Reach(argument)])
    turn.move("schedule", what=REMINDER, audience=argument)
    turn.reply(await ask_when(turn))
    return True


async def ask_when(turn: CoordinatorTurn) -> Reply:
    back = (turn.button(turn.text("coordinator.buttons.previous"), "back"),)
    return Reply(
        turn.text("coordinator.schedule.ask", days=FURTHEST.days), (back, *turn.cancel_row())
    )


async def back(turn: CoordinatorTurn, _: str | None) -> bool:
    """Back to where "later" was chosen, with everything written so far."""
    turn.outcome.chosen = turn.text("coordinator.buttons.previous")
    if turn.position.get("what") == PROMPT:
        turn.move("back_to_preview", what=None)
        turn.reply(await preview(turn))
    else:
        turn.move("back_to_remind", what=None, audience=None)
        turn.reply(await ask_who(turn))
    return True


# ---- when: typed, read back, confirmed ------------------------------------------------------


async def typed(turn: CoordinatorTurn, text: str) -> None:
    """A time typed at SCHEDULE_WHEN: read back to confirm, or why not and ask again."""
    try:
        at = read_when(text, turn.now(), turn.zone())
    except NotATime as error:
        _say_why_not(turn, error, text)
        turn.reply(await ask_when(turn))
        return
    turn.move("choose_time", at=at.isoformat())
    turn.reply(await confirm_question(turn))


async def retyped(turn: CoordinatorTurn, text: str) -> None:
    """Another time typed while the last waits to be confirmed: a change of mind, taken as
    if they had pressed "Change the time" first."""
    turn.move("change_time", at=None)
    await typed(turn, text)


def _say_why_not(turn: CoordinatorTurn, error: NotATime, typed: str) -> None:
    said = _cut(typed, TYPED)
    problem = error.problem
    if problem is Problem.UNREADABLE:
        turn.say("coordinator.schedule.unreadable", typed=said)
    elif problem is Problem.WHICH_HOUR and error.hour is not None:
        turn.say("coordinator.schedule.which_hour", hour=error.hour, typed=said)
    elif problem is Problem.NO_TIME:
        turn.say("coordinator.schedule.no_time", typed=said)
    elif problem is Problem.NO_SUCH_DATE:
        turn.say("coordinator.schedule.no_such_date", typed=said)
    elif problem is Problem.WRONG_WEEKDAY and error.at is not None:
        turn.say(
            "coordinator.schedule.wrong_weekday",
            date=turn.day(error.at),
            actual=calendar.day_name[error.at.astimezone(turn.zone()).weekday()],
            said=calendar.day_name[error.weekday or 0],
        )
    elif problem is Problem.PAST and error.at is not None:
        turn.say("coordinator.schedule.past", moment=turn.moment(error.at))
    elif problem is Problem.TOO_FAR:
        turn.say(
            "coordinator.schedule.too_far",
            days=FURTHEST.days,
            latest=turn.day(turn.now() + FURTHEST),
        )
    else:
        turn.say("coordinator.schedule.empty")


async def confirm_question(turn: CoordinatorTurn) -> Reply:
    position = turn.position
    asked = datetime.fromisoformat(position["at"])
    goes = next_sending_time(turn.organisation, asked)
    parts = [
        turn.text("coordinator.schedule.goes", moment=turn.moment(goes))
        if goes == asked
        else turn.text(
            "coordinator.schedule.goes_after_quiet",
            asked=turn.moment(asked),
            start=turn.organisation.quiet_from,
            end=turn.organisation.quiet_until,
            moment=turn.moment(goes),
        ),
        await _what(turn, goes),
        turn.text("coordinator.schedule.confirm"),
    ]
    return Reply(
        "\n\n".join(part for part in parts if part),
        (
            (turn.button(turn.text("coordinator.buttons.schedule"), "ok"),),
            (turn.button(turn.text("coordinator.buttons.change_time"), "time"),),
            *turn.cancel_row(),
        ),
    )


async def _what(turn: CoordinatorTurn, goes: datetime) -> str:
    """What will go, to whom (and how many that would be now, which may change by then)."""
    position = turn.position
    if position["what"] == PROMPT:
        reach, count, tied = await reach_and_tie(turn)
        return turn.text(
            "coordinator.schedule.what_prompt",
            excerpt=_cut(position["text"], EXCERPT),
            who=turn.text(REACH_KEYS[reach]),
            count=count,
            tied=tied,
        )
    reach = Reach(position["audience"])
    current = await turn.open_round()
    spacing = coordination.reminder_spacing(turn.organisation)
    due = 0
    if current is not None:
        found = await coordination.due_for_reminder(
            turn.session, turn.organisation.id, current.id, reach, spacing, now=turn.now()
        )
        due = len(found.due)
    what = turn.text(
        "coordinator.schedule.what_reminder",
        who=turn.text(REACH_KEYS[reach]),
        count=due,
        days=spacing.days,
    )
    near = [
        send
        for send in await outbox_schedule.scheduled_sends(turn.session, turn.organisation.id)
        if send.kind == REMINDER and abs(send.at - goes) < spacing
    ]
    if not near:
        return what
    other = turn.text(
        "coordinator.schedule.other_reminder", moment=turn.moment(near[0].at), days=spacing.days
    )
    return f"{what}\n\n{other}"


async def change_time(turn: CoordinatorTurn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("coordinator.buttons.change_time")
    turn.move("change_time", at=None)
    turn.reply(await ask_when(turn))
    return True


async def schedule_it(turn: CoordinatorTurn, _: str | None) -> bool:
    position = turn.position
    current = await turn.open_round()
    if current is None:
        turn.move("done")
        turn.say("coordinator.round.none_open")
        return True
    at = datetime.fromisoformat(position["at"])
    if at <= turn.now():
        turn.say("coordinator.schedule.passed_meanwhile")
        turn.move("change_time", at=None)
        turn.reply(await ask_when(turn))
        return True
    turn.outcome.chosen = turn.text("coordinator.buttons.schedule")
    reach = Reach(position["audience"])
    if position["what"] == PROMPT:
        stored = await store_prompt(turn, current.id)
        held = await outbox_schedule.schedule_broadcast(
            turn.session,
            organisation=turn.organisation,
            round_id=current.id,
            kind=PROMPT,
            audience=reach,
            coordinator_id=turn.coordinator.id,
            reply=for_partners(turn, stored.text, stored.id),
            at=at,
            prompt_id=stored.id,
            now=turn.now(),
        )
        turn.audit(
            "prompt.scheduled",
            prompt_id=stored.id,
            broadcast_id=held.id,
            audience=reach.value,
            statement_id=stored.statement_id,
            scheduled_for=held.scheduled_for.isoformat(),
        )
        turn.move("done")
        turn.say(
            "coordinator.schedule.scheduled_prompt",
            number=stored.id,
            moment=turn.moment(held.scheduled_for),
            who=turn.text(REACH_KEYS[reach]),
        )
        return True
    held = await outbox_schedule.schedule_broadcast(
        turn.session,
        organisation=turn.organisation,
        round_id=current.id,
        kind=REMINDER,
        audience=reach,
        coordinator_id=turn.coordinator.id,
        reply=nudge(turn),
        at=at,
        now=turn.now(),
    )
    turn.audit(
        "reminder.scheduled",
        broadcast_id=held.id,
        audience=reach.value,
        scheduled_for=held.scheduled_for.isoformat(),
    )
    turn.move("done")
    turn.say(
        "coordinator.schedule.scheduled_reminder",
        moment=turn.moment(held.scheduled_for),
        who=turn.text(REACH_KEYS[reach]),
    )
    return True


# ---- /scheduled: what is waiting, to stop one ------------------------------------------------


async def list_scheduled(turn: CoordinatorTurn, _: str | None) -> None:
    if not await outbox_schedule.scheduled_sends(turn.session, turn.organisation.id):
        turn.say("coordinator.scheduled.none")
        return
    turn.start("list_scheduled")
    turn.reply(await scheduled_question(turn))


async def scheduled_question(turn: CoordinatorTurn) -> Reply:
    sends = (await outbox_schedule.scheduled_sends(turn.session, turn.organisation.id))[:LISTED]
    if not sends:
        return Reply(turn.text("coordinator.scheduled.none"))
    stops = tuple((_stop_button(turn, send),) for send in sends)
    done: tuple[Button, ...] = (turn.button(turn.text("coordinator.buttons.done"), "x"),)
    lines = "\n\n".join(_line(turn, send) for send in sends)
    return Reply(turn.text("coordinator.scheduled.list", lines=lines), (*stops, done))


def _line(turn: CoordinatorTurn, send: ScheduledSend) -> str:
    who = turn.text(REACH_KEYS[send.audience])
    if send.kind == PROMPT:
        return turn.text(
            "coordinator.scheduled.line_prompt",
            when=turn.local(send.at),
            number=send.prompt_id,
            who=who,
            excerpt=_cut(send.question or "", EXCERPT),
        )
    return turn.text("coordinator.scheduled.line_reminder", when=turn.local(send.at), who=who)


def _stop_button(turn: CoordinatorTurn, send: ScheduledSend) -> Button:
    label = (
        turn.text(
            "coordinator.buttons.stop_prompt", number=send.prompt_id, when=turn.local(send.at)
        )
        if send.kind == PROMPT
        else turn.text("coordinator.buttons.stop_reminder", when=turn.local(send.at))
    )
    return turn.button(label, "stop", send.broadcast_id)


async def stop(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    stopped = await outbox_schedule.stop_scheduled(
        turn.session, turn.organisation.id, int(argument)
    )
    send = stopped.send
    if stopped.result is Stopping.UNKNOWN or send is None:
        return False  # another organisation's, or stopped already: the list is shown again
    if stopped.result is Stopping.STARTED:
        turn.audit("scheduled.stop_refused", broadcast_id=send.broadcast_id, kind=send.kind)
        turn.say("coordinator.scheduled.started")
    else:
        turn.audit(
            "scheduled.stopped",
            broadcast_id=send.broadcast_id,
            kind=send.kind,
            prompt_id=send.prompt_id,
        )
        if send.kind == PROMPT:
            turn.say(
                "coordinator.scheduled.stopped_prompt",
                number=send.prompt_id,
                moment=turn.moment(send.at),
                question=send.question or "",
            )
        else:
            turn.say("coordinator.scheduled.stopped_reminder", moment=turn.moment(send.at))
    if not await outbox_schedule.scheduled_sends(turn.session, turn.organisation.id):
        turn.move("done")
    turn.outcome.update_source = await scheduled_question(turn)
    return True


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
