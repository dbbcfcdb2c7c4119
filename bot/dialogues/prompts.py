"""Co-ordinators' prompts on the partner's side: answering one, and buttons that work any time.

A prompt reaches a partner from the broadcast outbox. When it is delivered, the partner's next
words answer it (they can carry on where they were instead); the answer is kept as evidence,
tied to the prompt and, if the co-ordinator chose one, to a statement and its indicators.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import default_content
from bot.dialogues import keeping, steps
from bot.dialogues.reflection import INTERRUPTIBLE, Step
from bot.dialogues.replies import Event, EventKind, Outcome
from bot.dialogues.turn import Turn
from bot.state.answers import Said
from bot.state.models import Journey, Organisation, Partner, Prompt, Round

GLOBAL = "g"  # buttons sent by broadcasts carry no step: "g:continue", "g:reply:12"


async def prompt_delivered(session: AsyncSession, partner_id: int, prompt_id: int) -> None:
    """The outbox delivered a prompt: the partner's next words answer it."""
    partner = await session.get(Partner, partner_id)
    prompt = await session.get(Prompt, prompt_id)
    if partner is None or prompt is None:
        return
    journey = await session.scalar(
        select(Journey)
        .where(Journey.partner_id == partner.id, Journey.round_id == prompt.round_id)
        .with_for_update()
    )
    organisation = await session.get(Organisation, partner.organisation_id)
    if journey is None or organisation is None:
        return
    content = default_content()
    turn = Turn(
        session=session,
        content=content,
        framework=content.framework_for(organisation.slug),
        organisation=organisation,
        partner=partner,
        journey=journey,
        event=Event(transport="outbox", chat="", kind=EventKind.COMMAND, command="prompt"),
        outcome=Outcome(),
    )
    await start_answer(turn, prompt)


async def start_answer(turn: Turn, prompt: Prompt) -> bool:
    """Put the prompt to the partner; False when they are consenting or erasing just now."""
    if turn.step not in INTERRUPTIBLE:
        return False  # the prompt's Reply button still works later
    if turn.step is Step.PROMPT_REPLY:
        turn.reposition(prompt=prompt.id)  # a newer prompt replaces the one not yet answered
        await steps.ask_again(turn)
    else:
        await steps.step_aside(turn, "prompt", prompt=prompt.id)
    return True


async def answer(turn: Turn, said: Said) -> None:
    """Keep the answer; then its indicators if the prompt names a statement, else go back."""
    prompt_id = turn.position.get("prompt")
    prompt = await turn.session.get(Prompt, prompt_id) if prompt_id else None
    statement_id = prompt.statement_id if prompt is not None else None
    evidence = await keeping.keep(
        turn, statement_id, "prompt", said, prompt_id=prompt.id if prompt is not None else None
    )
    turn.say("prompt.thanks")
    if statement_id is None:
        await steps.come_back(turn, greet=False)
        return
    turn.move("answer_prompt", evidence=evidence.id, showing=statement_id, page=0, answering=True)
    await steps.ask_again(turn)


async def press_global(turn: Turn, data: str) -> bool:
    """Buttons from broadcasts, valid whatever step the partner is at."""
    _, _, rest = data.partition(":")
    action, _, argument = rest.partition(":")
    if action == "continue":
        if turn.step in (Step.PAUSED, Step.PROMPT_REPLY):
            await steps.come_back(turn)
        else:
            turn.say("welcome.back_here")
            await steps.ask_again(turn)
        return True
    if action == "not_now":
        turn.say("prompt.not_now")
        return True
    if action == "reply" and argument.isdigit():
        prompt = await turn.session.get(Prompt, int(argument))
        if prompt is None or not await _belongs(turn, prompt):
            return False
        return await start_answer(turn, prompt)
    return False


async def _belongs(turn: Turn, prompt: Prompt) -> bool:
    """Only a prompt of the partner's own organisation, in the round they are answering."""
    if prompt.organisation_id != turn.partner.organisation_id:
        return False
    round_ = await turn.session.get(Round, prompt.round_id)
    return round_ is not None and round_.id == turn.journey.round_id
