"""/prompt: a co-ordinator's question to partners, from its words to the outbox.

Words, then who it goes to, then (optionally) the statement its replies count for, then a
preview with the number of people it will reach: send it now, or later (`coordinator_schedule`,
which goes on from this preview with the words kept). Replies come back as evidence on the partner's
side (`dialogues/prompts.py`); /prompts and /replies read them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.dialogues.coordinator_broadcasts import broadcast, going_out, when_it_would_go
from bot.dialogues.coordinator_turn import CoordinatorTurn, Keyboard
from bot.dialogues.replies import Button, Reply
from bot.state import coordination
from bot.state.coordination import Reach
from bot.state.models import Prompt

# A question, not a letter: short enough to read on a phone, and to fit one message with room.
PROMPT_LIMIT = 1000

REACH_KEYS = {
    Reach.EVERYONE: "coordinator.reach.everyone",
    Reach.PARENT_CARER: "coordinator.reach.parent_carers",
    Reach.YOUNG_PERSON: "coordinator.reach.young_people",
    Reach.PRACTITIONER: "coordinator.reach.practitioners",
    Reach.NOT_STARTED: "coordinator.reach.not_started",
    Reach.NOT_FINISHED: "coordinator.reach.not_finished",
}


async def prompt(turn: CoordinatorTurn, argument: str | None) -> None:
    if await turn.open_round() is None:
        turn.start("cancel")
        turn.say("coordinator.prompt.no_round")
        return
    turn.start("prompt")
    if argument and argument.strip():
        await written(turn, argument)
        return
    turn.reply(await ask_text(turn))


async def ask_text(turn: CoordinatorTurn) -> Reply:
    return Reply(turn.text("coordinator.prompt.ask_text", limit=PROMPT_LIMIT), turn.cancel_row())


async def written(turn: CoordinatorTurn, text: str) -> None:
    """The question's words, typed at PROMPT_TEXT or given with /prompt."""
    text = text.strip()
    if not text:
        turn.say("coordinator.prompt.empty")
        turn.reply(await ask_text(turn))
        return
    if len(text) > PROMPT_LIMIT:
        turn.say("coordinator.prompt.too_long", length=len(text), limit=PROMPT_LIMIT)
        turn.reply(await ask_text(turn))
        return
    turn.move("choose_audience", text=text)
    turn.reply(await ask_audience(turn))


async def ask_audience(turn: CoordinatorTurn) -> Reply:
    current = await turn.open_round()
    rows: list[tuple[Button, ...]] = []
    for reach, key in REACH_KEYS.items():
        count = 0
        if current is not None:
            count = len(
                await coordination.audience(turn.session, turn.organisation.id, current.id, reach)
            )
        label = turn.text("coordinator.buttons.reach", who=turn.text(key), count=count)
        rows.append((turn.button(label, "aud", reach.value),))
    return Reply(turn.text("coordinator.prompt.ask_audience"), (*rows, *turn.cancel_row()))


