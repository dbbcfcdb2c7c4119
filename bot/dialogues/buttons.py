"""The journey's buttons: which press means what at each step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.content import Rating
from bot.dialogues import questions, steps
from bot.dialogues.reflection import ASIDES, Step, allowed
from bot.dialogues.turn import Turn
from bot.state import answers, partners

Handler = Callable[[Turn, str | None], Awaitable[bool]]


async def press(turn: Turn, action: str, argument: str | None) -> bool:
    """Apply a button; False when it does not belong to the current question."""
    step = turn.step
    handler = BUTTONS.get((step, action))
    if handler is None:
        return False
    return await handler(turn, argument)


async def _consent_yes(turn: Turn, _: str | None) -> bool:
    await steps.begin(turn)
    return True


async def _consent_more(turn: Turn, _: str | None) -> bool:
    turn.say("consent.more", organisation=turn.organisation.name)
    await steps.ask_again(turn)
    return True


async def _consent_no(turn: Turn, _: str | None) -> bool:
    await steps.decline(turn)
    return True


async def _reconsent_yes(turn: Turn, _: str | None) -> bool:
    await steps.consent_again(turn)
    return True


async def _reconsent_no(turn: Turn, _: str | None) -> bool:
    await steps.step_aside(turn, "forget")
    return True


async def _rate(turn: Turn, argument: str | None) -> bool:
    try:
        rating = Rating(argument or "")
    except ValueError:
        return False
    await steps.rate(turn, rating)
    return True


async def _skip(turn: Turn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("buttons.skip")
    await steps.next_statement(turn)
    return True


async def _toggle(turn: Turn, argument: str | None) -> bool:
    statement = questions.showing(turn)
    if argument not in {i.id for i in statement.indicators}:
        return False
    now_tied = await answers.toggle_indicator(turn.session, turn.position["evidence"], argument)
    turn.outcome.acknowledge = turn.text("indicators.ticked" if now_tied else "indicators.unticked")
    turn.outcome.update_source = await questions.ask(turn)
    return True


async def _page(turn: Turn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    turn.reposition(page=int(argument))
    turn.outcome.update_source = await questions.ask(turn)
    return True


async def _tied(turn: Turn, _: str | None) -> bool:
    chosen = await answers.linked_indicators(turn.session, turn.position["evidence"])
    turn.outcome.chosen = turn.text("indicators.summary", chosen=len(chosen))
    await steps.done_with_indicators(turn)
    return True


async def _none_of_these(turn: Turn, _: str | None) -> bool:
    statement = questions.showing(turn)
    evidence_id = turn.position["evidence"]
    for indicator_id in await answers.linked_indicators(turn.session, evidence_id):
        if indicator_id in {i.id for i in statement.indicators}:
            await answers.toggle_indicator(turn.session, evidence_id, indicator_id)
    turn.outcome.chosen = turn.text("buttons.none_of_these")
    await steps.done_with_indicators(turn)
    return True


async def _fits_another(turn: Turn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("buttons.fits_another")
    turn.move(
        "fits_another",
        evidence=turn.position["evidence"],
        answering=turn.position.get("answering"),
        showing=None,
        page=None,
    )
    await steps.ask_again(turn)
    return True


async def _cornerstone_tab(turn: Turn, argument: str | None) -> bool:
    if argument not in {c.id for c in turn.framework.cornerstones}:
        return False
    turn.reposition(cornerstone=argument)
    turn.outcome.update_source = await questions.ask(turn)
    return True


async def _pick_statement(turn: Turn, argument: str | None) -> bool:
    if argument not in {s.id for s in turn.framework.statements}:
        return False
    turn.outcome.chosen = argument
    turn.move(
        "pick_statement",
        evidence=turn.position["evidence"],
        answering=turn.position.get("answering"),
        showing=argument,
        page=0,
        cornerstone=None,
    )
    await steps.ask_again(turn)
    return True


async def _another_example(turn: Turn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("buttons.another_example")
    turn.move("another_example")
    await steps.ask_again(turn)
    return True


async def _move_on(turn: Turn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("buttons.move_on")
    await steps.next_statement(turn)
    return True


async def _open_statement(turn: Turn, argument: str | None) -> bool:
    if argument not in {s.id for s in turn.framework.statements}:
        return False
    turn.move("open_statement", statement_id=argument, reviewing=True, cornerstone=None)
    await steps.ask_again(turn)
    return True


async def _change_rating(turn: Turn, _: str | None) -> bool:
    turn.move("change_rating")
    await steps.ask_again(turn)
    return True


async def _add_example(turn: Turn, _: str | None) -> bool:
    turn.move("add_example")
    await steps.ask_again(turn)
    return True


async def _back_to_list(turn: Turn, _: str | None) -> bool:
    await steps.step_aside(turn, "review", cornerstone=turn.statement.cornerstone_id)
    return True


async def _carry_on(turn: Turn, _: str | None) -> bool:
    await steps.come_back(turn)
    return True


async def _forget_yes(turn: Turn, _: str | None) -> bool:
    await partners.erase_partner(turn.session, turn.partner)
    turn.say("forget.done")
    return True


async def _jump(turn: Turn, argument: str | None) -> bool:
    if argument not in {c.id for c in turn.framework.cornerstones} or not allowed(
        turn.step, "jump"
    ):
        return False
    await steps.jump_to(turn, argument)
    return True


BUTTONS: dict[tuple[Step, str], Handler] = {
    (Step.CONSENT, "y"): _consent_yes,
    (Step.CONSENT, "i"): _consent_more,
    (Step.CONSENT, "x"): _consent_no,
    (Step.RECONSENT, "y"): _reconsent_yes,
    (Step.RECONSENT, "i"): _consent_more,
    (Step.RECONSENT, "x"): _reconsent_no,
    (Step.PROMPT_REPLY, "go"): _carry_on,
    (Step.RATING, "r"): _rate,
    (Step.RATING, "s"): _skip,
    (Step.EXAMPLE, "s"): _skip,
    (Step.INDICATORS, "t"): _toggle,
    (Step.INDICATORS, "pg"): _page,
    (Step.INDICATORS, "d"): _tied,
    (Step.INDICATORS, "n"): _none_of_these,
    (Step.INDICATORS, "o"): _fits_another,
    (Step.OTHER_STATEMENT, "c"): _cornerstone_tab,
    (Step.OTHER_STATEMENT, "st"): _pick_statement,
    (Step.OTHER_STATEMENT, "d"): _tied,
    (Step.MORE, "a"): _another_example,
    (Step.MORE, "m"): _move_on,
    (Step.REVIEW, "rv"): _open_statement,
    (Step.REVIEW, "rc"): _cornerstone_tab,
    (Step.REVIEW, "go"): _carry_on,
    (Step.REVIEW_STATEMENT, "cr"): _change_rating,
    (Step.REVIEW_STATEMENT, "ae"): _add_example,
    (Step.REVIEW_STATEMENT, "bl"): _back_to_list,
    (Step.REVIEW_STATEMENT, "go"): _carry_on,
    (Step.PAUSED, "go"): _carry_on,
    (Step.CONFIRM_FORGET, "fy"): _forget_yes,
    (Step.CONFIRM_FORGET, "fn"): _carry_on,
    **{(step, "j"): _jump for step in Step if step not in ASIDES},
}
