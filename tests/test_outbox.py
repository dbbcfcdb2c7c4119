"""The outbox as the co-ordinators' dialogue uses it: enqueue in one transaction, quiet hours,
alerts, progress counts, and /forget taking a partner's waiting messages with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.dialogues.replies import Attachment, AttachmentKind, Button, Reply
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Organisation, OutboxMessage, Partner
from bot.state.outbox import (
    BroadcastProgress,
    Status,
    broadcast_progress,
    enqueue_alert,
    enqueue_broadcast,
    next_sending_time,
    reply_of,
    resend_uncertain,
)
from bot.state.partners import erase_partner
from tests.broadcast_fakes import WORKING_HOURS, Seeded, seed

PROMPT = Reply(
    "What helped this week?", ((Button("Reply", "g:reply:1"), Button("Not now", "g:not_now")),)
)


def at(text: str, zone: str = "Europe/London") -> datetime:
    """A wall-clock time in `zone`, e.g. at("2026-03-28 21:30")."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def organisation(**fields: object) -> Organisation:
    values: dict[str, object] = {
        "time_zone": "Europe/London",
        "quiet_from": "20:00",
        "quiet_until": "08:00",
    }
    values.update(fields)
    return Organisation(**values)


@pytest.mark.parametrize(
    ("enqueued", "goes"),
    [
        ("2026-01-06 21:30", "2026-01-07 08:00"),  # evening: the next morning
        ("2026-01-07 02:00", "2026-01-07 08:00"),  # small hours: this morning
        ("2026-01-06 20:00", "2026-01-07 08:00"),  # quiet from 20:00 exactly
        ("2026-01-06 19:59", "2026-01-06 19:59"),
        ("2026-01-07 08:00", "2026-01-07 08:00"),  # quiet until 08:00, not through it
        ("2026-01-06 12:00", "2026-01-06 12:00"),
        # The night the clocks go forward (01:00 GMT → 02:00 BST): 08:00 BST is 07:00 UTC.
        ("2026-03-28 21:30", "2026-03-29 08:00"),
        # The night they go back (02:00 BST → 01:00 GMT): 08:00 GMT is 08:00 UTC.
        ("2026-10-24 21:30", "2026-10-25 08:00"),
    ],
)
def test_quiet_hours_in_the_organisations_time_zone(enqueued: str, goes: str) -> None:
    when = next_sending_time(organisation(), at(enqueued))
    assert when == at(goes).astimezone(UTC)
    assert when.tzinfo is UTC


def test_quiet_hours_across_summer_time_are_wall_clock_hours() -> None:
    spring = next_sending_time(organisation(), at("2026-03-28 21:30"))
    autumn = next_sending_time(organisation(), at("2026-10-24 21:30"))
    assert spring == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert autumn == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


def test_quiet_hours_of_another_zone_and_shape() -> None:
    new_york = organisation(time_zone="America/New_York", quiet_from="21:00", quiet_until="07:30")
    assert next_sending_time(new_york, at("2026-01-06 22:00", "America/New_York")) == at(
        "2026-01-07 07:30", "America/New_York"
    )
    lunch = organisation(quiet_from="12:00", quiet_until="13:00")
    assert next_sending_time(lunch, at("2026-01-06 12:30")) == at("2026-01-06 13:00")
    assert next_sending_time(lunch, at("2026-01-06 21:30")) == at("2026-01-06 21:30")
    never = organisation(quiet_from="00:00", quiet_until="00:00")
    assert next_sending_time(never, at("2026-01-06 03:00")) == at("2026-01-06 03:00")


def test_quiet_hours_refuse_what_they_cannot_read() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_sending_time(organisation(), datetime(2026, 1, 6, 21, 30))
    with pytest.raises(ValueError, match="HH:MM"):
        next_sending_time(organisation(quiet_from="8pm"), at("2026-01-06 21:30"))


async def _enqueue(
    sessions: SessionFactory, seeded: Seeded, when: datetime, **options: object
) -> Broadcast:
    async with sessions() as session, session.begin():
        org = await session.get_one(Organisation, seeded.organisation_id)
        return await enqueue_broadcast(
            session,
            organisation=org,
            round_id=seeded.round_id,
            kind="prompt",
            coordinator_id=seeded.coordinator_id,
            partner_ids=options.pop("partner_ids", seeded.partner_ids),  # type: ignore[arg-type]
            reply=PROMPT,
            prompt_id=seeded.prompt_id,
            now=when,
            **options,  # type: ignore[arg-type]
        )


async def test_a_broadcast_is_stored_whole_with_the_time_it_may_go(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, [str(n) for n in range(1, 251)])
    evening = at("2026-01-06 21:30")
    broadcast = await _enqueue(
        sessions, seeded, evening, partner_ids=seeded.partner_ids + seeded.partner_ids[:5]
    )
    morning = at("2026-01-07 08:00").astimezone(UTC)
    assert broadcast.total == 250 and broadcast.scheduled_for == morning
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert len(rows) == 250  # each partner once, though named twice
    assert {row.not_before for row in rows} == {morning}
    assert {row.status for row in rows} == {Status.PENDING}
    assert reply_of(rows[0].text, rows[0].buttons) == PROMPT


