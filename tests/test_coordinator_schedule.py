"""Sending later: a prompt or a reminder scheduled by a typed time, held in the database, sent
when its time comes to whoever is in its group by then, and stoppable until it starts.

The co-ordinator's "now" is fixed (the engine's clock) at Wednesday 21 October 2026, 10:00 in
London, in summer time; the clocks go back on Sunday 25 October. The worker runs on a stepped clock
starting there too: nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from bot.content import Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import EventKind
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Coordinator, Organisation, OutboxMessage, Prompt
from bot.state.outbox_schedule import release_due
from tests.broadcast_fakes import RecordingCourier, SteppedClock
from tests.chat import Chat, play
from tests.test_broadcast_worker import worker
from tests.test_coordinator import audit_actions, coordinator, mark, partner

WEDNESDAY = datetime(2026, 10, 21, 9, 0, tzinfo=UTC)  # 10:00 BST
QUESTION = "How did the open evening feel for you?"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@contextmanager
def errands_at(engine: Engine, now: datetime | SteppedClock) -> Iterator[None]:
    """The co-ordinator's chat sees this time (a stepped clock's, as it moves)."""
    clock: Callable[[], datetime] = now.now if isinstance(now, SteppedClock) else lambda: now
    before, engine.clock = engine.clock, clock
    try:
        yield
    finally:
        engine.clock = before


def step_to(clock: SteppedClock, moment: datetime) -> None:
    clock.advance((moment - clock.now()).total_seconds())


async def with_a_parent(engine: Engine, sessions: SessionFactory) -> Chat:
    """A co-ordinator's chat, and a parent carer ("p1") who has joined their organisation."""
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "p1")
    return chat


async def schedule_prompt(chat: Chat, typed: str, question: str = QUESTION) -> None:
    await play(
        chat,
        [
            (f"/prompt {question}", "Who should it go to?"),
            ("[Everyone]", "count as evidence"),
            ("[No, just collect]", "Everyone ("),
            ("[Send it later]", "When should it go?"),
            (typed, "Shall I schedule it?"),
            ("[Yes, schedule it]", "Scheduled: prompt"),
        ],
    )


async def scheduled_rows(sessions: SessionFactory) -> list[tuple[str, int | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.status, OutboxMessage.partner_id).order_by(OutboxMessage.id)
        )
        return [(status, partner_id) for status, partner_id in rows]


def to_partners(courier: RecordingCourier) -> list[str]:
    return sorted(s.address for s in courier.sent if s.address != "coord-1")


@pytest.mark.parametrize(
    ("typed", "read_back", "stored"),
    [
        # Monday is after the clocks go back: 09:00 GMT is 09:00 UTC, although today is BST.
        ("Monday 09:00", "Monday 26 October at 09:00", "2026-10-26 09:00"),
        ("mon 9am", "Monday 26 October at 09:00", "2026-10-26 09:00"),
        # Tomorrow is still summer time: 08:30 BST is 07:30 UTC.
        ("tomorrow 8:30", "Thursday 22 October at 08:30", "2026-10-22 07:30"),
        ("25/11 14:00", "Wednesday 25 November at 14:00", "2026-11-25 14:00"),
        ("25 Nov 2pm", "Wednesday 25 November at 14:00", "2026-11-25 14:00"),
        ("in 2 hours", "Wednesday 21 October at 12:00", "2026-10-21 11:00"),
    ],
)
async def test_a_prompt_is_scheduled_by_a_typed_time_read_back_and_stored_in_utc(
    engine: Engine, sessions: SessionFactory, typed: str, read_back: str, stored: str
) -> None:
    chat = await with_a_parent(engine, sessions)
    with errands_at(engine, WEDNESDAY):
        await play(
            chat,
            [
                (f"/prompt {QUESTION}", "Who should it go to?"),
                ("[Everyone]", "count as evidence"),
                ("[No, just collect]", "Everyone (1 right now)"),
                ("[Send it later]", "Dates are day first"),
                (typed, f"It will go on {read_back}."),
            ],
        )
        assert QUESTION in chat.said and "as the group is at that time (1 right now)" in chat.said
        await play(
            chat, [("[Yes, schedule it]", f"prompt 1 will go on {read_back} (to: Everyone)")]
        )
    async with sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
        prompt = await session.scalar(select(Prompt))
    assert broadcast is not None and prompt is not None and prompt.text == QUESTION
    assert broadcast.scheduled_for == utc(stored)
    assert (broadcast.kind, broadcast.audience, broadcast.prompt_id) == ("prompt", "everyone", 1)
    # Held, addressed to nobody yet: who gets it is decided when it goes.
    assert await scheduled_rows(sessions) == [("scheduled", None)]
    scheduled = [a for a in await audit_actions(sessions) if a[1] == "prompt.scheduled"]
    assert scheduled == [
        (
            "coordinator:1",
            "prompt.scheduled",
            {
                "prompt_id": 1,
                "broadcast_id": broadcast.id,
                "audience": "everyone",
                "statement_id": None,
                "scheduled_for": utc(stored).isoformat(),
            },
        )
    ]
    assert QUESTION not in str(await audit_actions(sessions))


