"""What each step asks, with its buttons: sent after a move, and again whenever it is repeated."""

from __future__ import annotations

from collections.abc import Sequence

from bot.content import Indicator, Rating, Statement
from bot.dialogues.reflection import Step
from bot.dialogues.replies import Button, Reply
from bot.dialogues.turn import Keyboard, Turn
from bot.state import answers
from bot.state.models import Prompt

INDICATORS_PER_PAGE = 6
EXCERPT = 160


async def ask(turn: Turn) -> Reply:
    step = turn.step
    if step is Step.CONSENT:
        return consent_question(turn)
    if step is Step.RATING:
        return rating_question(turn)
    if step is Step.EXAMPLE:
        return Reply(
            turn.text(
                "example.ask",
                question=turn.content.prompt(
                    turn.audience, turn.statement.id, turn.setting
                ).example,
            ),
            ((turn.button(turn.text("buttons.skip"), "s"),),),
        )
    if step is Step.INDICATORS:
        return await indicators_question(turn)
    if step is Step.OTHER_STATEMENT:
        return other_statement_question(turn)
    if step is Step.MORE:
        return Reply(
            turn.text("more.ask"),
            (
                (turn.button(turn.text("buttons.another_example"), "a"),),
                (turn.button(turn.text("buttons.move_on"), "m"),),
            ),
        )
    if step is Step.REVIEW:
        return await review_question(turn)
    if step is Step.REVIEW_STATEMENT:
        return await review_statement_question(turn)
    if step is Step.PAUSED:
        return Reply(
            turn.text("pause.waiting"), ((turn.button(turn.text("buttons.continue"), "go"),),)
        )
    if step is Step.CONFIRM_FORGET:
        return Reply(
            turn.text("forget.confirm"),
            (
                (turn.button(turn.text("buttons.forget_yes"), "fy"),),
                (turn.button(turn.text("buttons.forget_no"), "fn"),),
            ),
        )
    if step is Step.PROMPT_REPLY:
        return await prompt_question(turn)
    if step is Step.RECONSENT:
        return consent_question(turn, again=True)
    return Reply(turn.text("finished.again"))


async def prompt_question(turn: Turn) -> Reply:
    prompt_id = turn.position.get("prompt")
    prompt = await turn.session.get(Prompt, prompt_id) if prompt_id else None
    return Reply(
        turn.text("prompt.ask", question=prompt.text if prompt else ""),
        ((turn.button(turn.text("buttons.carry_on"), "go"),),),
    )


def consent_question(turn: Turn, *, again: bool = False) -> Reply:
    note = turn.text("consent.note", organisation=turn.organisation.name)
    return Reply(
        turn.text("consent.changed", note=note) if again else note,
        (
            (turn.button(turn.text("buttons.consent_yes"), "y"),),
            (turn.button(turn.text("buttons.consent_more"), "i"),),
            (turn.button(turn.text("buttons.consent_no"), "x"),),
        ),
    )


def rating_question(turn: Turn) -> Reply:
    statement = turn.statement
    cornerstone = turn.framework.cornerstone(statement.cornerstone_id)
    labels = turn.content.lexicon.rating_labels(turn.audience)
    choices = [turn.button(labels[rating], "r", rating.value) for rating in Rating]
    keyboard: Keyboard = (
        tuple(choices[0:2]),
        tuple(choices[2:4]),
        (choices[4], turn.button(turn.text("buttons.skip"), "s")),
    )
    prompt = turn.content.prompt(turn.audience, statement.id, turn.setting)
    return Reply(
        turn.text(
            "rating.ask",
            cornerstone=cornerstone.name,
            number=statement.position + 1,
            total=len(turn.framework.statements),
            question=prompt.ask,
        ),
        keyboard,
    )


def showing(turn: Turn) -> Statement:
    """The statement whose indicators are on screen: the current one, or one chosen as 'another'."""
    return turn.framework.statement(turn.position.get("showing") or turn.statement.id)


