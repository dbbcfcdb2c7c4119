"""A co-ordinator's chat: each command, button and message routed to the errand it belongs to.

Only people with a `Coordinator` row reach this module (the engine sends everyone else to the
partner journey or to joining), and everything here acts on that row's organisation alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.dialogues import (
    coordinator_alerts,
    coordinator_export,
    coordinator_invites,
    coordinator_prompts,
    coordinator_remind,
    coordinator_replies,
    coordinator_rounds,
    coordinator_schedule,
    coordinator_status,
    coordinator_team,
    coordinator_tying,
)
from bot.dialogues.coordinator import Stage
from bot.dialogues.coordinator_turn import AfterCommit, CoordinatorTurn, InviteLink
from bot.dialogues.keeping import ALERT_BUTTONS
from bot.dialogues.replies import Event, EventKind, Outcome, Reply
from bot.state import coordination, invites, partners
from bot.state.invites import Role
from bot.state.models import Coordinator, Invite, Organisation, utcnow

Command = Callable[[CoordinatorTurn, str | None], Awaitable[None]]
Press = Callable[[CoordinatorTurn, str | None], Awaitable[bool]]
Question = Callable[[CoordinatorTurn], Awaitable[Reply]]


async def serve(
    session: AsyncSession,
    content: Content,
    coordinator: Coordinator,
    event: Event,
    invite_link: InviteLink,
    after_commit: list[AfterCommit],
    clock: Callable[[], datetime] = utcnow,
) -> Outcome:
    """One event from a co-ordinator, applied once, in order with their others."""
    locked = await coordination.lock_coordinator(session, coordinator.id)
    organisation = await session.get(Organisation, coordinator.organisation_id)
    assert locked is not None and organisation is not None  # found in this transaction
    if await partners.already_applied(
        session, None, event.transport, event.event_id, event.kind.value, coordinator_id=locked.id
    ):
        return Outcome(duplicate=True)
    if locked.unreachable_at is not None:
        locked.unreachable_at = None  # they wrote to us: progress and alerts may reach them
    turn = CoordinatorTurn(
        session=session,
        content=content,
        organisation=organisation,
        coordinator=locked,
        event=event,
        outcome=Outcome(),
        invite_link=invite_link,
        after_commit=after_commit,
        clock=clock,
    )
    await dispatch(turn)
    return turn.outcome


async def dispatch(turn: CoordinatorTurn) -> None:
    event = turn.event
    if event.kind is EventKind.COMMAND:
        handler = COMMANDS.get(event.command or "")
        if handler is None:
            turn.say("coordinator.unknown_command", command=(event.command or "")[:32])
            return
        await handler(turn, event.text)
    elif event.kind is EventKind.BUTTON:
        await _button(turn, event.data or "")
    elif event.kind is EventKind.TEXT and turn.stage is Stage.PROMPT_TEXT:
        await coordinator_prompts.written(turn, event.text or "")
    elif event.kind is EventKind.TEXT and turn.stage is Stage.NAMING_ROUND:
        await coordinator_rounds.named(turn, event.text or "")
    elif event.kind is EventKind.TEXT and turn.stage is Stage.SCHEDULE_WHEN:
        await coordinator_schedule.typed(turn, event.text or "")
    elif event.kind is EventKind.TEXT and turn.stage is Stage.SCHEDULE_CONFIRM:
        await coordinator_schedule.retyped(turn, event.text or "")
    elif turn.stage is Stage.IDLE:
        turn.say("coordinator.idle_words")
    else:
        turn.say(
            "coordinator.prompt.words_only"
            if turn.stage in (Stage.PROMPT_TEXT, Stage.NAMING_ROUND, Stage.SCHEDULE_WHEN)
            else "coordinator.use_buttons"
        )
        await ask_again(turn)


async def ask_again(turn: CoordinatorTurn) -> None:
    question = QUESTIONS.get(turn.stage)
    if question is not None:
        turn.reply(await question(turn))


async def _button(turn: CoordinatorTurn, data: str) -> None:
    if data.startswith(f"{ALERT_BUTTONS}:") and await coordinator_alerts.press(turn, data):
        return
    step_text, _, rest = data.partition(":")
    action, _, argument = rest.partition(":")
    handler = BUTTONS.get((turn.stage, action))
    current = step_text.isdigit() and int(step_text) == turn.coordinator.step
    if current and handler is not None and await handler(turn, argument or None):
        return
    # An old button, or one that was never ours: change nothing, say where we are.
    turn.outcome = Outcome(acknowledge=turn.text("coordinator.moved_on"))
    turn.say("coordinator.moved_on" if turn.stage is Stage.IDLE else "coordinator.moved_on_here")
    await ask_again(turn)


# ---- the small commands ----------------------------------------------------------------------


async def _hello(turn: CoordinatorTurn, token: str | None) -> None:
    # Their own invite link again, or a link this account cannot use (said so; nothing changes).
    invite = await invites.check_invite(turn.session, token) if token else None
    here = turn.organisation
    if isinstance(invite, Invite) and invite.organisation_id != here.id:
        other = await turn.session.get(Organisation, invite.organisation_id)
        name = other.name if other else ""
        turn.say("coordinator.link_elsewhere", other=name, organisation=here.name)
        return
    if isinstance(invite, Invite) and invite.role != Role.COORDINATOR:
        turn.say("coordinator.partner_link", organisation=here.name)
        return
    turn.say("coordinator.hello", organisation=here.name)
    turn.outcome.coordinator_menu = True  # one who joined before there was such a menu


async def _help(turn: CoordinatorTurn, _: str | None) -> None:
    turn.say("coordinator.help")
    turn.outcome.coordinator_menu = True


async def _cancel(turn: CoordinatorTurn, _: str | None) -> None:
    if turn.stage is Stage.IDLE:
        turn.say("coordinator.nothing_to_cancel")
        return
    stopped = _stopped(turn)
    turn.start("cancel")
    turn.say(stopped)


def _stopped(turn: CoordinatorTurn) -> str:
    """What stopping says: ticks already made while tying a reply are kept, not undone."""
    return (
        "coordinator.tie.kept" if turn.stage in coordinator_tying.TYING else "coordinator.cancelled"
    )


async def _close(turn: CoordinatorTurn, _: str | None) -> bool:
    """The Cancel button of an errand, or the Done button under a list."""
    if turn.stage in (Stage.INVITES, Stage.LEADS, Stage.SCHEDULED):
        turn.outcome.chosen = turn.text("coordinator.buttons.done")
        turn.move("done")
        return True
    turn.outcome.chosen = turn.text("coordinator.buttons.cancel")
    stopped = _stopped(turn)
    turn.move("cancel")
    turn.say(stopped)
    return True


COMMANDS: dict[str, Command] = {
    "start": _hello,
    "help": _help,
    "cancel": _cancel,
    "newround": coordinator_rounds.new_round,
    "closeround": coordinator_rounds.close_round,
    "rounds": coordinator_rounds.list_rounds,
    "invite": coordinator_invites.invite,
    "invites": coordinator_invites.list_invites,
    "leads": coordinator_team.leads,
    "alerts": coordinator_alerts.list_alerts,
    "safeguarding": coordinator_team.safeguarding,
    "status": coordinator_status.status,
    "prompt": coordinator_prompts.prompt,
    "prompts": coordinator_replies.list_prompts,
    "replies": coordinator_replies.replies,
    "tie": coordinator_tying.tie,
    "remind": coordinator_remind.remind,
    "scheduled": coordinator_schedule.list_scheduled,
    "export": coordinator_export.choose,
}

BUTTONS: dict[tuple[Stage, str], Press] = {
    (Stage.CONFIRM_ROUND, "open"): coordinator_rounds.open_it,
    (Stage.CONFIRM_CLOSE, "close"): coordinator_rounds.close_it,
    (Stage.INVITE_ROLE, "role"): coordinator_invites.pick_role,
    (Stage.INVITE_OPTIONS, "days"): coordinator_invites.set_days,
    (Stage.INVITE_OPTIONS, "uses"): coordinator_invites.set_uses,
    (Stage.INVITE_OPTIONS, "make"): coordinator_invites.make_chosen,
    (Stage.INVITES, "revoke"): coordinator_invites.revoke,
    (Stage.LEADS, "lead"): coordinator_team.toggle,
    (Stage.PROMPT_AUDIENCE, "aud"): coordinator_prompts.choose_audience,
    (Stage.PROMPT_STATEMENT, "cs"): coordinator_prompts.show_cornerstone,
    (Stage.PROMPT_STATEMENT, "st"): coordinator_prompts.tie,
    (Stage.PROMPT_STATEMENT, "none"): coordinator_prompts.untie,
    (Stage.PROMPT_CONFIRM, "send"): coordinator_prompts.send,
    (Stage.PROMPT_CONFIRM, "aud"): coordinator_prompts.change_audience,
    (Stage.PROMPT_CONFIRM, "later"): coordinator_schedule.prompt_later,
    (Stage.REMIND, "who"): coordinator_remind.send,
    (Stage.REMIND, "later"): coordinator_remind.later,
    (Stage.REMIND, "when"): coordinator_schedule.reminder_later,
    (Stage.SCHEDULE_WHEN, "back"): coordinator_schedule.back,
    (Stage.SCHEDULE_CONFIRM, "ok"): coordinator_schedule.schedule_it,
    (Stage.SCHEDULE_CONFIRM, "time"): coordinator_schedule.change_time,
    (Stage.SCHEDULED, "stop"): coordinator_schedule.stop,
    (Stage.EXPORT, "fmt"): coordinator_export.make,
    (Stage.REPLIES, "pg"): coordinator_replies.turn_page,
    (Stage.TIE_STATEMENT, "cs"): coordinator_tying.show_cornerstone,
    (Stage.TIE_STATEMENT, "st"): coordinator_tying.choose_statement,
    (Stage.TIE_STATEMENT, "d"): coordinator_tying.done,
    (Stage.TIE_INDICATORS, "t"): coordinator_tying.toggle,
    (Stage.TIE_INDICATORS, "pg"): coordinator_tying.turn_page,
    (Stage.TIE_INDICATORS, "o"): coordinator_tying.other_statement,
    (Stage.TIE_INDICATORS, "d"): coordinator_tying.done,
    **{(stage, "x"): _close for stage in Stage if stage is not Stage.IDLE},
}

QUESTIONS: dict[Stage, Question] = {
    Stage.NAMING_ROUND: coordinator_rounds.ask_name,
    Stage.CONFIRM_ROUND: coordinator_rounds.confirm_question,
    Stage.CONFIRM_CLOSE: coordinator_rounds.close_question,
    Stage.INVITE_ROLE: coordinator_invites.ask_role,
    Stage.INVITE_OPTIONS: coordinator_invites.ask_limits,
    Stage.INVITES: coordinator_invites.invites_question,
    Stage.LEADS: coordinator_team.leads_question,
    Stage.PROMPT_TEXT: coordinator_prompts.ask_text,
    Stage.PROMPT_AUDIENCE: coordinator_prompts.ask_audience,
    Stage.PROMPT_STATEMENT: coordinator_prompts.ask_statement,
    Stage.PROMPT_CONFIRM: coordinator_prompts.preview,
    Stage.REMIND: coordinator_remind.ask_who,
    Stage.SCHEDULE_WHEN: coordinator_schedule.ask_when,
    Stage.SCHEDULE_CONFIRM: coordinator_schedule.confirm_question,
    Stage.SCHEDULED: coordinator_schedule.scheduled_question,
    Stage.EXPORT: coordinator_export.ask_format,
    Stage.REPLIES: coordinator_replies.page_question,
    Stage.TIE_STATEMENT: coordinator_tying.ask_statement,
    Stage.TIE_INDICATORS: coordinator_tying.ask_indicators,
}