async def test_a_time_in_quiet_hours_is_said_to_wait_for_their_end(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await with_a_parent(engine, sessions)
    async with sessions() as session, session.begin():
        await session.execute(update(Organisation).values(quiet_from="20:00", quiet_until="08:00"))
    with errands_at(engine, WEDNESDAY):
        await schedule_prompt(chat, "tomorrow 21:30")
    said = "\n".join(reply.text for outcome in chat.outcomes[-2:] for reply in outcome.replies)
    assert (
        "Thursday 22 October at 21:30 is in quiet hours (20:00 to 08:00), when nothing is sent "
        "to partners, so it will wait and go on Friday 23 October at 08:00." in said
    )
    assert "prompt 1 will go on Friday 23 October at 08:00" in said
    async with sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast is not None and broadcast.scheduled_for == utc("2026-10-23 07:00")


async def test_nothing_goes_before_the_time_and_it_goes_after_a_restart(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "p1")
    await partner(engine, invites.young_person, "y1")
    with errands_at(engine, clock):
        await schedule_prompt(chat, "Monday 9am")
    courier, delivered = RecordingCourier(), list[tuple[int, int]]()
    await worker(sessions, courier, clock).drain()
    step_to(clock, utc("2026-10-26 08:59"))
    await worker(sessions, courier, clock).drain()
    assert courier.sent == []  # not to partners, and no progress message either
    assert await scheduled_rows(sessions) == [("scheduled", None)]

    # The bot restarts: a new engine and a new worker, knowing only the database.
    again = Chat(Engine(sessions, content), address=chat.address)
    with errands_at(engine, clock):
        await play(again, [("/scheduled", "Mon 26 Oct, 09:00 · prompt 1 · to: Everyone")])
    step_to(clock, utc("2026-10-26 09:00"))
    await worker(sessions, courier, clock, hook=delivered).drain()

    assert to_partners(courier) == ["p1", "y1"]
    assert all(QUESTION in s.text for s in courier.sent if s.address != "coord-1")
    assert [prompt for _, prompt in delivered] == [1, 1]  # their next words answer it
    assert "2 of 2 partners have it" in courier.received("coord-1")[-1].text
    assert [status for status, _ in await scheduled_rows(sessions)] == ["sent", "sent"]
    released = [a for a in await audit_actions(sessions) if a[1] == "scheduled.released"]
    assert released[0][0] == "outbox" and released[0][2]["partners"] == 2
    with errands_at(engine, clock):
        await play(again, [("/scheduled", "Nothing is waiting"), ("/prompts", "#1 ·")])
    assert "0 replies" in again.said and "to go" not in again.said


async def test_a_send_stopped_before_its_time_never_goes(
    engine: Engine, sessions: SessionFactory
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat = await with_a_parent(engine, sessions)
    with errands_at(engine, clock):
        await schedule_prompt(chat, "Monday 9am")
        await play(
            chat,
            [
                ("/remind", "Who would you like to remind?"),
                ("[Remind them later instead]", "choose the day and time next"),
                ("[Not finished yet]", "When should it go?"),
                ("Tuesday 10:00", "A reminder to: Not finished yet"),
                ("[Yes, schedule it]", "the reminder will go on Tuesday 27 October at 10:00"),
                ("/prompts", "#1 · to go Mon 26 Oct, 09:00 · Everyone"),
                ("/scheduled", "Waiting to go, soonest first"),
            ],
        )
        assert "• Mon 26 Oct, 09:00 · prompt 1 · to: Everyone" in chat.said
        assert "• Tue 27 Oct, 10:00 · a reminder · to: Not finished yet" in chat.said
        await play(chat, [("[Stop prompt 1]", "Stopped: prompt 1, due on Monday 26 October")])
    assert QUESTION in chat.said  # the words, should they want them again
    listed = chat.last.update_source
    assert listed is not None and "prompt 1" not in listed.text and "a reminder" in listed.text
    async with sessions() as session:
        assert await session.scalar(select(func.count(Prompt.id))) == 0
        kinds = list(await session.scalars(select(Broadcast.kind)))
    assert kinds == ["reminder"]

    # Another organisation's co-ordinator cannot stop ours, even with a forged button.
    theirs, _ = await coordinator(engine, sessions, name="Elm Street Nursery", address="coord-2")
    with errands_at(engine, clock):
        await play(
            theirs,
            [
                ("/scheduled", "Nothing is waiting"),
                ("/remind", ""),
                ("[Remind them later instead]", ""),
                ("[Not started yet]", ""),
                ("Friday 10am", ""),
                ("[Yes, schedule it]", "Scheduled"),
                ("/scheduled", "Tap one to stop it"),
            ],
        )
        step = theirs.keyboard[0][0].data.split(":")[0]
        [ours] = await scheduled_sends_of(sessions, "Oak Tree School")
        await theirs.event(EventKind.BUTTON, data=f"{step}:stop:{ours}")
    assert "moved on" in theirs.said
    assert await scheduled_sends_of(sessions, "Oak Tree School") == [ours]

    step_to(clock, utc("2026-10-27 10:00"))
    courier = RecordingCourier()
    await worker(sessions, courier, clock).drain()
    sent = [s.text for s in courier.sent if s.address == "p1"]
    assert len(sent) == 1 and "gentle reminder" in sent[0]  # the reminder, not the prompt
    actions = [a[1] for a in await audit_actions(sessions)]
    assert actions.count("scheduled.stopped") == 1 and "scheduled.stop_refused" not in actions


async def scheduled_sends_of(sessions: SessionFactory, organisation: str) -> list[int]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Broadcast.id)
            .join(Organisation, Organisation.id == Broadcast.organisation_id)
            .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
            .where(Organisation.name == organisation, OutboxMessage.status == "scheduled")
        )
        return list(rows)


