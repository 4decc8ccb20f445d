"""Dates as clinic staff type them (3/12/1985 in US order, or 1985-03-12), and as printed documents write them."""

from __future__ import annotations

import re
from datetime import date, datetime

DATE_HINT = "MM/DD/YYYY"
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def looks_like_date(text: str) -> bool:
    return bool(_US.match(text.strip()) or _ISO.match(text.strip()))


def parse_user_date(text: str) -> date | None:
    """None for empty text; ValueError with a reason a person understands for anything not a date."""
    text = text.strip()
    if not text:
        return None
    us, iso = _US.match(text), _ISO.match(text)
    try:
        if us:
            return date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError as error:
        raise ValueError("isn't a real calendar date") from error
    raise ValueError(f"isn't a date; type it as {DATE_HINT}")


def long_date(day: date) -> str:
    """Monday, November 23, 2026."""
    return f"{day:%A}, {plain_date(day)}"


def plain_date(day: date) -> str:
    """November 23, 2026: for a birth date, where the weekday is noise."""
    return f"{day:%B} {day.day}, {day.year}"


def clock(when: datetime) -> str:
    """9:00 AM, on `when`'s own clock (no %-I: Windows' strftime lacks it)."""
    return f"{when.hour % 12 or 12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
