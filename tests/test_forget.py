"""/forget leaves no trace: the database is searched, table by table, after an erasure."""

from __future__ import annotations

from sqlalchemy import String, Text, select

from bot.dialogues.engine import Engine
from bot.dialogues.prompts import prompt_delivered
from bot.dialogues.replies import Reply
from bot.state import outbox
from bot.state.database import SessionFactory
from bot.state.models import Base, Organisation, OutboxMessage, Partner, Prompt, Round
from tests.chat import Chat, organisation_with_invites, play

WORDS = ("Aunt Bea drives him to school", "nobody feeds me at home", "Thursday clubs please")


async def test_forget_erases_every_trace_of_a_partner_in_one_go(
    engine: Engine, sessions: SessionFactory
) -> None:
    invites = await organisation_with_invites(sessions)
    coordinator = Chat(engine, address="coordinator-1")
    await coordinator.send(f"/start {invites.coordinator}")
    stays = Chat(engine, address="stays-1")
    await play(stays, [(f"/start {invites.parent_carer}", ""), ("yes", ""), ("[Always]", "")])
    leaves = Chat(engine, address="leaves-77", first_name="Bea")
    await play(
        leaves,
        [
            (f"/start {invites.young_person}", ""),
            ("yes", ""),
            ("ya", ""),
            (WORDS[0], "What does your example show"),
            ("[Done]", ""),
            (WORDS[1], "Childline"),  # a safeguarding alert, and a note
        ],
    )
    async with sessions() as session, session.begin():
        organisation = await session.scalar(select(Organisation))
        round_id = await session.scalar(select(Round.id))
        partner_ids = list(await session.scalars(select(Partner.id).order_by(Partner.id)))
        assert organisation is not None and round_id is not None
        prompt = Prompt(
            organisation_id=organisation.id, round_id=round_id, text="Clubs?", audience="everyone"
        )
        session.add(prompt)
        await session.flush()
        await prompt_delivered(session, partner_ids[1], prompt.id)
        await outbox.enqueue_broadcast(
            session,
            organisation=organisation,
            round_id=round_id,
            kind="reminder",
            coordinator_id=None,
            partner_ids=partner_ids,
            reply=Reply("A gentle reminder"),
        )
    await play(leaves, [(WORDS[2], "Thanks for answering")])
    await play(leaves, [("/forget", "cannot be undone"), ("[Yes, erase everything]", "erased")])

    leaving_id = partner_ids[1]
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).mappings().all()
            for row in rows:
                assert row.get("partner_id") != leaving_id, f"{table.name} still points at them"
                for column in table.columns:
                    value = row[column.name]
                    if isinstance(column.type, String | Text) and isinstance(value, str):
                        for words in (*WORDS, "leaves-77", "Bea"):
                            assert words not in value, f"{table.name}.{column.name} keeps {words!r}"
        assert await session.get(Partner, leaving_id) is None
        # The partner who stayed still has their reminder waiting; nothing else changed for them.
        waiting = list(
            await session.scalars(
                select(OutboxMessage.partner_id).where(OutboxMessage.purpose == "reminder")
            )
        )
    assert waiting == [partner_ids[0]]
