"""Rounds: open a new one (closing the last, asking partners back), close one, list them."""

from __future__ import annotations

from bot.dialogues.coordinator_broadcasts import broadcast, going_out
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Button, Reply
from bot.state import coordination
from bot.state.coordination import Reach
from bot.state.models import Round
from bot.state.outbox_schedule import stop_for_round

NAME_LIMIT = 120  # Round.name
# The outbox knows two kinds of broadcast; asking partners back to a new round is a reminder.
ASK_BACK = "reminder"


async def new_round(turn: CoordinatorTurn, argument: str | None) -> None:
    turn.start("new_round")
    name = " ".join((argument or "").split())
    if not name:
        turn.reply(await ask_name(turn))
        return
    await named(turn, name)


async def ask_name(turn: CoordinatorTurn) -> Reply:
    return Reply(turn.text("coordinator.round.ask_name"), turn.cancel_row())


async def named(turn: CoordinatorTurn, name: str) -> None:
    """A name typed or given with /newround: check it, then ask to confirm."""
    name = " ".join(name.split())
    if len(name) > NAME_LIMIT:
        turn.say("coordinator.round.name_too_long", limit=NAME_LIMIT, length=len(name))
    if not name or len(name) > NAME_LIMIT:
        turn.reply(await ask_name(turn))
        return
    turn.move("name_round", name=name)
    turn.reply(await confirm_question(turn))


async def confirm_question(turn: CoordinatorTurn) -> Reply:
    current = await turn.open_round()
    reach = 0
    if current is not None:
        reach = len(
            await coordination.audience(
                turn.session, turn.organisation.id, current.id, Reach.EVERYONE
            )
        )
    closing = (
        turn.text("coordinator.round.closes", current=current.name) if current is not None else ""
    )
    return Reply(
        turn.text(
            "coordinator.round.confirm", name=turn.position["name"], closing=closing, reach=reach
        ),
        (
            (turn.button(turn.text("coordinator.buttons.open_round"), "open"),),
            (turn.button(turn.text("coordinator.buttons.cancel"), "x"),),
        ),
    )


async def open_it(turn: CoordinatorTurn, _: str | None) -> bool:
    name = str(turn.position["name"])
    round_, closed = await coordination.open_new_round(turn.session, turn.organisation.id, name)
    partner_ids = await coordination.audience(
        turn.session, turn.organisation.id, round_.id, Reach.EVERYONE
    )
    invitation = Reply(
        turn.text(
            "coordinator.to_partners.new_round", organisation=turn.organisation.name, round=name
        ),
        (
            (Button(turn.text("coordinator.to_partners.take_part"), "g:continue"),),
            (Button(turn.text("coordinator.to_partners.not_now"), "g:not_now"),),
        ),
    )
    sent = await broadcast(turn, round_.id, ASK_BACK, partner_ids, invitation)
    turn.audit(
        "round.opened",
        round_id=round_.id,
        closed_round_id=closed.id if closed else None,
        partners=len(partner_ids),
    )
    turn.outcome.chosen = turn.text("coordinator.buttons.open_round")
    turn.move("done")
    turn.say("coordinator.round.opened", name=name, sending=going_out(turn, sent, len(partner_ids)))
    if closed is not None:
        await _stop_scheduled(turn, closed.id)
    return True


async def close_round(turn: CoordinatorTurn, _: str | None) -> None:
    current = await turn.open_round()
    if current is None:
        turn.start("cancel")
        turn.say("coordinator.round.none_open")
        return
    turn.start("close_round", round=current.id)
    turn.reply(await close_question(turn))


async def close_question(turn: CoordinatorTurn) -> Reply:
    current = await turn.open_round()
    figures = await coordination.round_figures(
        turn.session, turn.organisation.id, current.id if current else 0
    )
    started = sum(f.started for f in figures.by_role.values())
    return Reply(
        turn.text(
            "coordinator.round.confirm_close",
            name=current.name if current else "",
            started=started,
        ),
        (
            (turn.button(turn.text("coordinator.buttons.close_round"), "close"),),
            (turn.button(turn.text("coordinator.buttons.keep_open"), "x"),),
        ),
    )


async def close_it(turn: CoordinatorTurn, _: str | None) -> bool:
    current = await turn.open_round()
    if current is None or current.id != turn.position.get("round"):
        return False  # closed or replaced by a colleague meanwhile: the question has moved on
    await coordination.close_open_round(turn.session, turn.organisation.id)
    turn.audit("round.closed", round_id=current.id)
    turn.outcome.chosen = turn.text("coordinator.buttons.close_round")
    turn.move("done")
    turn.say("coordinator.round.closed", name=current.name)
    await _stop_scheduled(turn, current.id)
    return True


async def _stop_scheduled(turn: CoordinatorTurn, round_id: int) -> None:
    """What was scheduled for a round that has closed would reach nobody: stop it, and say so."""
    stopped = await stop_for_round(turn.session, turn.organisation.id, round_id)
    if stopped:
        turn.audit("scheduled.stopped", round_id=round_id, sends=stopped, reason="round closed")
        turn.say("coordinator.round.scheduled_stopped", count=stopped)


async def list_rounds(turn: CoordinatorTurn, _: str | None) -> None:
    rounds = await coordination.rounds_of(turn.session, turn.organisation.id)
    if not rounds:
        turn.say("coordinator.round.none")
        return
    lines = [
        turn.text(
            "coordinator.round.line_open" if r.closed_at is None else "coordinator.round.line",
            number=n,
            name=r.name,
            opened=turn.day(r.opened_at),
            closed=turn.day(r.closed_at) if r.closed_at else "",
        )
        for n, r in enumerate(rounds, start=1)
    ]
    turn.say("coordinator.round.list", lines="\n".join(lines))


async def find_round(turn: CoordinatorTurn, argument: str | None) -> Round | None:
    """The round a co-ordinator names by number (from /rounds) or name; else the open one, or
    the newest. Says why when there is no such round, and returns None.
    """
    wanted = " ".join((argument or "").split())
    rounds = await coordination.rounds_of(turn.session, turn.organisation.id)
    if not wanted:
        current = await turn.open_round()
        if current is None and not rounds:
            turn.say("coordinator.round.none")
        return current or (rounds[-1] if rounds else None)
    if wanted.isdigit() and 1 <= int(wanted) <= len(rounds):
        return rounds[int(wanted) - 1]
    for found in reversed(rounds):  # two rounds with one name: the newer
        if found.name.casefold() == wanted.casefold():
            return found
    turn.say("coordinator.round.unknown", wanted=wanted[:40])
    return None
