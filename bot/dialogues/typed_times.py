"""A day and time as a co-ordinator types it on a phone: "Monday 09:00", "tomorrow 8:30".

What is understood, in any order, upper or lower case, with "at", "on", "the", "next", "this"
or a change of mind ("no, make it … instead") anywhere (they change nothing):

- a time: `09:00`, `9:00`, `9.30`, `9am`, `9:30pm`, `2 pm`, `noon` or `midday`. A bare number
  ("Monday 9") is not a time: 9 in the morning and 9 at night are both plausible, so we ask;
- a day, optionally: `today`, `tomorrow`, a weekday (`Monday`, `mon`, `tues`, `weds`, `thurs`),
  a date day first, British style (`25/11`, `25/11/2026`, `25-11-26`), or a day and a month in
  words (`25 Nov`, `25th November 2026`, `November 25`). A weekday beside a date is checked;
- or, alone, a time from now: `in 2 hours`, `in 30 minutes`, `in an hour`, `in 3 days`,
  `in 1 week` (`2h`, `30m`, `3d`, `1w` too).

A weekday or a time without a day means the next one still ahead (typed on a Monday at 07:00,
"Monday 09:00" is today). A date without a year is this year's, or next year's if this year's
went by more than six months ago ("5/1" in December); a date a few days gone is refused as past,
since it was probably mistyped. Times are the organisation's wall-clock times: "Monday 09:00"
is 09:00 on Monday whether Monday is in summer time or not. The answer is UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

FURTHEST = timedelta(days=60)  # a term's planning, and short enough to still be what was meant
_UNSURE_PAST = timedelta(days=183)  # a yearless date gone by less than this is a mistake

WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed", "weds"), 2),
    **dict.fromkeys(("thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
MONTHS = {
    **dict.fromkeys(("january", "jan"), 1),
    **dict.fromkeys(("february", "feb"), 2),
    **dict.fromkeys(("march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("may",), 5),
    **dict.fromkeys(("june", "jun"), 6),
    **dict.fromkeys(("july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}
DAYS_FROM_TODAY = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmw": 1}
NOON = ("noon", "midday")
# Words that change nothing, including a change of mind: "no, make it tue 9am instead".
FILLER = frozenset(
    {"at", "on", "the", "of", "next", "this", "no", "actually", "make", "it", "instead", "please"}
)
UNITS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), timedelta(minutes=1)),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), timedelta(hours=1)),
    **dict.fromkeys(("day", "days", "d"), timedelta(days=1)),
    **dict.fromkeys(("week", "weeks", "w"), timedelta(weeks=1)),
}

_FROM_NOW = re.compile(r"in\s+(an?|one|\d{1,3})\s*([a-z]+)")
_TWELVE_HOUR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)")
_TWENTY_FOUR_HOUR = re.compile(r"(\d{1,2})[:.](\d{2})")
_NUMBERED_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?")


class Problem(StrEnum):
    """Why a typed time was not taken; each has its own words for the co-ordinator."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    WHICH_HOUR = "which_hour"  # "Monday 9": morning or evening?
    NO_TIME = "no_time"  # a day but no time of day
    NO_SUCH_DATE = "no_such_date"  # 31/2
    WRONG_WEEKDAY = "wrong_weekday"  # "Tuesday 30/11" when 30/11 is a Monday
    PAST = "past"
    TOO_FAR = "too_far"


