"""Partners' journeys through all 25 statements, as scripts, and what is stored afterwards."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.content import Audience, Content, Rating
from bot.dialogues.engine import Engine
from bot.dialogues.replies import MediaKind
from bot.state.database import SessionFactory
from bot.state.models import Evidence, EvidenceIndicator, Journey, Partner
from bot.state.models import Rating as StoredRating
from tests.chat import Chat, organisation_with_invites, play

TYPED = {Rating.ALWAYS: "ya", Rating.MOSTLY: "mostly", Rating.SOMETIMES: "sort of"}


async def test_parent_carer_journey_through_all_statements_stores_every_answer(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="parent-1")
    await play(chat, [(f"/start {invites.parent_carer}", "privacy"), ("[Yes]", "question 1 of 25")])
    statements = content.framework.statements
    expected_ratings: dict[str, str] = {}
    expected_links: dict[str, set[str]] = {}
    labels = content.lexicon.rating_labels(Audience.PARENT_CARER)
    for n, statement in enumerate(statements):
        rating = list(Rating)[n % 5]
        assert f"question {n + 1} of 25" in chat.said.lower()
        if n % 2:
            await chat.press(labels[rating])
        else:
            await chat.send(TYPED.get(rating, str(list(Rating).index(rating) + 1)))
        expected_ratings[statement.id] = rating.value
        example = f"Example for {statement.id}: my son's teacher rang me back the same day."
        if n == 3:
            await chat.send_media(MediaKind.VOICE)
        else:
            await chat.send(example)
        assert "which of these" in chat.said.lower()
        chosen = {statement.indicators[0].id}
        await chat.press(statement.indicators[0].label)
        if len(statement.indicators) > 1:
            await chat.press(statement.indicators[1].label)
            chosen.add(statement.indicators[1].id)
        assert "✓" in chat.last.update_source.text or chat.last.update_source.buttons  # type: ignore[union-attr]
        await chat.press("Done")
        expected_links[statement.id] = chosen
        await chat.press("Move on")
    assert "that's the end" in chat.said.lower()
    assert "25 of 25" in chat.said

    async with sessions() as session:
        partner = await session.scalar(select(Partner))
        assert partner is not None and partner.number == 1
        rows = await session.execute(select(StoredRating.statement_id, StoredRating.value))
        ratings = {statement_id: value for statement_id, value in rows}
        assert ratings == expected_ratings
        rows = await session.execute(
            select(Evidence.statement_id, EvidenceIndicator.indicator_id).join(
                EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id
            )
        )
        links: dict[str, set[str]] = {}
        for statement_id, indicator_id in rows:
            links.setdefault(statement_id or "", set()).add(indicator_id)
        assert links == expected_links
        voice = await session.scalar(select(Evidence).where(Evidence.kind == "voice"))
        assert voice is not None and voice.statement_id == statements[3].id
        journey = await session.scalar(select(Journey))
        assert journey is not None and journey.state == "finished"
        assert journey.finished_at is not None


async def test_young_person_journey_with_emoji_words_and_skips(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="yp-1", first_name="Jo")
    await play(chat, [(f"/start {invites.young_person}", "Hi Jo"), ("ok", "Question 1 of 25")])
    replies = ["ya", "👍🏽", "nah", "idk", "sort of", "dunno", "😐", "yep", "3", "kinda"]
    for n, statement in enumerate(content.framework.statements):
        assert f"Question {n + 1} of 25" in chat.said
        assert statement.id  # every statement is asked, in the tool's order
        if n % 7 == 6:
            await play(chat, [("[Skip]", "")])
            continue
        await play(chat, [(replies[n % len(replies)], "")])
        if n % 3 == 0:
            await play(chat, [("[Skip]", "")])
            continue
        await play(
            chat,
            [
                ("it was ok i guess my mate helped me", "What does your example show"),
                ("[None of these]", ""),
                ("[Move on]", ""),
            ],
        )
    assert "All done" in chat.said
    async with sessions() as session:
        rated = await session.scalar(select(func.count(StoredRating.id)))
        examples = await session.scalar(
            select(func.count(Evidence.id)).where(Evidence.purpose == "example")
        )
        links = await session.scalar(select(func.count()).select_from(EvidenceIndicator))
    skipped = sum(1 for n in range(25) if n % 7 == 6)
    assert rated == 25 - skipped
    assert examples == sum(1 for n in range(25) if n % 7 != 6 and n % 3 != 0)
    assert links == 0


async def test_practitioner_ties_one_example_to_another_statements_indicators(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    chat = Chat(engine, address="staff-1")
    other = content.framework.statement("3.ii")
    await play(
        chat,
        [
            (f"/start {invites.practitioner}", "privacy"),
            ("[Yes]", "question 1 of 25"),
            ("[Always]", ""),
            ("We phone every family before a child starts.", "Which of these"),
            (f"[{content.framework.statement('1.i').indicators[2].label}]", "Ticked"),
            ("[It fits another question too]", "Which part"),
            ("[Communicate]", "which question"),
            ("[2]", "For the other question"),
            (f"[{other.indicators[1].label}]", "Ticked"),
            ("[Done]", "another example"),
        ],
    )
    async with sessions() as session:
        links = set(await session.scalars(select(EvidenceIndicator.indicator_id)))
    assert links == {"1.i.c", "3.ii.b"}
