"""Recurring appointments: each repeat keeps the same wall-clock time in the clinic, across DST changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kapdesk.domain.errors import FieldError

MAX_REPEATS = 52
MAX_INTERVAL_DAYS = 28


@dataclass(frozen=True)
class Repeat:
    every_days: int  # 7 = weekly
    count: int  # how many appointments in all, the first included


def check_repeat(repeat: Repeat) -> list[FieldError]:
    errors = []
    if not 1 <= repeat.every_days <= MAX_INTERVAL_DAYS:
        errors.append(FieldError("repeat", f"Repeat every 1 to {MAX_INTERVAL_DAYS} days."))
    if not 2 <= repeat.count <= MAX_REPEATS:
        errors.append(FieldError("repeat", f"A series has 2 to {MAX_REPEATS} appointments."))
    return errors


def repeat_starts(first: datetime, repeat: Repeat, zone: ZoneInfo) -> list[datetime]:
    """The UTC start of each appointment: the first's local date plus n intervals, at its local time."""
    local = first.astimezone(zone).replace(tzinfo=None)
    return [
        (local + timedelta(days=n * repeat.every_days)).replace(tzinfo=zone).astimezone(UTC)
        for n in range(repeat.count)
    ]


def shift_wall_clock(when: datetime, old_anchor: datetime, new_anchor: datetime, zone: ZoneInfo) -> datetime:
    """Move `when` by the wall-clock distance the anchor moved: "this and the following" moved from Tuesday
    09:00 to Wednesday 10:00 lands every later one on its Wednesday at 10:00, whichever side of a DST change."""

    def wall(instant: datetime) -> datetime:
        return instant.astimezone(zone).replace(tzinfo=None)

    return (wall(when) + (wall(new_anchor) - wall(old_anchor))).replace(tzinfo=zone).astimezone(UTC)


class Scope(StrEnum):
    """How far a change to one appointment of a series reaches."""

    ONE = "one"
    FOLLOWING = "following"  # this one and the later ones still to come
