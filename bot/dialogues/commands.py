"""The commands a partner can use at any point of the journey."""

from __future__ import annotations

from bot.dialogues import steps
from bot.dialogues.reflection import Step, allowed
from bot.dialogues.turn import Turn
from bot.state import answers, invites
from bot.state.invites import Role
from bot.state.models import Invite, Organisation


async def command(turn: Turn, name: str, argument: str | None) -> None:
    handler = COMMANDS.get(name)
    if handler is None:
        turn.say("command.unknown", command=name[:32])
        await steps.ask_again(turn)
        return
    if turn.step is Step.CONSENT and name not in ("help", "privacy", "start", "forget"):
        turn.say("consent.first")
        await steps.ask_again(turn)
        return
    await handler(turn, argument)


async def _not_now(turn: Turn) -> None:
    turn.say("command.not_now")
    await steps.ask_again(turn)


async def _start(turn: Turn, token: str | None) -> None:
    # A partner who taps their invite link again, or /start on a new phone session; or one
    # who taps a link they cannot use from this account (said so, and nothing changes).
    invite = await invites.check_invite(turn.session, token) if token else None
    if isinstance(invite, Invite) and invite.organisation_id != turn.organisation.id:
        other = await turn.session.get(Organisation, invite.organisation_id)
        turn.say(
            "welcome.link_elsewhere",
            other=other.name if other else "",
            organisation=turn.organisation.name,
        )
    elif isinstance(invite, Invite) and invite.role == Role.COORDINATOR:
        turn.say("welcome.link_for_coordinator", organisation=turn.organisation.name)
    if turn.step is Step.PAUSED:
        await steps.come_back(turn)
        return
    turn.say("welcome.back", organisation=turn.organisation.name)
    await steps.ask_again(turn)


async def _pause(turn: Turn, _: str | None) -> None:
    if turn.step is Step.PAUSED:
        turn.say("pause.already")
        return
    if not allowed(turn.step, "pause"):
        await _not_now(turn)
        return
    turn.say("pause.done")
    await steps.step_aside(turn, "pause")


async def _continue(turn: Turn, _: str | None) -> None:
    if turn.step is Step.PAUSED:
        await steps.come_back(turn)
        return
    turn.say("welcome.back_here")
    await steps.ask_again(turn)


async def _back(turn: Turn, _: str | None) -> None:
    if not allowed(turn.step, "back"):
        await _not_now(turn)
        return
    if turn.position.get("answering"):  # back from a prompt's indicators: to where they were
        await steps.come_back(turn)
        return
    if turn.position.get("reviewing"):
        turn.move("reviewed")
        await steps.ask_again(turn)
        return
    statement = turn.statement
    if turn.step is Step.FINISHED:
        target = turn.framework.statements[-1]
    elif turn.step is Step.RATING:
        if statement.position == 0:
            turn.say("back.first")
            await steps.ask_again(turn)
            return
        target = turn.framework.statements[statement.position - 1]
    else:
        target = statement
    turn.move("back", statement_id=target.id)
    await steps.ask_again(turn)


async def _skip(turn: Turn, _: str | None) -> None:
    step = turn.step
    if step in (Step.RATING, Step.EXAMPLE, Step.MORE):
        await steps.next_statement(turn)
    elif step in (Step.INDICATORS, Step.OTHER_STATEMENT):
        await steps.done_with_indicators(turn)
    elif step is Step.PROMPT_REPLY:
        await steps.come_back(turn)
    else:
        turn.say("skip.nothing")
        await steps.ask_again(turn)


async def _progress(turn: Turn, _: str | None) -> None:
    ratings = await answers.ratings_of(turn.session, turn.partner.id, turn.journey.round_id)
    lines = []
    for cornerstone in turn.framework.cornerstones:
        done = sum(1 for s in cornerstone.statements if s.id in ratings)
        lines.append(
            turn.text(
                "progress.line",
                cornerstone=cornerstone.name,
                done=done,
                total=len(cornerstone.statements),
            )
        )
    here = turn.statement
    where = (
        turn.text("progress.finished")
        if turn.step is Step.FINISHED
        else turn.text(
            "progress.here",
            number=here.position + 1,
            cornerstone=turn.framework.cornerstone(here.cornerstone_id).name,
        )
    )
    text = turn.text(
        "progress.summary",
        lines="\n".join(lines),
        where=where,
        answered=len(ratings),
        total=len(turn.framework.statements),
    )
    if allowed(turn.step, "jump"):
        buttons = tuple((turn.button(c.name, "j", c.id),) for c in turn.framework.cornerstones)
        turn.outcome.say(text + "\n\n" + turn.text("progress.jump"), buttons)
    else:
        turn.outcome.say(text)
        await steps.ask_again(turn)


async def _review(turn: Turn, _: str | None) -> None:
    if not allowed(turn.step, "review"):
        await _not_now(turn)
        return
    await steps.step_aside(turn, "review", cornerstone=turn.statement.cornerstone_id)


async def _help(turn: Turn, _: str | None) -> None:
    turn.say("help.text")
    await steps.ask_again(turn)


async def _privacy(turn: Turn, _: str | None) -> None:
    turn.say("consent.more", organisation=turn.organisation.name)
    await steps.ask_again(turn)


async def _forget(turn: Turn, _: str | None) -> None:
    if turn.step is Step.CONSENT:  # nothing of theirs is kept yet: forgetting is saying no
        await steps.decline(turn)
        return
    if turn.step is Step.CONFIRM_FORGET:
        await steps.ask_again(turn)
        return
    await steps.step_aside(turn, "forget")


COMMANDS = {
    "start": _start,
    "pause": _pause,
    "continue": _continue,
    "back": _back,
    "skip": _skip,
    "progress": _progress,
    "review": _review,
    "help": _help,
    "privacy": _privacy,
    "forget": _forget,
}
