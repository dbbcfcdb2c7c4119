"""Answers to the journey's questions: buttons pressed, words typed, files sent."""

from __future__ import annotations

from typing import Any

from bot.content import Rating
from bot.dialogues import keeping, questions
from bot.dialogues.reflection import Step
from bot.dialogues.turn import Turn
from bot.state import answers, invites, partners
from bot.state.answers import Said
from bot.state.models import Invite, utcnow

# Longer than one Telegram message: kept whole, but worth a word to the partner.
LONG_TEXT = 4096


async def ask_again(turn: Turn) -> None:
    turn.outcome.replies.append(await questions.ask(turn))


# ---- moving through the statements ---------------------------------------------------------


async def begin(turn: Turn) -> None:
    """Consent given: record it, count the invite's use, and put the first question."""
    invite_id = turn.position.get("invite")
    if invite_id is not None:
        invite = await turn.session.get(Invite, invite_id)
        if invite is not None:
            await invites.use_invite(turn.session, invite)
    turn.partner.consented_at = utcnow()
    turn.partner.privacy_version = turn.text("consent.version")
    turn.move("consent", statement_id=turn.framework.statements[0].id, invite=None)
    turn.say("consent.thanks", statements=len(turn.framework.statements))
    await ask_again(turn)


async def next_statement(turn: Turn) -> None:
    """Move on from the current statement: to the next, to the review, or to the end."""
    if turn.position.get("reviewing"):
        turn.move("reviewed")
        await ask_again(turn)
        return
    statements = turn.framework.statements
    here = turn.statement
    if here.position + 1 >= len(statements):
        await finish(turn)
        return
    following = statements[here.position + 1]
    if following.cornerstone_id != here.cornerstone_id:
        done = turn.framework.cornerstone(here.cornerstone_id)
        upcoming = turn.framework.cornerstone(following.cornerstone_id)
        turn.say(
            "progress.cornerstone_done",
            finished=done.name,
            upcoming=upcoming.name,
            number=following.position,
            total=len(statements),
        )
    turn.move("next_statement", statement_id=following.id)
    await ask_again(turn)


async def finish(turn: Turn) -> None:
    rated, examples = await answers.counts_of(turn.session, turn.partner.id, turn.journey.round_id)
    turn.move("finish")
    turn.journey.finished_at = turn.journey.finished_at or utcnow()
    turn.say(
        "finished.summary",
        rated=rated,
        total=len(turn.framework.statements),
        examples=examples,
        organisation=turn.organisation.name,
    )


async def rate(turn: Turn, rating: Rating) -> None:
    label = turn.content.lexicon.rating_labels(turn.audience)[rating]
    await answers.set_rating(
        turn.session, turn.partner.id, turn.journey.round_id, turn.statement.id, rating.value
    )
    turn.outcome.chosen = label
    if turn.position.get("reviewing"):
        turn.move("reviewed")
        turn.say("rating.changed", answer=label)
    else:
        turn.move("rate")
    await ask_again(turn)


async def take_example(turn: Turn, said: Said) -> None:
    evidence = await keeping.keep(turn, turn.statement.id, "example", said)
    turn.move("give_example", evidence=evidence.id, showing=turn.statement.id, page=0)
    turn.say("example.thanks")
    await ask_again(turn)


async def keep_note(turn: Turn, said: Said, thanks: str) -> None:
    """Words that answer no question are still the partner's words: keep them on the statement."""
    statement_id = turn.journey.statement_id if turn.step is not Step.FINISHED else None
    await keeping.keep(turn, statement_id, "note", said)
    turn.outcome.say(thanks)
    await ask_again(turn)


# ---- stepping aside and coming back ----------------------------------------------------------


def remember_here(turn: Turn) -> dict[str, Any]:
    """Where to come back to; asides nest, so a pause during a review returns to the review."""
    return {
        "state": turn.step.value,
        "statement": turn.journey.statement_id,
        "position": turn.position,
    }


async def step_aside(turn: Turn, trigger: str, **position: Any) -> None:
    within_review = turn.step in (Step.REVIEW, Step.REVIEW_STATEMENT) and trigger == "review"
    resume = turn.position.get("resume") if within_review else remember_here(turn)
    turn.move(trigger, resume=resume, reviewing=None, **position)
    await ask_again(turn)


async def come_back(turn: Turn, *, greet: bool = True) -> None:
    resume = turn.position.get("resume")
    if not resume:  # nothing remembered (should not happen): carry on from the first question
        resume = {"state": Step.RATING.value, "statement": turn.framework.statements[0].id}
    turn.move(f"return_to_{resume['state']}", statement_id=resume["statement"], resume=None)
    turn.journey.position = dict(resume.get("position") or {})
    if greet:
        turn.say("welcome.back_here")
    await ask_again(turn)


async def consent_again(turn: Turn) -> None:
    """Happy with the new privacy note: record it and carry on where they were."""
    turn.partner.privacy_version = turn.text("consent.version")
    turn.partner.consented_at = utcnow()
    await come_back(turn)


async def decline(turn: Turn) -> None:
    """'No' keeps nothing: the partner, their address and this event's journal entry go."""
    await partners.erase_partner(turn.session, turn.partner, audited=False)
    turn.say("consent.declined")


async def done_with_indicators(turn: Turn) -> None:
    """After a prompt's answer, back to where the partner was; else more examples?"""
    if turn.journey.position.get("resume") and turn.position.get("answering"):
        await come_back(turn, greet=False)
        return
    turn.move("tied", evidence=None, showing=None, page=None, cornerstone=None)
    await ask_again(turn)


async def jump_to(turn: Turn, cornerstone_id: str) -> None:
    """To the first statement of a cornerstone not yet rated (or its first, if all are)."""
    ratings = await answers.ratings_of(turn.session, turn.partner.id, turn.journey.round_id)
    statements = turn.framework.cornerstone(cornerstone_id).statements
    target = next((s for s in statements if s.id not in ratings), statements[0])
    turn.move("jump", statement_id=target.id, reviewing=None, resume=None)
    await ask_again(turn)
