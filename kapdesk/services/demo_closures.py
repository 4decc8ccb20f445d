"""The demo clinic's calendar frame: the ten weeks it books, the days it is closed, and staff time off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from kapdesk.domain.opening_hours import TimeOff

PAST_WEEKS, COMING_WEEKS = 6, 4


def closures(
    rng: Random, today: date, zone: str, *, therapist: int, nurse: int, prescriber: int
) -> tuple[dict[date, str], list[TimeOff]]:
    """Closed weekdays (public holidays in range, else a training day ahead) and a little time off: the
    therapist's vacation week, the nurse's sick day last month, the prescriber's afternoon at a conference."""
    first, last = window(today)
    closed = {d: name for d, name in _holidays({first.year, last.year}).items() if first <= d <= last}
    if not any(d > today for d in closed):
        closed[_weekday(today + timedelta(days=rng.randint(8, 14)))] = "Staff training day"
    tz = ZoneInfo(zone)

    def away(user: int, day: date, starts: time, ends: time, days: int, reason: str) -> TimeOff:
        return TimeOff(0, user, at(day, starts, tz), at(day + timedelta(days=days), ends, tz), reason)

    vacation = today + timedelta(days=14 - today.weekday())  # the Monday after next
    sick = _weekday(today - timedelta(days=rng.randint(10, 20)))
    conference = _weekday(today + timedelta(days=rng.randint(1, 6)))
    while conference in closed:
        conference = _weekday(conference + timedelta(days=1))
    return closed, [
        away(therapist, vacation, time(0), time(0), 5, "Vacation"),
        away(nurse, sick, time(0), time(0), 1, "Sick day"),
        away(prescriber, conference, time(12), time(18), 0, "Conference"),
    ]


def window(today: date) -> tuple[date, date]:
    """The first and last day the demo books: six weeks back, four weeks on (today included)."""
    return today - timedelta(weeks=PAST_WEEKS), today + timedelta(weeks=COMING_WEEKS) - timedelta(days=1)


def at(day: date, wall_clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall_clock, tzinfo=zone).astimezone(UTC)


def _weekday(day: date) -> date:
    """`day`, or the Monday after if it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _holidays(years: set[int]) -> dict[date, str]:
    """US federal holidays a small clinic closes for, on weekdays only (the clinic is shut at weekends anyway)."""

    def nth(year: int, month: int, weekday: int, n: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))

    found: dict[date, str] = {}
    for year in years:
        last_monday_of_may = nth(year, 5, 0, 5) if nth(year, 5, 0, 5).month == 5 else nth(year, 5, 0, 4)
        found |= {
            date(year, 1, 1): "New Year's Day",
            last_monday_of_may: "Memorial Day",
            date(year, 7, 4): "Independence Day",
            nth(year, 9, 0, 1): "Labor Day",
            nth(year, 11, 3, 4): "Thanksgiving",
            date(year, 12, 25): "Christmas Day",
        }
    return {day: name for day, name in found.items() if day.weekday() < 5}
