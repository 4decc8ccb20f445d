"""When the clinic is open and when each clinician works, in the clinic's wall-clock time.

Hours are local times; a booking is a UTC instant. Every conversion goes through the clinic's ZoneInfo for
the day in question, so a day that gains or loses an hour at a DST change still opens at 08:00 local.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kapdesk.domain.errors import FieldError

Span = tuple[datetime, datetime]  # half-open [start, end), UTC
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WeeklyHours:
    """Opening (or working) hours per weekday, 0 = Monday; a missing weekday is closed (not working)."""

    days: dict[int, tuple[time, time]] = field(default_factory=dict)

    def on(self, day: date) -> tuple[time, time] | None:
        return self.days.get(day.weekday())


DEFAULT_CLINIC_HOURS = WeeklyHours({d: (time(8), time(18)) for d in range(5)})


@dataclass(frozen=True)
class TimeOff:
    id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class Availability:
    """Everything the hours rules need, read once per check. Clinicians without hours of their own work the
    clinic's hours (the usual case in a small clinic)."""

    time_zone: str
    clinic: WeeklyHours = DEFAULT_CLINIC_HOURS
    closed_days: dict[date, str] = field(default_factory=dict)
    working: dict[int, WeeklyHours] = field(default_factory=dict)
    time_off: tuple[TimeOff, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def clinic_span(self, day: date) -> Span | None:
        if day in self.closed_days:
            return None
        hours = self.clinic.on(day)
        return local_span(day, hours, self.zone) if hours else None

    def working_span(self, user_id: int, day: date) -> Span | None:
        hours = self.working[user_id].on(day) if user_id in self.working else self.clinic.on(day)
        return local_span(day, hours, self.zone) if hours else None

    def open_spans(self, day: date, clinician_ids: Iterable[int]) -> list[Span]:
        """When all of these clinicians can be booked together on `day`: clinic hours, each one's working
        hours, minus anyone's time off."""
        clinic = self.clinic_span(day)
        if clinic is None:
            return []
        spans = [clinic]
        for user_id in clinician_ids:
            working = self.working_span(user_id, day)
            if working is None:
                return []
            spans = [s for span in spans if (s := _intersect(span, working))]
            for off in self.time_off:
                if off.user_id == user_id:
                    spans = [piece for span in spans for piece in _subtract(span, (off.starts_at, off.ends_at))]
        return spans


def local_span(day: date, hours: tuple[time, time], zone: ZoneInfo) -> Span:
    opens, closes = hours
    start = datetime.combine(day, opens, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
    return start, end


def hours_warnings(
    availability: Availability, starts_at: datetime, ends_at: datetime, clinicians: dict[int, str]
) -> list[str]:
    """Why this time is outside the clinic's hours or someone's working time; empty if it is not.
    These are warnings: the person booking may go ahead with a reason, which is recorded."""
    zone = availability.zone
    day = starts_at.astimezone(zone).date()
    warnings: list[str] = []
    if day in availability.closed_days:
        reason = availability.closed_days[day]
        warnings.append(f"The clinic is closed on {_day_words(day)}" + (f" ({reason})." if reason else "."))
    elif (clinic := availability.clinic_span(day)) is None:
        warnings.append(f"The clinic is closed on {WEEKDAYS[day.weekday()]}s.")
    elif not _within((starts_at, ends_at), clinic):
        warnings.append(f"It is outside clinic hours ({_hours_words(clinic, zone)}).")
    for user_id, name in clinicians.items():
        working = availability.working_span(user_id, day)
        if working is None:
            warnings.append(f"{name} doesn't work on {WEEKDAYS[day.weekday()]}s.")
        elif user_id in availability.working and not _within((starts_at, ends_at), working):
            warnings.append(f"It is outside {name}'s working hours ({_hours_words(working, zone)}).")
        for off in availability.time_off:
            if off.user_id == user_id and off.starts_at < ends_at and starts_at < off.ends_at:
                what = f" ({off.reason})" if off.reason else ""
                warnings.append(f"{name} is off then{what}.")
                break
    return warnings


LONGEST_TIME_OFF = timedelta(days=366)


def check_time_off(starts_at: datetime, ends_at: datetime) -> list[FieldError]:
    """Time off may run for days or weeks (a holiday), unlike an appointment."""
    if ends_at < starts_at:
        return [FieldError("end", "The end is before the start.")]
    if ends_at == starts_at:
        return [FieldError("end", "The time off has no length: the end is the same as the start.")]
    if ends_at - starts_at > LONGEST_TIME_OFF:
        return [FieldError("end", "Enter time off a year at a time at most.")]
    return []


def validate_hours(days: dict[int, tuple[time, time]]) -> list[FieldError]:
    errors = []
    for weekday, (opens, closes) in sorted(days.items()):
        if not 0 <= weekday <= 6:
            errors.append(FieldError("weekday", "There are only seven days in a week."))
        elif closes <= opens:
            errors.append(
                FieldError(WEEKDAYS[weekday].lower(), f"On {WEEKDAYS[weekday]} the end must be after the start.")
            )
    return errors


def _within(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _intersect(a: Span, b: Span) -> Span | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None


def _subtract(span: Span, cut: Span) -> list[Span]:
    if cut[1] <= span[0] or span[1] <= cut[0]:
        return [span]
    pieces = []
    if span[0] < cut[0]:
        pieces.append((span[0], cut[0]))
    if cut[1] < span[1]:
        pieces.append((cut[1], span[1]))
    return pieces


def _day_words(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%b} {day.day}"


def _hours_words(span: Span, zone: ZoneInfo) -> str:
    start, end = (t.astimezone(zone) for t in span)
    return f"{start:%H:%M}–{end:%H:%M}"


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