async def test_a_scheduled_broadcast_waits_for_its_time(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, ["1", "2"])
    monday = at("2026-01-12 09:00").astimezone(UTC)
    broadcast = await _enqueue(sessions, seeded, WORKING_HOURS, scheduled_for=monday)
    assert broadcast.scheduled_for == monday
    async with sessions() as session:
        assert set(await session.scalars(select(OutboxMessage.not_before))) == {monday}


async def test_enqueueing_is_the_callers_transaction(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, ["1", "2", "3"])
    async with sessions() as session:
        async with session.begin():
            org = await session.get_one(Organisation, seeded.organisation_id)
            await enqueue_broadcast(
                session,
                organisation=org,
                round_id=seeded.round_id,
                kind="reminder",
                coordinator_id=None,
                partner_ids=seeded.partner_ids,
                reply=PROMPT,
            )
            await session.rollback()  # the co-ordinator's step failed after enqueueing
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_partners_of_another_organisation_are_left_out(sessions: SessionFactory) -> None:
    ours = await seed(sessions, ["1", "2"])
    async with sessions() as session, session.begin():
        other = Organisation(slug="elm", name="Elm Academy", setting_names={})
        session.add(other)
        await session.flush()
        stranger = Partner(organisation_id=other.id, role="parent-carer", number=1)
        session.add(stranger)
        await session.flush()
        stranger_id = stranger.id
    broadcast = await _enqueue(
        sessions, ours, WORKING_HOURS, partner_ids=[*ours.partner_ids, stranger_id, 99_999]
    )
    assert broadcast.total == 2
    async with sessions() as session:
        assert set(await session.scalars(select(OutboxMessage.partner_id))) == set(ours.partner_ids)


async def test_what_the_outbox_cannot_carry_is_refused_when_enqueued(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["1"])
    async with sessions() as session, session.begin():
        org = await session.get_one(Organisation, seeded.organisation_id)
        common = {
            "organisation": org,
            "round_id": seeded.round_id,
            "coordinator_id": None,
            "partner_ids": seeded.partner_ids,
        }
        with pytest.raises(ValueError, match="64 bytes"):
            await enqueue_broadcast(
                session,
                kind="prompt",
                reply=Reply("Hi", ((Button("Go", "g:" + "x" * 63),),)),
                **common,  # type: ignore[arg-type]
            )
        with pytest.raises(ValueError, match="attachments"):
            chart = Attachment(AttachmentKind.PHOTO, "chart.png", b"\x89PNG")
            await enqueue_broadcast(
                session,
                kind="prompt",
                reply=Reply("Hi", attachment=chart),
                **common,  # type: ignore[arg-type]
            )
        with pytest.raises(ValueError, match="broadcast is one of"):
            await enqueue_broadcast(
                session,
                kind="alert",
                reply=Reply("Hi"),
                **common,  # type: ignore[arg-type]
            )


async def test_alerts_ignore_quiet_hours(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, [])
    night = at("2026-01-06 23:45").astimezone(UTC)
    async with sessions() as session, session.begin():
        await enqueue_alert(
            session,
            organisation_id=seeded.organisation_id,
            coordinator_ids=[seeded.coordinator_id, seeded.coordinator_id],
            reply=Reply("A partner wrote something a safeguarding lead should see."),
            now=night,
        )
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert [(r.purpose, r.coordinator_id, r.not_before) for r in rows] == [
        ("alert", seeded.coordinator_id, night)
    ]


async def test_progress_counts_each_state(sessions: SessionFactory) -> None:
    seeded = await seed(sessions, [str(n) for n in range(1, 8)])
    broadcast = await _enqueue(sessions, seeded, WORKING_HOURS)
    states = ["sent", "sent", "sending", "pending", "unreachable", "uncertain", "failed"]
    async with sessions() as session, session.begin():
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        for row, state in zip(rows, states, strict=True):
            row.status = state
    async with sessions() as session:
        progress = await broadcast_progress(session, broadcast.id)
    assert progress == BroadcastProgress(sent=2, waiting=2, unreachable=1, uncertain=1, failed=1)
    assert progress.total == 7 and not progress.finished


async def test_uncertain_messages_can_be_sent_again_when_the_coordinator_asks(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["1", "2"])
    broadcast = await _enqueue(sessions, seeded, WORKING_HOURS)
    async with sessions() as session, session.begin():
        row = await session.scalar(select(OutboxMessage).limit(1))
        assert row is not None
        row.status = Status.UNCERTAIN
        stored = await session.get_one(Broadcast, broadcast.id)
        stored.finished_at = WORKING_HOURS
    later = WORKING_HOURS + timedelta(hours=1)
    async with sessions() as session, session.begin():
        assert await resend_uncertain(session, broadcast.id, now=later) == 1
    async with sessions() as session:
        assert (await broadcast_progress(session, broadcast.id)).waiting == 2
        assert (await session.get_one(Broadcast, broadcast.id)).finished_at is None


async def test_forget_takes_a_partners_waiting_messages_with_them(
    sessions: SessionFactory,
) -> None:
    seeded = await seed(sessions, ["1", "2"])
    await _enqueue(sessions, seeded, WORKING_HOURS)
    async with sessions() as session, session.begin():
        partner = await session.get_one(Partner, seeded.partner_ids[0])
        await erase_partner(session, partner)
    async with sessions() as session:
        assert list(await session.scalars(select(OutboxMessage.partner_id))) == [
            seeded.partner_ids[1]
        ]
