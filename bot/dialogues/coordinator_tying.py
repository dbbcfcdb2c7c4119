"""/tie: a co-ordinator ties a prompt's reply to a statement's indicators, after the partner.

A reply is named as /replies numbers it: `/tie 3.2` (or `/tie 3 2`) is the second reply to
prompt 3. It is shown as /replies shows it (a pseudonym, contact details masked, held-back words
only to a safeguarding lead); then the statement it counts for (its own or its prompt's, or one
chosen here), then that statement's indicators to ✓. Ties are stored as the partner's own are
(`EvidenceIndicator`), so /status and the exports count them. Each tie and untie is audited by
ids; what the partner said never is.
"""

from __future__ import annotations

import re

from bot.dialogues.coordinator import Stage
from bot.dialogues.coordinator_prompts import pick_cornerstone, statement_picker
from bot.dialogues.coordinator_replies import entry, tied_summary
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.questions import indicator_page
from bot.dialogues.replies import Button, Reply
from bot.state import answers, coordination
from bot.state.models import Evidence

TYING = (Stage.TIE_STATEMENT, Stage.TIE_INDICATORS)
# "3.2", "3 2", "#3.2", "3/2"; or just "3", to be asked which of its replies.
REFERENCE = re.compile(r"#?(\d+)(?:\s*[./\s]\s*#?(\d+))?")
LONGEST_NUMBER = 9  # a longer one is no prompt or reply of ours, and would not fit the column


async def tie(turn: CoordinatorTurn, argument: str | None) -> None:
    match = REFERENCE.fullmatch((argument or "").strip())
    if match is None:
        turn.say("coordinator.tie.which")
        return
    prompt_number, reply_number = match.groups()
    prompt = (
        await coordination.find_prompt(turn.session, turn.organisation.id, int(prompt_number))
        if len(prompt_number) <= LONGEST_NUMBER
        else None
    )
    if prompt is None:  # another organisation's prompt looks exactly like one that never was
        turn.say("coordinator.replies.unknown", number=prompt_number[:12])
        return
    said = await coordination.replies_to(turn.session, turn.organisation.id, prompt.id)
    if not said:
        turn.say("coordinator.tie.no_replies", number=prompt.id)
        return
    if reply_number is None:
        turn.say("coordinator.tie.which_reply", number=prompt.id, count=len(said))
        return
    if len(reply_number) > LONGEST_NUMBER or not 1 <= int(reply_number) <= len(said):
        turn.say(
            "coordinator.tie.no_such_reply",
            number=prompt.id,
            count=len(said),
            reply=reply_number[:12],
        )
        return
    reply = said[int(reply_number) - 1]
    turn.say(
        "coordinator.tie.reply", reply=int(reply_number), number=prompt.id, said=entry(turn, reply)
    )
    where = {"prompt": prompt.id, "reply": int(reply_number), "evidence": reply.evidence_id}
    statement_id = reply.statement_id or prompt.statement_id
    if statement_id in {s.id for s in turn.framework.statements}:
        turn.start("tie_reply_to_statement", **where, showing=statement_id, page=0)
        turn.reply(await ask_indicators(turn))
    else:
        turn.start("tie_reply", **where)
        turn.reply(await ask_statement(turn))


async def ask_statement(turn: CoordinatorTurn) -> Reply:
    done = (turn.button(turn.text("coordinator.buttons.done"), "d"),)
    return statement_picker(turn, turn.text("coordinator.tie.ask_statement"), (done,))


async def show_cornerstone(turn: CoordinatorTurn, argument: str | None) -> bool:
    return await pick_cornerstone(turn, argument, ask_statement)


async def choose_statement(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {s.id for s in turn.framework.statements}:
        return False
    turn.outcome.chosen = argument
    turn.move("choose_indicators", showing=argument, page=0, cornerstone=None)
    turn.reply(await ask_indicators(turn))
    return True


async def ask_indicators(turn: CoordinatorTurn) -> Reply:
    position = turn.position
    statement = turn.framework.statement(position["showing"])
    chosen = await answers.linked_indicators(turn.session, int(position["evidence"]))
    shown, page, pages = indicator_page(statement, int(position.get("page", 0)))
    rows: list[tuple[Button, ...]] = [
        (turn.button(("✓ " if i.id in chosen else "") + f"{i.letter}. {i.label}", "t", i.id),)
        for i in shown
    ]
    paging = []
    if page > 0:
        paging.append(turn.button(turn.text("coordinator.buttons.previous"), "pg", page - 1))
    if page < pages - 1:
        paging.append(turn.button(turn.text("coordinator.buttons.next"), "pg", page + 1))
    if paging:
        rows.append(tuple(paging))
    rows.append((turn.button(turn.text("coordinator.buttons.done"), "d"),))
    rows.append((turn.button(turn.text("coordinator.buttons.other_statement"), "o"),))
    return Reply(
        turn.text(
            "coordinator.tie.ask_indicators",
            statement=f"{statement.id} {statement.title}",
            listing="\n".join(f"{i.letter}. {i.text}" for i in shown),
            page=page + 1,
            pages=pages,
            chosen=len(chosen),
        ),
        tuple(rows),
    )


async def toggle(turn: CoordinatorTurn, argument: str | None) -> bool:
    statement = turn.framework.statement(turn.position["showing"])
    if argument not in {i.id for i in statement.indicators}:
        return False
    evidence = await _reply(turn)
    if evidence is None:
        return True
    tied = await answers.toggle_indicator(turn.session, evidence.id, argument)
    if evidence.statement_id is None:  # it now counts for this statement, as a tied prompt's do
        evidence.statement_id = statement.id
    turn.audit(
        "reply.tied" if tied else "reply.untied",
        prompt_id=turn.position["prompt"],
        evidence_id=evidence.id,
        indicator_id=argument,
    )
    turn.outcome.acknowledge = turn.text(
        "coordinator.tie.ticked" if tied else "coordinator.tie.unticked"
    )
    turn.outcome.update_source = await ask_indicators(turn)
    return True


async def turn_page(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    turn.reposition(page=int(argument))
    turn.outcome.update_source = await ask_indicators(turn)
    return True


async def other_statement(turn: CoordinatorTurn, _: str | None) -> bool:
    turn.outcome.chosen = turn.text("coordinator.buttons.other_statement")
    turn.move("other_statement", showing=None, page=None)
    turn.reply(await ask_statement(turn))
    return True


async def done(turn: CoordinatorTurn, _: str | None) -> bool:
    position = turn.position
    evidence = await _reply(turn)
    if evidence is None:
        return True
    tied = await answers.linked_indicators(turn.session, evidence.id)
    turn.outcome.chosen = turn.text("coordinator.buttons.done")
    turn.move("done")
    number, reply = position["prompt"], position["reply"]
    if tied:
        turn.say(
            "coordinator.tie.done",
            reply=reply,
            number=number,
            indicators=tied_summary(turn, tied),
        )
    else:
        turn.say("coordinator.tie.done_none", reply=reply, number=number)
    return True


async def _reply(turn: CoordinatorTurn) -> Evidence | None:
    """The reply in hand, found again; if the partner has erased it meanwhile, the errand ends."""
    position = turn.position
    evidence = await coordination.reply_evidence(
        turn.session, turn.organisation.id, int(position["prompt"]), int(position["evidence"])
    )
    if evidence is None:
        turn.move("done")
        turn.say("coordinator.tie.gone")
    return evidence
