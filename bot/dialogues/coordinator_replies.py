"""/prompts and /replies: what was asked, and what partners said back, under pseudonyms only.

Replies are shown as the exports show them: "Parent carer 12", never a name, with e-mail
addresses and phone numbers masked. Words flagged for the safeguarding lead and not released
are shown to leads only. A long list comes a page at a time, each page within one message.
Replies are numbered as /tie names them, with the indicators each is tied to.
"""

from __future__ import annotations

from bot.dialogues.coordinator_prompts import REACH_KEYS
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Button, Reply
from bot.export.privacy import mask, pseudonym
from bot.state import coordination, outbox_schedule
from bot.state.coordination import PromptReply, Reach

LISTED_PROMPTS = 15
EXCERPT = 80
PAGE_BUDGET = 3500  # characters of replies per message: Telegram allows 4096 with the heading
LONGEST_REPLY = 1500  # a longer reply is cut here; the export has it whole
MEDIA = {
    "voice": "media.voice",
    "photo": "media.photo",
    "document": "media.document",
    "video": "media.video",
    "audio": "media.audio",
}


async def list_prompts(turn: CoordinatorTurn, _: str | None) -> None:
    found = await coordination.prompts_with_replies(
        turn.session, turn.organisation.id, LISTED_PROMPTS
    )
    if not found:
        turn.say("coordinator.prompts.none")
        return
    waiting = {
        send.prompt_id: send.at
        for send in await outbox_schedule.scheduled_sends(turn.session, turn.organisation.id)
    }
    lines = []
    for prompt, count in found:
        who = (
            turn.text(REACH_KEYS[Reach(prompt.audience)])
            if prompt.audience in set(Reach)
            else prompt.audience
        )
        excerpt = _cut(" ".join(prompt.text.split()), EXCERPT)
        if prompt.id in waiting:  # not asked yet: when it will be, instead of replies
            line = turn.text(
                "coordinator.prompts.line_scheduled",
                number=prompt.id,
                when=turn.local(waiting[prompt.id]),
                who=who,
                excerpt=excerpt,
            )
        else:
            line = turn.text(
                "coordinator.prompts.line",
                number=prompt.id,
                date=turn.day(prompt.created_at),
                who=who,
                replies=count,
                excerpt=excerpt,
            )
        lines.append(line)
    turn.say("coordinator.prompts.list", lines="\n\n".join(lines))


async def replies(turn: CoordinatorTurn, argument: str | None) -> None:
    wanted = (argument or "").strip().lstrip("#")
    if not wanted.isdigit():
        turn.say("coordinator.replies.which")
        return
    prompt = await coordination.find_prompt(turn.session, turn.organisation.id, int(wanted))
    if prompt is None:  # another organisation's prompt looks exactly like one that never was
        turn.say("coordinator.replies.unknown", number=wanted[:12])
        return
    pages = await _pages(turn, prompt.id)
    if len(pages) == 1:
        turn.reply(Reply(pages[0]))
        return
    turn.start("read_replies", prompt=prompt.id, page=0)
    turn.reply(await page_question(turn))


async def page_question(turn: CoordinatorTurn) -> Reply:
    pages = await _pages(turn, int(turn.position["prompt"]))
    page = min(int(turn.position.get("page", 0)), len(pages) - 1)
    paging: list[Button] = []
    if page > 0:
        paging.append(turn.button(turn.text("coordinator.buttons.previous"), "pg", page - 1))
    if page < len(pages) - 1:
        paging.append(turn.button(turn.text("coordinator.buttons.next"), "pg", page + 1))
    footer = turn.text("coordinator.replies.page", page=page + 1, pages=len(pages))
    return Reply(f"{pages[page]}\n\n{footer}", (tuple(paging),))


async def turn_page(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    turn.reposition(page=int(argument))
    turn.outcome.update_source = await page_question(turn)
    return True


async def _pages(turn: CoordinatorTurn, prompt_id: int) -> list[str]:
    prompt = await coordination.find_prompt(turn.session, turn.organisation.id, prompt_id)
    assert prompt is not None  # found before the first page; prompts are never deleted alone
    said = await coordination.replies_to(turn.session, turn.organisation.id, prompt_id)
    heading = turn.text(
        "coordinator.replies.heading",
        number=prompt.id,
        question=_cut(" ".join(prompt.text.split()), EXCERPT * 2),
        count=len(said),
    )
    if not said:
        return [f"{heading}\n\n{turn.text('coordinator.replies.none')}"]
    tied = await coordination.indicators_of(turn.session, [reply.evidence_id for reply in said])
    how_to_tie = turn.text("coordinator.replies.how_to_tie", number=prompt.id)
    pages: list[str] = []
    page: list[str] = []
    size = 0
    for number, reply in enumerate(said, start=1):
        line = f"{number}. {entry(turn, reply)}"
        if reply.evidence_id in tied:
            summary = tied_summary(turn, tied[reply.evidence_id])
            line += f" · {turn.text('coordinator.replies.tied', indicators=summary)}"
        if page and size + len(line) > PAGE_BUDGET:
            pages.append("\n\n".join([heading, *page, how_to_tie]))
            page, size = [], 0
        page.append(line)
        size += len(line) + 2
    pages.append("\n\n".join([heading, *page, how_to_tie]))
    return pages


def tied_summary(turn: CoordinatorTurn, indicator_ids: set[str]) -> str:
    """Indicators by statement, in the tool's order: "2.i a, c; 3.ii b"."""
    known = [i for i in turn.framework.indicators if i.id in indicator_ids]
    letters: dict[str, list[str]] = {}
    for indicator in known:
        letters.setdefault(indicator.statement_id, []).append(indicator.letter)
    for gone in sorted(indicator_ids - {i.id for i in known}):  # no longer in the content
        statement_id, _, letter = gone.rpartition(".")
        letters.setdefault(statement_id, []).append(letter)
    return "; ".join(f"{statement} {', '.join(each)}" for statement, each in letters.items())


def entry(turn: CoordinatorTurn, reply: PromptReply) -> str:
    """A reply as a co-ordinator may read it: pseudonym, masked, held back from non-leads."""
    who = pseudonym(reply.role, reply.number)
    if reply.held_back and not turn.coordinator.safeguarding_lead:
        return f"{who}: {turn.text('coordinator.replies.held_back')}"
    words = _cut(mask(reply.text), LONGEST_REPLY) if reply.text else ""
    if reply.kind == "text":
        said = f"“{words}”"
    else:
        media = turn.text(
            "coordinator.replies.media", kind=turn.text(MEDIA.get(reply.kind, "media.document"))
        )
        said = f"{media} “{words}”" if words else media
    flag = f" {turn.text('coordinator.replies.flagged')}" if reply.held_back else ""
    return f"{who}: {said}{flag}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
