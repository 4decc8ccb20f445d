"""What the calendar is showing: day, week or agenda; by clinician or by room; which date. Plain values, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import Appointment
from kapdesk.domain.opening_hours import Availability
from kapdesk.domain.rooms import RoomInfo
from kapdesk.domain.staff import Clinician
from kapdesk.ui.schedule.layout import Column


class Mode(StrEnum):
    DAY = "day"
    WEEK = "week"
    AGENDA = "agenda"


class By(StrEnum):
    CLINICIAN = "clinician"
    ROOM = "room"


@dataclass(frozen=True)
class ViewState:
    mode: Mode
    by: By
    day: date
    focus_id: int | None = None  # the week's (or agenda's) clinician or room; None = whole clinic (agenda only)

    def first_day(self) -> date:
        return self.day if self.mode is Mode.DAY else self.day - timedelta(days=self.day.weekday())

    def days(self) -> list[date]:
        count = 1 if self.mode is Mode.DAY else 7
        return [self.first_day() + timedelta(days=n) for n in range(count)]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        days = self.days()
        start = datetime.combine(days[0], time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        return start, end

    def step(self, delta: int) -> ViewState:
        return replace(self, day=self.day + timedelta(days=delta * (1 if self.mode is Mode.DAY else 7)))

    def filters(self) -> dict[str, int]:
        """What the service query narrows to: a week or agenda for one clinician or room."""
        if self.mode is Mode.DAY or self.focus_id is None:
            return {}
        return {"clinician_id" if self.by is By.CLINICIAN else "room_id": self.focus_id}

    def title(self) -> str:
        days = self.days()
        if len(days) == 1:
            return f"{days[0]:%A, %B} {days[0].day}, {days[0].year}"
        first, last = days[0], days[-1]
        return f"Week of {first:%b} {first.day} – {last:%b} {last.day}, {last.year}"


def columns(
    state: ViewState,
    clinicians: tuple[Clinician, ...],
    rooms: tuple[RoomInfo, ...],
    appointments: tuple[Appointment, ...],
) -> list[Column]:
    """Day view: a column per active clinician (or room), plus any inactive one still holding bookings that
    day; week view: a column per day for the focused clinician or room."""
    if state.mode is Mode.WEEK:
        clinician = state.focus_id if state.by is By.CLINICIAN else None
        room = state.focus_id if state.by is By.ROOM else None
        return [Column(f"d{d.isoformat()}", f"{d:%a %m/%d}", d, clinician, room) for d in state.days()]
    busy_people = {c for a in appointments for c in a.clinician_ids}
    busy_rooms = {a.room_id for a in appointments}
    if state.by is By.CLINICIAN:
        return [
            Column(f"c{c.id}", c.label, state.day, c.id, None) for c in clinicians if c.active or c.id in busy_people
        ]
    return [Column(f"r{r.id}", r.name, state.day, None, r.id) for r in rooms if r.active or r.id in busy_rooms]


def open_spans(
    state: ViewState, cols: list[Column], availability: Availability
) -> dict[str, list[tuple[datetime, datetime]]]:
    """When each column can be booked: clinic hours, and a clinician's own hours and time off."""
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for column in cols:
        if column.clinician_id is not None:
            spans[column.key] = availability.open_spans(column.day, [column.clinician_id])
        else:
            clinic = availability.clinic_span(column.day)
            spans[column.key] = [clinic] if clinic else []
    return spans


def hour_range(state: ViewState, availability: Availability, appointments: tuple[Appointment, ...]) -> tuple[int, int]:
    """Clinic hours with an hour to spare either side, stretched to show any appointment booked outside them."""
    zone = availability.zone
    opens = [h[0].hour for d in state.days() if (h := availability.clinic.on(d))]
    closes = [h[1].hour + (1 if h[1].minute else 0) for d in state.days() if (h := availability.clinic.on(d))]
    first = min(opens, default=8) - 1
    last = max(closes, default=18) + 1
    for appointment in appointments:
        start, end = appointment.starts_at.astimezone(zone), appointment.room_free_at.astimezone(zone)
        first = min(first, start.hour)
        last = max(last, end.hour + (1 if end.minute else 0) if end.date() == start.date() else 24)
    return max(first, 0), min(last, 24)