class NotATime(ValueError):
    def __init__(
        self,
        problem: Problem,
        *,
        at: datetime | None = None,
        weekday: int | None = None,
        hour: int | None = None,
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.at = at  # the moment meant, when it is known (one past, a date's real weekday)
        self.weekday = weekday  # the weekday typed beside a date it does not fit
        self.hour = hour  # a bare hour, for asking which one


@dataclass
class _Said:
    """The parts of what was typed, each said at most once."""

    clock: time | None = None
    weekday: int | None = None
    days_ahead: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None

    def set(self, **parts: int | time) -> None:
        for name, value in parts.items():
            if getattr(self, name) is not None:
                raise NotATime(Problem.UNREADABLE)  # two times, two dates …
            setattr(self, name, value)


def read_when(typed: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment `typed` means, in UTC, strictly after `now` and at most FURTHEST ahead."""
    text = _normalised(typed)
    if not text:
        raise NotATime(Problem.EMPTY)
    from_now = _FROM_NOW.fullmatch(text)
    if from_now:
        at = _from_now(from_now, now)
    else:
        at = _on_the_day(_parts(text), now.astimezone(zone), zone)
    if at <= now:
        raise NotATime(Problem.PAST, at=at)
    if at > now + FURTHEST:
        raise NotATime(Problem.TOO_FAR)
    return at


def _normalised(typed: str) -> str:
    text = " ".join(typed.lower().replace(",", " ").split())
    text = text.replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text)  # "2 pm"
    return re.sub(r"\b(\d{1,2})(st|nd|rd|th)\b", r"\1", text)  # "25th"


def _from_now(match: re.Match[str], now: datetime) -> datetime:
    amount = 1 if match[1] in ("a", "an", "one") else int(match[1])
    unit = UNITS.get(match[2])
    if unit is None:
        raise NotATime(Problem.UNREADABLE)
    # To the minute: "in 2 hours" at 10:14:37 is 12:14, as it will be read back.
    return (now + amount * unit).replace(second=0, microsecond=0).astimezone(UTC)


def _parts(text: str) -> _Said:
    said = _Said()
    for word in text.split():
        if word in FILLER:
            continue
        if word in DAYS_FROM_TODAY:
            said.set(days_ahead=DAYS_FROM_TODAY[word])
        elif word in WEEKDAYS:
            said.set(weekday=WEEKDAYS[word])
        elif word in MONTHS:
            said.set(month=MONTHS[word])
        elif word in NOON:
            said.set(clock=time(12, 0))
        elif match := _TWELVE_HOUR.fullmatch(word):
            said.set(clock=_twelve_hour(int(match[1]), int(match[2] or 0), match[3]))
        elif match := _TWENTY_FOUR_HOUR.fullmatch(word):
            said.set(clock=_clock(int(match[1]), int(match[2])))
        elif match := _NUMBERED_DATE.fullmatch(word):
            said.set(day=int(match[1]), month=int(match[2]))
            if match[3]:
                said.set(year=_year(match[3]))
        elif word.isdigit() and len(word) <= 2:
            said.set(day=int(word))  # only with a month in words: checked below
        elif word.isdigit() and len(word) == 4:
            said.set(year=int(word))
        else:
            raise NotATime(Problem.UNREADABLE)
    return said


def _twelve_hour(hour: int, minute: int, half: str) -> time:
    if not 1 <= hour <= 12:
        raise NotATime(Problem.UNREADABLE)
    return _clock(hour % 12 + (12 if half == "pm" else 0), minute)


def _clock(hour: int, minute: int) -> time:
    if hour > 23 or minute > 59:
        raise NotATime(Problem.UNREADABLE)
    return time(hour, minute)


def _year(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


def _on_the_day(said: _Said, here: datetime, zone: ZoneInfo) -> datetime:
    bare = said.day is not None and said.month is None and said.year is None
    if bare and said.clock is None and said.day is not None and 1 <= said.day <= 12:
        raise NotATime(Problem.WHICH_HOUR, hour=said.day)  # "Monday 9", "tomorrow at 3"
    dated = said.day is not None or said.month is not None or said.year is not None
    if dated and (said.day is None or said.month is None or said.days_ahead is not None):
        raise NotATime(Problem.UNREADABLE)  # "25", "November", "tomorrow 25/11"
    if said.clock is None:
        if dated or said.weekday is not None or said.days_ahead is not None:
            raise NotATime(Problem.NO_TIME)
        raise NotATime(Problem.UNREADABLE)
    today = here.date()
    if dated:
        assert said.day is not None and said.month is not None
        day = _date(said.year or today.year, said.month, said.day)
        if said.year is None and _at(day, said.clock, zone) <= here - _UNSURE_PAST:
            day = _date(today.year + 1, said.month, said.day)
    elif said.days_ahead is not None:
        day = today + timedelta(days=said.days_ahead)
    elif said.weekday is not None:
        day = today + timedelta(days=(said.weekday - today.weekday()) % 7)
        if _at(day, said.clock, zone) <= here:
            day += timedelta(days=7)
        return _at(day, said.clock, zone)
    else:  # a time alone: the next one
        day = today if _at(today, said.clock, zone) > here else today + timedelta(days=1)
    if said.weekday is not None and day.weekday() != said.weekday:
        raise NotATime(Problem.WRONG_WEEKDAY, at=_at(day, said.clock, zone), weekday=said.weekday)
    return _at(day, said.clock, zone)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NotATime(Problem.NO_SUCH_DATE) from None


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # The offset of that day, not today's: 09:00 on a winter Monday is 09:00 GMT even if it is
    # typed in summer time. A time skipped when the clocks go forward lands an hour later.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
