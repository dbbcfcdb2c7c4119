"""/tie: a co-ordinator ties a prompt's reply to a statement's indicators, after the partner."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.content import Content, Indicator
from bot.dialogues.engine import Engine
from bot.dialogues.replies import EventKind
from bot.export.evidence import statement_evidence
from bot.export.scope import find_scope
from bot.state.coordination import round_figures
from bot.state.database import SessionFactory
from bot.state.models import Coordinator, Evidence, EvidenceIndicator, Prompt, Round
from tests.chat import Chat, play
from tests.test_coordinator import audit_actions, coordinator, partner

ALARM = "my dad hits me"  # held back for the safeguarding lead


async def ask_everyone(chat: Chat, question: str, statement: str | None = None) -> int:
    """Send a prompt to everyone (tied to `statement`'s button, if given); its number."""
    await play(chat, [(f"/prompt {question}", "Who should it go to?"), ("[Everyone]", "evidence")])
    if statement is None:
        await play(chat, [("[No, just collect]", "Everyone")])
    else:
        cornerstone, statement_id = statement.split("/")
        await play(chat, [(f"[{cornerstone}]", ""), (f"[{statement_id}]", "Everyone")])
    await play(chat, [("[Send it]", "Sent: this is prompt")])
    return int(chat.said.split("prompt ", 1)[1].split(".", 1)[0])


async def reply(chat: Chat, prompt_id: int, words: str) -> None:
    await chat.event(EventKind.BUTTON, data=f"g:reply:{prompt_id}")
    await chat.send(words)


def tick(indicator: Indicator, ticked: bool = False) -> str:
    return f"[{'✓ ' if ticked else ''}{indicator.letter}. {indicator.label}]"


async def ties(sessions: SessionFactory) -> set[tuple[int, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(EvidenceIndicator.evidence_id, EvidenceIndicator.indicator_id)
        )
        return {(evidence_id, indicator_id) for evidence_id, indicator_id in rows}


async def test_a_reply_to_an_untied_prompt_is_tied_to_indicators_and_counted(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    chat, invites = await coordinator(engine, sessions)
    parent = await partner(engine, invites.parent_carer, "p1")
    young = await partner(engine, invites.young_person, "y1")
    worried = await partner(engine, invites.parent_carer, "p2")
    prompt_id = await ask_everyone(chat, "What should we do differently?")
    await reply(parent, prompt_id, "More evenings please")
    await reply(young, prompt_id, "I liked the minibus, ring 07700 900123")
    await reply(worried, prompt_id, ALARM)
    cornerstone = content.framework.cornerstones[1]
    statement = cornerstone.statements[0]
    a, b, c = statement.indicators[:3]
    await play(chat, [(f"/tie {prompt_id} 2", f"Reply 2 to prompt {prompt_id}")])
    # The reply, as /replies shows it.
    assert "Young person 1: “I liked the minibus, ring [phone removed]”" in chat.said
    await play(
        chat,
        [
            ("", "choose with the buttons"),
            (f"[{cornerstone.name}]", statement.title),
            (f"[{statement.id}]", "Which of these does the reply show?"),
            (tick(a), "Ticked"),
            (tick(b), "Ticked"),
            (tick(c), "3 ticked"),
            (tick(b, ticked=True), "Unticked"),
        ],
    )
    stale = chat.button(tick(a, ticked=True)[1:-1])
    await play(chat, [("[Done]", f"counts as evidence for {statement.id} {a.letter}, {c.letter}")])
    async with sessions() as session:
        said = list(await session.scalars(select(Evidence).order_by(Evidence.id)))
        round_id = await session.scalar(select(Round.id))
        organisation_id = await session.scalar(select(Coordinator.organisation_id))
        assert round_id is not None and organisation_id is not None
        figures = await round_figures(session, organisation_id, round_id)
        scope = await find_scope(session, "Oak Tree School", None)
        exported = await statement_evidence(session, scope, content.framework, statement)
    assert await ties(sessions) == {(said[1].id, a.id), (said[1].id, c.id)}
    assert [e.statement_id for e in said] == [None, statement.id, None]
    assert figures.indicators == {a.id, c.id}  # /status and the exports count it
    for indicator in (a, c):
        assert [q.partner for q in exported.by_indicator[indicator.id]] == ["Young person 1"]
    assert b.id not in exported.by_indicator
    await play(chat, [("/status", "Indicators with evidence: 2 of")])
    await play(
        chat,
        [
            (
                f"/replies {prompt_id}",
                "2. Young person 1: “I liked the minibus, ring [phone removed]”",
            )
        ],
    )
    assert f"tied: {statement.id} {a.letter}, {c.letter}" in chat.said
    assert "1. Parent carer 1: “More evenings please”\n" in chat.said  # not tied: no note
    assert "3. Parent carer 2: [held back" in chat.said and ALARM not in chat.said
    audited = [(action, detail) for _, action, detail in await audit_actions(sessions)]
    assert [d["indicator_id"] for act, d in audited if act == "reply.tied"] == [a.id, b.id, c.id]
    assert [d["indicator_id"] for act, d in audited if act == "reply.untied"] == [b.id]
    assert "minibus" not in str(audited)
    # A co-ordinator who is not a safeguarding lead can tie held-back words without reading them.
    await play(chat, [(f"/tie {prompt_id}.3", "Parent carer 2: [held back for the safeguarding")])
    assert ALARM not in chat.said
    await play(chat, [("/cancel", "What you ticked is kept")])
    # A button from the finished errand changes nothing.
    await chat.event(EventKind.BUTTON, data=stale.data)
    assert "moved on" in chat.said
    assert await ties(sessions) == {(said[1].id, a.id), (said[1].id, c.id)}


async def test_a_reply_to_a_tied_prompt_goes_straight_to_its_statement(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    chat, invites = await coordinator(engine, sessions)
    parent = await partner(engine, invites.parent_carer, "p1")
    cornerstone = content.framework.cornerstones[0]
    statement = cornerstone.statements[1]
    a, b = statement.indicators[:2]
    prompt_id = await ask_everyone(
        chat, "How was the open evening?", f"{cornerstone.name}/{statement.id}"
    )
    await reply(parent, prompt_id, "Warm and friendly")
    await parent.press(a.label)  # the partner ties it to one indicator themselves
    await parent.press("Done")
    await play(
        chat,
        [
            (f"/tie #{prompt_id}.1", f"{statement.id} {statement.title}"),
            (tick(b), "2 ticked"),
            ("[Another statement]", "Choose its cornerstone"),
            ("/cancel", "What you ticked is kept"),
        ],
    )
    async with sessions() as session:
        evidence = await session.scalar(select(Evidence))
    assert evidence is not None
    assert await ties(sessions) == {(evidence.id, a.id), (evidence.id, b.id)}
    assert evidence.statement_id == statement.id


async def test_bad_numbers_are_explained_and_change_nothing(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, invites = await coordinator(engine, sessions)
    parent = await partner(engine, invites.parent_carer, "p1")
    answered = await ask_everyone(chat, "What should we do differently?")
    await reply(parent, answered, "More evenings please")
    unanswered = await ask_everyone(chat, "Anything else?")
    await play(
        chat,
        [
            ("/tie", "Which reply? Send /tie with the prompt's number and the reply's"),
            ("/tie abc", "Which reply?"),
            ("/tie 1.2.3", "Which reply?"),
            ("/tie 999.1", "There's no prompt 999"),
            ("/tie 99999999999999.1", "There's no prompt 99999999999"),
            (f"/tie {answered}", f"It has 1: send /tie {answered}.1"),
            (f"/tie {answered}.2", f"Prompt {answered} has 1 replies, so there's no reply 2"),
            (f"/tie {answered}.0", "there's no reply 0"),
            (f"/tie {answered}.99999999999", "there's no reply 99999999999"),
            (f"/tie {unanswered}.1", f"Prompt {unanswered} has no replies yet"),
        ],
    )
    async with sessions() as session:
        state = await session.scalar(select(Coordinator.state))
        tied = await session.scalar(select(func.count()).select_from(EvidenceIndicator))
    assert state == "idle" and tied == 0


async def test_another_organisations_coordinator_cannot_tie_our_replies(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    ours, invites = await coordinator(engine, sessions)
    parent = await partner(engine, invites.parent_carer, "p1")
    prompt_id = await ask_everyone(ours, "What should we do differently?")
    await reply(parent, prompt_id, "More evenings please")
    theirs, _ = await coordinator(engine, sessions, name="Elm Street Nursery", address="coord-2")
    unknown = content.messages.text("coordinator.replies.unknown", number=prompt_id)
    for attempt in (f"/tie {prompt_id}.1", f"/tie {prompt_id}"):
        await theirs.send(attempt)
        assert theirs.said == unknown
    indicator = content.framework.statements[0].indicators[0]
    async with sessions() as session:
        step = await session.scalar(
            select(Coordinator.step).where(Coordinator.id == 2)  # theirs: joined second
        )
    for forged in (f"{step}:t:{indicator.id}", f"{step}:st:1.i", f"{step}:d"):
        await theirs.event(EventKind.BUTTON, data=forged)
        assert "moved on" in theirs.said
    assert "More evenings" not in "\n".join(r.text for o in theirs.outcomes for r in o.replies)
    assert await ties(sessions) == set()
    async with sessions() as session:
        assert await session.scalar(select(Prompt.statement_id)) is None