def indicator_page(statement: Statement, page: int) -> tuple[Sequence[Indicator], int, int]:
    """A statement's indicators on page `page` (counted from 0, kept in range), that page, and
    how many pages there are."""
    pages = max(1, -(-len(statement.indicators) // INDICATORS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * INDICATORS_PER_PAGE
    return statement.indicators[first : first + INDICATORS_PER_PAGE], page, pages


async def indicators_question(turn: Turn) -> Reply:
    statement = showing(turn)
    chosen = await answers.linked_indicators(turn.session, turn.position["evidence"])
    shown, page, pages = indicator_page(statement, int(turn.position.get("page", 0)))
    rows: list[tuple[Button, ...]] = [
        (turn.button(("✓ " if i.id in chosen else "") + i.label, "t", i.id),) for i in shown
    ]
    paging = []
    if page > 0:
        paging.append(turn.button(turn.text("buttons.previous"), "pg", page - 1))
    if page < pages - 1:
        paging.append(turn.button(turn.text("buttons.next"), "pg", page + 1))
    if paging:
        rows.append(tuple(paging))
    rows.append(
        (
            turn.button(turn.text("buttons.done"), "d"),
            turn.button(turn.text("buttons.none_of_these"), "n"),
        )
    )
    rows.append((turn.button(turn.text("buttons.fits_another"), "o"),))
    hints = "\n".join(f"• {i.label}" + (f" — {i.hint}" if i.hint else "") for i in shown)
    key = "indicators.ask" if statement.id == turn.statement.id else "indicators.ask_other"
    return Reply(
        turn.text(key, hints=hints, page=page + 1, pages=pages, chosen=len(chosen)),
        tuple(rows),
    )


def other_statement_question(turn: Turn) -> Reply:
    cornerstone_id = turn.position.get("cornerstone")
    if cornerstone_id is None:
        tabs: Keyboard = tuple(
            (turn.button(c.name, "c", c.id),) for c in turn.framework.cornerstones
        )
        return Reply(turn.text("other.pick_cornerstone"), (*tabs, _back_to_ticks(turn)))
    cornerstone = turn.framework.cornerstone(cornerstone_id)
    listing = "\n".join(
        f"{n}. {turn.content.prompt(turn.audience, s.id, turn.setting).ask}"
        for n, s in enumerate(cornerstone.statements, start=1)
    )
    numbers = [turn.button(str(n), "st", s.id) for n, s in enumerate(cornerstone.statements, 1)]
    rows = tuple(tuple(numbers[i : i + 4]) for i in range(0, len(numbers), 4))
    return Reply(
        turn.text("other.pick_statement", cornerstone=cornerstone.name, listing=listing),
        (*rows, _back_to_ticks(turn)),
    )


def _back_to_ticks(turn: Turn) -> tuple[Button, ...]:
    return (turn.button(turn.text("buttons.done"), "d"),)


async def review_question(turn: Turn) -> Reply:
    ratings = await answers.ratings_of(turn.session, turn.partner.id, turn.journey.round_id)
    labels = turn.content.lexicon.rating_labels(turn.audience)
    cornerstone = turn.framework.cornerstone(
        turn.position.get("cornerstone") or turn.statement.cornerstone_id
    )
    lines = []
    for n, statement in enumerate(cornerstone.statements, start=1):
        value = ratings.get(statement.id)
        answer = labels[Rating(value)] if value else turn.text("review.no_answer")
        ask = turn.content.prompt(turn.audience, statement.id, turn.setting).ask
        lines.append(f"{n}. {ask}\n    → {answer}")
    numbers = [turn.button(str(n), "rv", s.id) for n, s in enumerate(cornerstone.statements, 1)]
    rows: list[tuple[Button, ...]] = [tuple(numbers[i : i + 4]) for i in range(0, len(numbers), 4)]
    rows.append(
        tuple(
            turn.button(c.name, "rc", c.id)
            for c in turn.framework.cornerstones
            if c.id != cornerstone.id
        )
    )
    rows.append((turn.button(turn.text("buttons.carry_on"), "go"),))
    return Reply(
        turn.text("review.list", cornerstone=cornerstone.name, listing="\n".join(lines)),
        tuple(rows),
    )


async def review_statement_question(turn: Turn) -> Reply:
    statement = turn.statement
    ratings = await answers.ratings_of(turn.session, turn.partner.id, turn.journey.round_id)
    value = ratings.get(statement.id)
    labels = turn.content.lexicon.rating_labels(turn.audience)
    said = await answers.evidence_for_statement(
        turn.session, turn.partner.id, turn.journey.round_id, statement.id
    )
    examples = "\n".join(f"• {describe(turn, e.kind, e.text)}" for e in said) or turn.text(
        "review.no_examples"
    )
    return Reply(
        turn.text(
            "review.statement",
            question=turn.content.prompt(turn.audience, statement.id, turn.setting).ask,
            answer=labels[Rating(value)] if value else turn.text("review.no_answer"),
            examples=examples,
        ),
        (
            (
                turn.button(turn.text("buttons.change_rating"), "cr"),
                turn.button(turn.text("buttons.add_example"), "ae"),
            ),
            (
                turn.button(turn.text("buttons.back_to_list"), "bl"),
                turn.button(turn.text("buttons.carry_on"), "go"),
            ),
        ),
    )


def describe(turn: Turn, kind: str, text: str | None) -> str:
    """A short line for something a partner said or sent, in their own review."""
    if kind == "text" and text:
        short = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
        return f"“{short}”"
    return media_word(turn, kind) + (f": “{text[:EXCERPT]}”" if text else "")


def media_word(turn: Turn, kind: str) -> str:
    words = {
        "voice": turn.text("media.voice"),
        "photo": turn.text("media.photo"),
        "document": turn.text("media.document"),
        "video": turn.text("media.video"),
        "audio": turn.text("media.audio"),
    }
    return words.get(kind, kind)