async def choose_audience(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {r.value for r in Reach}:
        return False
    reach = Reach(argument)
    turn.outcome.chosen = turn.text(REACH_KEYS[reach])
    if turn.position.get("statement") is not None or turn.position.get("untied"):
        turn.move("preview", audience=reach.value)  # only the audience was being changed
        turn.reply(await preview(turn))
        return True
    turn.move("choose_statement", audience=reach.value)
    turn.reply(await ask_statement(turn))
    return True


async def ask_statement(turn: CoordinatorTurn) -> Reply:
    untie = (turn.button(turn.text("coordinator.buttons.no_statement"), "none"),)
    return statement_picker(turn, turn.text("coordinator.prompt.ask_statement"), (untie,))


def statement_picker(turn: CoordinatorTurn, ask: str, last_rows: Keyboard) -> Reply:
    """Cornerstones ("cs"), then one cornerstone's statements by id ("st"); `last_rows` below.

    Shared by /prompt and /tie: the chosen cornerstone is the position's "cornerstone".
    """
    framework = turn.framework
    cornerstone_id = turn.position.get("cornerstone")
    if cornerstone_id is None:
        tabs = tuple((turn.button(c.name, "cs", c.id),) for c in framework.cornerstones)
        return Reply(ask, (*tabs, *last_rows))
    cornerstone = framework.cornerstone(cornerstone_id)
    listing = "\n".join(f"{s.id}  {s.title}" for s in cornerstone.statements)
    ids = [turn.button(s.id, "st", s.id) for s in cornerstone.statements]
    rows = tuple(tuple(ids[i : i + 4]) for i in range(0, len(ids), 4))
    back = (turn.button(turn.text("coordinator.buttons.other_parts"), "cs", "all"),)
    return Reply(
        turn.text(
            "coordinator.prompt.ask_statement_in", cornerstone=cornerstone.name, listing=listing
        ),
        (*rows, back, *last_rows),
    )


async def show_cornerstone(turn: CoordinatorTurn, argument: str | None) -> bool:
    return await pick_cornerstone(turn, argument, ask_statement)


async def pick_cornerstone(
    turn: CoordinatorTurn,
    argument: str | None,
    question: Callable[[CoordinatorTurn], Awaitable[Reply]],
) -> bool:
    """A cornerstone's tab in `statement_picker` ("all": back to the cornerstones)."""
    ids = {c.id for c in turn.framework.cornerstones}
    if argument != "all" and argument not in ids:
        return False
    turn.reposition(cornerstone=argument if argument in ids else None)  # None: back to the parts
    turn.outcome.update_source = await question(turn)
    return True


async def tie(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {s.id for s in turn.framework.statements}:
        return False
    turn.outcome.chosen = argument
    turn.move("preview", statement=argument, cornerstone=None)
    turn.reply(await preview(turn))
    return True


async def untie(turn: CoordinatorTurn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("coordinator.buttons.no_statement")
    turn.move("preview", untied=True, cornerstone=None)
    turn.reply(await preview(turn))
    return True


def for_partners(turn: CoordinatorTurn, text: str, prompt_id: int) -> Reply:
    """The message partners get; its button works whatever step they are at."""
    label = turn.text("coordinator.to_partners.reply")
    return Reply(partner_words(turn, text), ((Button(label, f"g:reply:{prompt_id}"),),))


def partner_words(turn: CoordinatorTurn, text: str) -> str:
    return turn.text(
        "coordinator.to_partners.prompt", organisation=turn.organisation.name, question=text
    )


async def reach_and_tie(turn: CoordinatorTurn) -> tuple[Reach, int, str]:
    """The prompt being written: its audience, how many that is now, and the statement its
    replies count towards, in words."""
    position = turn.position
    reach = Reach(position["audience"])
    current = await turn.open_round()
    count = 0
    if current is not None:
        count = len(
            await coordination.audience(turn.session, turn.organisation.id, current.id, reach)
        )
    statement_id = position.get("statement")
    tied = (
        turn.text(
            "coordinator.prompt.tied",
            statement=f"{statement_id} {turn.framework.statement(statement_id).title}",
        )
        if statement_id
        else turn.text("coordinator.prompt.untied")
    )
    return reach, count, tied


async def preview(turn: CoordinatorTurn) -> Reply:
    position = turn.position
    reach, count, tied = await reach_and_tie(turn)
    return Reply(
        turn.text(
            "coordinator.prompt.preview",
            message=partner_words(turn, position["text"]),
            who=turn.text(REACH_KEYS[reach]),
            count=count,
            tied=tied,
            quiet=when_it_would_go(turn),
        ).strip(),
        (
            (turn.button(turn.text("coordinator.buttons.send"), "send"),),
            (turn.button(turn.text("coordinator.buttons.send_later"), "later"),),
            (turn.button(turn.text("coordinator.buttons.change_audience"), "aud"),),
            *turn.cancel_row(),
        ),
    )


async def change_audience(turn: CoordinatorTurn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("coordinator.buttons.change_audience")
    turn.move("change_audience")
    turn.reply(await ask_audience(turn))
    return True


async def store_prompt(turn: CoordinatorTurn, round_id: int) -> Prompt:
    """The prompt being written, stored (and numbered) in the round, to send now or later."""
    position = turn.position
    stored = Prompt(
        organisation_id=turn.organisation.id,
        round_id=round_id,
        text=position["text"],
        audience=Reach(position["audience"]).value,
        statement_id=position.get("statement"),
        coordinator_id=turn.coordinator.id,
        created_at=turn.now(),
    )
    turn.session.add(stored)
    await turn.session.flush()
    return stored


async def send(turn: CoordinatorTurn, _: str | None) -> bool:
    position = turn.position
    current = await turn.open_round()
    if current is None:
        turn.move("done")
        turn.say("coordinator.prompt.no_round")
        return True
    reach = Reach(position["audience"])
    partner_ids = await coordination.audience(turn.session, turn.organisation.id, current.id, reach)
    if not partner_ids:
        turn.outcome.acknowledge = turn.text("coordinator.sending.nobody")
        turn.say("coordinator.sending.nobody")
        turn.reply(await preview(turn))
        return True
    stored = await store_prompt(turn, current.id)
    sent = await broadcast(
        turn,
        current.id,
        "prompt",
        partner_ids,
        for_partners(turn, stored.text, stored.id),
        stored.id,
        audience=reach.value,
    )
    turn.audit(
        "prompt.sent",
        prompt_id=stored.id,
        audience=reach.value,
        statement_id=stored.statement_id,
        partners=len(partner_ids),
    )
    turn.outcome.chosen = turn.text("coordinator.buttons.send")
    turn.move("done")
    turn.say(
        "coordinator.prompt.sent",
        number=stored.id,
        sending=going_out(turn, sent, len(partner_ids)),
    )
    return True
