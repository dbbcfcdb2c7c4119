"""Reading a day and time as a co-ordinator types it: British dates, the organisation's wall
clock on the day meant (summer time or not), and every way it can be refused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dialogues.typed_times import NotATime, Problem, read_when

LONDON = ZoneInfo("Europe/London")
# Wednesday 21 October 2026, 10:00 in London (BST); the clocks go back on Sunday 25 October.
AUTUMN = datetime(2026, 10, 21, 10, 0, tzinfo=LONDON)
# Wednesday 25 March 2026, 10:00 in London (GMT); the clocks go forward on Sunday 29 March.
SPRING = datetime(2026, 3, 25, 10, 0, tzinfo=LONDON)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # Monday is after the clocks go back: 09:00 GMT is 09:00 UTC, not 08:00.
        ("Monday 09:00", "2026-10-26 09:00"),
        ("mon 9am", "2026-10-26 09:00"),
        ("next Monday at 9 a.m.", "2026-10-26 09:00"),
        ("9:00 on Monday", "2026-10-26 09:00"),
        ("no, make it Monday 9am instead please", "2026-10-26 09:00"),  # a change of mind
        # Friday is still in summer time: 09:30 BST is 08:30 UTC.
        ("Friday 9.30", "2026-10-23 08:30"),
        ("tomorrow 8:30", "2026-10-22 07:30"),
        ("Tomorrow, 2 pm", "2026-10-22 13:00"),
        ("today 4pm", "2026-10-21 15:00"),
        ("noon", "2026-10-21 11:00"),  # a time alone: the next one still ahead
        ("09:30", "2026-10-22 08:30"),  # already gone today: tomorrow's
        ("Wednesday 11:00", "2026-10-21 10:00"),  # today is Wednesday, and 11:00 is ahead
        ("wed 9am", "2026-10-28 09:00"),  # today's 09:00 has gone: next week's
        ("25/11 14:00", "2026-11-25 14:00"),
        ("25/11/2026 14:00", "2026-11-25 14:00"),
        ("25-11-26 2pm", "2026-11-25 14:00"),
        ("25 Nov 2pm", "2026-11-25 14:00"),
        ("25th November 2026 at 14:00", "2026-11-25 14:00"),
        ("Nov 25 2pm", "2026-11-25 14:00"),
        ("Wednesday 25 November 14:00", "2026-11-25 14:00"),
        ("12am tomorrow", "2026-10-21 23:00"),  # midnight tonight, BST
        ("12pm tomorrow", "2026-10-22 11:00"),
        ("in 2 hours", "2026-10-21 11:00"),
        ("in an hour", "2026-10-21 10:00"),
        ("in 30 minutes", "2026-10-21 09:30"),
        ("in 3 days", "2026-10-24 09:00"),
        ("IN 1 WEEK", "2026-10-28 09:00"),
        ("in 2h", "2026-10-21 11:00"),
    ],
)
def test_what_is_typed_means_a_moment_in_utc(typed: str, meant: str) -> None:
    assert read_when(typed, AUTUMN.astimezone(UTC), LONDON) == utc(meant)


def test_in_spring_a_monday_after_the_clocks_go_forward_is_an_hour_earlier_in_utc() -> None:
    now = SPRING.astimezone(UTC)
    assert read_when("Friday 09:00", now, LONDON) == utc("2026-03-27 09:00")  # GMT
    assert read_when("Monday 09:00", now, LONDON) == utc("2026-03-30 08:00")  # BST


def test_a_yearless_date_early_next_year_is_next_years() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=LONDON).astimezone(UTC)
    assert read_when("5/1 09:00", december, LONDON) == utc("2027-01-05 09:00")
    assert read_when("5 Jan 9am", december, LONDON) == utc("2027-01-05 09:00")


def test_another_time_zone_is_read_on_its_own_clock() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 10, 21, 10, 0, tzinfo=new_york).astimezone(UTC)
    assert read_when("tomorrow 9am", now, new_york) == utc("2026-10-22 13:00")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Problem.EMPTY),
        ("   ", Problem.EMPTY),
        ("banana o'clock", Problem.UNREADABLE),
        ("Monday 9", Problem.WHICH_HOUR),  # 9 in the morning, or at night?
        ("tomorrow at 3", Problem.WHICH_HOUR),
        ("Monday 25", Problem.UNREADABLE),
        ("25 14:00", Problem.UNREADABLE),  # the 25th of which month?
        ("November 14:00", Problem.UNREADABLE),
        ("Monday 9am 10am", Problem.UNREADABLE),
        ("tomorrow 25/11 9am", Problem.UNREADABLE),
        ("25:00", Problem.UNREADABLE),
        ("13pm", Problem.UNREADABLE),
        ("in 2 fortnights", Problem.UNREADABLE),
        ("Monday", Problem.NO_TIME),
        ("25/11", Problem.NO_TIME),
        ("tomorrow", Problem.NO_TIME),
        ("31/11 10:00", Problem.NO_SUCH_DATE),
        ("29/2/2027 10:00", Problem.NO_SUCH_DATE),
        ("Tuesday 26/10 09:00", Problem.WRONG_WEEKDAY),  # 26 October 2026 is a Monday
        ("today 9am", Problem.PAST),
        ("20/10 09:00", Problem.PAST),  # yesterday: a slip, not next year
        ("1/1/2026 09:00", Problem.PAST),
        ("in 0 minutes", Problem.PAST),
        ("25/12 10:00", Problem.TOO_FAR),  # 65 days ahead
        ("in 9 weeks", Problem.TOO_FAR),
    ],
)
def test_what_cannot_be_taken_says_why(typed: str, problem: Problem) -> None:
    with pytest.raises(NotATime) as refused:
        read_when(typed, AUTUMN.astimezone(UTC), LONDON)
    assert refused.value.problem is problem


def test_a_refusal_carries_what_the_coordinator_is_told() -> None:
    now = AUTUMN.astimezone(UTC)
    with pytest.raises(NotATime) as wrong:
        read_when("Tuesday 26/10 09:00", now, LONDON)
    assert wrong.value.weekday == 1 and wrong.value.at == utc("2026-10-26 09:00")
    with pytest.raises(NotATime) as past:
        read_when("today 9am", now, LONDON)
    assert past.value.at == utc("2026-10-21 08:00")