async def test_a_send_that_has_started_cannot_be_stopped(
    engine: Engine, sessions: SessionFactory
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "p1")
    await partner(engine, invites.parent_carer, "p2")
    with errands_at(engine, clock):
        await schedule_prompt(chat, "Monday 9am")
        await play(chat, [("/scheduled", "prompt 1")])
    # Monday 09:00: the worker has addressed it and is about to send when the tap comes.
    step_to(clock, utc("2026-10-26 09:00"))
    async with sessions() as session, session.begin():
        await release_due(session, now=clock.now())
    with errands_at(engine, clock):
        await play(chat, [("[Stop prompt 1]", "already started going out")])
        listed = chat.last.update_source
        assert listed is not None and "Nothing is waiting" in listed.text
    courier = RecordingCourier()
    await worker(sessions, courier, clock).drain()
    assert to_partners(courier) == ["p1", "p2"]  # each once, as if nobody had tapped
    async with sessions() as session:
        assert await session.scalar(select(func.count(Prompt.id))) == 1
    refused = [a for a in await audit_actions(sessions) if a[1] == "scheduled.stop_refused"]
    assert refused == [
        ("coordinator:1", "scheduled.stop_refused", {"broadcast_id": 1, "kind": "prompt"})
    ]


async def test_a_time_that_cannot_be_taken_is_explained_and_the_words_are_kept(
    engine: Engine, sessions: SessionFactory
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat = await with_a_parent(engine, sessions)
    with errands_at(engine, clock):
        await play(
            chat,
            [
                (f"/prompt {QUESTION}", "Who should it go to?"),
                ("[Everyone]", "count as evidence"),
                ("[No, just collect]", "Everyone ("),
                ("[Send it later]", "When should it go?"),
                ("", "Please type when it should go"),
                ("<voice>", "Please type it in words"),
                ("banana o'clock", "Sorry, I couldn't read “banana o'clock” as a day and time."),
                ("Monday 9", "In “Monday 9”, is that 9am or 9pm?"),
                ("today 9am", "Wednesday 21 October at 09:00 has already gone by."),
                ("20/10 09:00", "has already gone by"),
                ("25/12 10:00", "more than 60 days ahead. Please choose a time before 20 Dec"),
                ("Monday", "What time on that day? Please add one, for example “Monday 9am”."),
                ("31/11 10:00", "There's no such date as “31/11 10:00”."),
                ("Tuesday 26/10 09:00", "26 Oct 2026 is a Monday, not a Tuesday."),
            ],
        )
        # Each refusal asked again, and nothing was stored.
        assert chat.question.text.startswith("When should it go?")
        async with sessions() as session:
            assert await session.scalar(select(func.count(Broadcast.id))) == 0
            assert await session.scalar(select(func.count(Prompt.id))) == 0
        await play(
            chat,
            [
                ("Monday 9am", "Shall I schedule it?"),
                ("[Change the time]", "When should it go?"),
                ("[◀ Back]", QUESTION),  # the preview again, words and all
                ("[Send it later]", "When should it go?"),
                ("in 2 hours", "Wednesday 21 October at 12:00"),
            ],
        )
        clock.advance(3 * 3600)  # the co-ordinator is called away before confirming
        await play(
            chat,
            [
                ("[Yes, schedule it]", "That time went by while we were talking"),
                ("Friday 10:00", "Friday 23 October at 10:00"),
                ("[Yes, schedule it]", "Scheduled: prompt 1"),
            ],
        )
    async with sessions() as session:
        prompt = await session.scalar(select(Prompt))
        broadcast = await session.scalar(select(Broadcast))
        state = await session.scalar(select(Coordinator.state))
    assert prompt is not None and prompt.text == QUESTION
    assert broadcast is not None and broadcast.scheduled_for == utc("2026-10-23 09:00")
    assert state == "idle"


async def test_a_reminder_for_monday_goes_to_who_has_not_finished_on_monday(
    engine: Engine, sessions: SessionFactory
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat, invites = await coordinator(engine, sessions)
    await partner(engine, invites.parent_carer, "started", rate=1)
    await partner(engine, invites.parent_carer, "finishes-sunday", rate=1)
    await partner(engine, invites.young_person, "finished")
    await mark(sessions, "finished", finished=True)
    await partner(engine, invites.practitioner, "reminded-saturday")
    with errands_at(engine, clock):
        await play(
            chat,
            [
                ("/remind", "Who would you like to remind?"),
                ("[Remind them later instead]", "choose the day and time next"),
                ("[Not finished yet (3)]", "When should it go?"),
                ("Monday 9am", "It will go on Monday 26 October at 09:00."),
            ],
        )
        assert "A reminder to: Not finished yet, as the group is at that time" in chat.said
        assert "Anyone who has finished by then won't get it" in chat.said
        await play(chat, [("[Yes, schedule it]", "Scheduled: the reminder")])
        # A second one the day after, too close: it is said, and the spacing will keep it off.
        await play(
            chat,
            [
                ("/remind", ""),
                ("[Remind them later instead]", ""),
                ("[Not finished yet]", ""),
                ("Tuesday 9am", "You already have a reminder going on Monday 26 October at 09:00"),
                ("[Yes, schedule it]", "Scheduled: the reminder"),
            ],
        )
    assert await scheduled_rows(sessions) == [("scheduled", None), ("scheduled", None)]

    # Over the weekend: someone joins, someone is reminded by hand, someone finishes.
    await partner(engine, invites.parent_carer, "joined-saturday")
    await mark(sessions, "reminded-saturday", last_reminded_at=utc("2026-10-24 10:00"))
    await mark(sessions, "finishes-sunday", finished=True)

    step_to(clock, utc("2026-10-26 09:00"))
    courier = RecordingCourier()
    await worker(sessions, courier, clock).drain()
    assert to_partners(courier) == ["joined-saturday", "started"]
    assert all("gentle reminder" in s.text for s in courier.sent if s.address != "coord-1")
    assert "2 of 2 partners have it" in courier.received("coord-1")[-1].text

    step_to(clock, utc("2026-10-27 09:00"))
    await worker(sessions, courier, clock).drain()
    assert to_partners(courier) == ["joined-saturday", "started"]  # nobody twice in 7 days
    assert "had nobody to go to" in courier.received("coord-1")[-1].text
    released = [a[2] for a in await audit_actions(sessions) if a[1] == "scheduled.released"]
    assert [(r["partners"], r["spaced"]) for r in released] == [(2, 1), (0, 3)]
    scheduled = [a[2] for a in await audit_actions(sessions) if a[1] == "reminder.scheduled"]
    assert [s["audience"] for s in scheduled] == ["not_finished", "not_finished"]


async def test_a_new_time_typed_at_the_confirmation_is_taken_as_a_change_of_mind(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat, _ = await coordinator(engine, sessions)
    with errands_at(engine, WEDNESDAY):
        await play(
            chat,
            [
                (f"/prompt {QUESTION}", "Who should it go to?"),
                ("[Everyone]", "count as evidence"),
                ("[No, just collect]", "Everyone ("),
                ("[Send it later]", "When should it go?"),
                ("mon 9am", "Monday 26 October at 09:00"),
                ("no, tue 9am", "Tuesday 27 October at 09:00"),  # instead of a button
                ("[Yes, schedule it]", "Scheduled: prompt"),
            ],
        )
    async with sessions() as session:
        when = await session.scalar(select(Broadcast.scheduled_for))
    assert when == utc("2026-10-27 09:00")  # GMT by then: 09:00 in London is 09:00 UTC


async def test_closing_the_round_stops_what_was_scheduled_for_it(
    engine: Engine, sessions: SessionFactory
) -> None:
    clock = SteppedClock(WEDNESDAY)
    chat = await with_a_parent(engine, sessions)
    with errands_at(engine, clock):
        await schedule_prompt(chat, "Monday 9am")
        await play(
            chat,
            [
                ("/closeround", "Close “"),
                ("[Close it]", "won't go now, as nobody can answer in a closed round (stopped: 1)"),
                ("/scheduled", "Nothing is waiting"),
            ],
        )
    stops = [a for a in await audit_actions(sessions) if a[1] == "scheduled.stopped"]
    assert [detail["reason"] for _, _, detail in stops] == ["round closed"]
    step_to(clock, utc("2026-10-26 09:00"))
    courier = RecordingCourier()
    await worker(sessions, courier, clock).drain()
    assert to_partners(courier) == []
    assert await scheduled_rows(sessions) == []


async def test_a_new_round_stops_what_was_scheduled_for_the_last(
    engine: Engine, sessions: SessionFactory
) -> None:
    chat = await with_a_parent(engine, sessions)
    with errands_at(engine, WEDNESDAY):
        await schedule_prompt(chat, "Monday 9am")
        await play(
            chat,
            [
                ("/newround", "call the new round"),
                ("Spring 2027", "take part again"),
                ("[Open it]", "(stopped: 1)"),
            ],
        )
    async with sessions() as session:
        kinds = list(await session.scalars(select(Broadcast.kind)))
    assert "prompt" not in kinds  # the old round's prompt is gone, not left to reach nobody
