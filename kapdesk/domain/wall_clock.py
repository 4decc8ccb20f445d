"""Wall-clock times in the clinic's zone and the UTC instants the services store, both ways, DST-correct."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def to_utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """The instant a naive clinic wall-clock time names, or None if the clocks skip it (a spring-forward gap).

    In an autumn overlap the first of the two moments is meant: "01:30" is the earlier 01:30.
    """
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if to_local(instant, zone) != local.replace(fold=0):
        return None  # zoneinfo would quietly shift a missing time by an hour; say so instead
    return instant


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a clinic day: midnight, unless the clocks skip it (Chile and Cuba change at 00:00)."""
    local = datetime.combine(day, time(0))
    while (instant := to_utc(local, zone)) is None:
        local += timedelta(minutes=15)
    return instant


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive clinic wall-clock time of an aware instant."""
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def zone_words(name: str, now: datetime) -> str:
    """ "America/Los Angeles (PST, UTC−8 now)": the zone as people say it, with today's offset."""
    if name == "UTC":
        return "UTC"
    here = now.astimezone(ZoneInfo(name))
    offset = here.utcoffset() or timedelta()
    hours, rest = divmod(abs(int(offset.total_seconds())) // 60, 60)
    sign = "−" if offset < timedelta() else "+"
    amount = f"{sign}{hours}" + (f":{rest:02d}" if rest else "") if offset else ""
    abbreviation = here.tzname() or ""
    label = name.replace("_", " ")
    if abbreviation in ("UTC", "") or abbreviation.startswith(("+", "-")):
        return f"{label} (UTC{amount} now)"
    return f"{label} ({abbreviation}, UTC{amount} now)"


def duration_words(minutes: int) -> str:
    """ "2 h 15 min", "45 min", "2 h"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
