"""Appointments: kinds, routes, statuses and the rules a booking must pass before it touches the calendar."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kapdesk.domain.errors import FieldError

NOTES_MAX = 500
REASON_MAX = 200
LONGEST_APPOINTMENT = timedelta(hours=12)  # longer than any clinic day: a typo, not a booking


class AppointmentKind(StrEnum):
    CONSULTATION = "consultation"
    PREPARATION = "preparation"
    DOSING = "dosing"
    INTEGRATION = "integration"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


class Route(StrEnum):
    """How ketamine is given; it sets how long a dosing session holds its room (CLINICAL.md)."""

    IV = "iv"
    IM = "im"
    SUBLINGUAL = "sublingual"
    ESKETAMINE = "esketamine"

    @property
    def label(self) -> str:
        return _ROUTE_LABELS[self]


_ROUTE_LABELS = {
    Route.IV: "IV infusion",
    Route.IM: "IM injection",
    Route.SUBLINGUAL: "sublingual",
    Route.ESKETAMINE: "intranasal esketamine",
}


class Status(StrEnum):
    SCHEDULED = "scheduled"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


# Where each status may go next. Checking in by mistake can be undone; what is finished stays finished.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SCHEDULED: frozenset({Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.COMPLETED, Status.SCHEDULED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset(),
}


def may_move_to(current: Status, new: Status) -> bool:
    return new in TRANSITIONS[current]


def holds_time(status: Status) -> bool:
    """Whether an appointment in this status keeps its clinicians, room and patient busy."""
    return status is not Status.CANCELLED


@dataclass(frozen=True)
class AppointmentType:
    id: int
    code: str
    name: str
    kind: AppointmentKind
    route: Route | None  # dosing types only
    duration_minutes: int
    turnover_minutes: int  # the room stays blocked this long after the end (cleaning, reset)
    room_kind: str  # RoomKind value
    active: bool = True
    version: int = 1


@dataclass(frozen=True)
class AppointmentDraft:
    """What the booking form submits. Times are aware datetimes (the service stores UTC)."""

    patient_id: int | None
    type_id: int | None
    clinician_ids: tuple[int, ...]
    room_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    notes: str = ""


@dataclass(frozen=True)
class Appointment:
    """One booked appointment as every view reads it: plain values, names resolved."""

    id: int
    uid: str  # stable across edits; the iCalendar UID
    patient_id: int
    chart_number: str
    patient_name: str  # "Last, First"
    patient_initials: str
    type_id: int
    type_name: str
    kind: AppointmentKind
    route: Route | None
    clinician_ids: tuple[int, ...]
    clinician_names: tuple[str, ...]
    room_id: int
    room_name: str
    starts_at: datetime
    ends_at: datetime
    room_free_at: datetime  # ends_at plus the type's turnover
    status: Status
    cancel_reason: str
    series_id: str | None
    notes: str
    override_reason: str
    escort_named: bool
    version: int

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def holds_time(self) -> bool:
        return holds_time(self.status)


def validate_draft(draft: AppointmentDraft) -> tuple[AppointmentDraft, list[FieldError]]:
    """Field-level checks that need no database: each message names the field the user must fix."""
    clean = replace(draft, notes=draft.notes.strip(), clinician_ids=tuple(dict.fromkeys(draft.clinician_ids)))
    errors: list[FieldError] = []
    if clean.patient_id is None:
        errors.append(FieldError("patient", "Choose the patient."))
    if clean.type_id is None:
        errors.append(FieldError("type", "Choose the kind of appointment."))
    if not clean.clinician_ids:
        errors.append(FieldError("clinicians", "Choose at least one clinician."))
    if clean.room_id is None:
        errors.append(FieldError("room", "Choose a room."))
    errors += check_times(clean.starts_at, clean.ends_at)
    if len(clean.notes) > NOTES_MAX:
        errors.append(FieldError("notes", f"Keep the notes under {NOTES_MAX} characters."))
    return clean, errors


def check_times(starts_at: datetime | None, ends_at: datetime | None) -> list[FieldError]:
    if starts_at is None:
        return [FieldError("start", "Enter when the appointment starts.")]
    if ends_at is None:
        return [FieldError("end", "Enter when the appointment ends.")]
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("appointment times must be aware datetimes")
    if ends_at < starts_at:
        return [FieldError("end", "The end is before the start.")]
    if ends_at == starts_at:
        return [FieldError("end", "The appointment has no length: the end is the same as the start.")]
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        hours = LONGEST_APPOINTMENT.total_seconds() / 3600
        return [FieldError("end", f"An appointment can't last more than {hours:.0f} hours.")]
    return []


def check_reason(reason: str, what: str) -> tuple[str, list[FieldError]]:
    reason = reason.strip()
    if not reason:
        return reason, [FieldError("reason", f"Say why the appointment is {what}.")]
    if len(reason) > REASON_MAX:
        return reason, [FieldError("reason", f"Keep the reason under {REASON_MAX} characters.")]
    return reason, []


def initials(first_name: str, last_name: str) -> str:
    """ "J.S." for the calendar export: enough for a clinician to recognise, too little to identify."""
    parts = [p for p in (first_name.strip(), last_name.strip()) if p]
    return "".join(f"{p[0].upper()}." for p in parts)
