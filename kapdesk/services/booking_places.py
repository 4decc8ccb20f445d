"""Where each appointment of one booking or change goes: checking all the places, then writing each one.

A booking of a series, or a change to "this and the following", places several appointments at once; they are
checked together (against the calendar, against each other, against the hours) before any is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from kapdesk.db.base import utcnow
from kapdesk.db.models import AppointmentClinician, AppointmentRow
from kapdesk.domain.appointments import AppointmentDraft, Status
from kapdesk.domain.clashes import BookingConflict, Clash, OutsideHours
from kapdesk.domain.errors import FieldError, ValidationFailed
from kapdesk.domain.opening_hours import hours_warnings
from kapdesk.services.booking_checks import Resolved, find_clashes, suggest
from kapdesk.services.schedule_setup import read_availability

_AC = AppointmentClinician.__table__
NOTIFY_CHANNEL = "kapdesk_schedule"  # PostgreSQL: every PC's calendar listens here (ui/schedule/watcher.py)


@dataclass(frozen=True)
class Placement:
    row: AppointmentRow | None  # None for a new appointment
    starts_at: datetime
    ends_at: datetime
    # New, or changing when or with whom: only then are hours checked (again), and a reason given for the old
    # times dropped. Editing the notes of an appointment booked outside hours doesn't ask for the reason twice.
    moved: bool


def new_place(starts_at: datetime, ends_at: datetime) -> Placement:
    return Placement(None, starts_at, ends_at, moved=True)


def existing_place(
    connection: Connection, row: AppointmentRow, starts_at: datetime, ends_at: datetime, clinicians: Iterable[int]
) -> Placement:
    moved = (row.starts_at, row.ends_at) != (starts_at, ends_at)
    if not moved:
        current = connection.execute(select(_AC.c.user_id).where(_AC.c.appointment_id == row.id)).scalars()
        moved = set(current) != set(clinicians)
    return Placement(row, starts_at, ends_at, moved)


def check_places(
    connection: Connection, draft: AppointmentDraft, resolved: Resolved, places: list[Placement], override_reason: str
) -> None:
    """Refuse clashes outright (offering free slots); refuse hours warnings unless a reason is given."""
    assert draft.patient_id is not None and draft.room_id is not None
    turnover = timedelta(minutes=resolved.type.turnover_minutes)
    moving = [p.row.id for p in places if p.row is not None]
    clashes: list[Clash] = []
    for index, place in enumerate(places):
        if any(_overlap(place, other, turnover) for other in places[:index]):  # a member moved on its own
            raise ValidationFailed(
                [FieldError("start", "Moved like this, appointments of the series would overlap each other.")]
            )
        clashes += find_clashes(
            connection,
            starts_at=place.starts_at,
            ends_at=place.ends_at,
            room_free_at=place.ends_at + turnover,
            room_id=draft.room_id,
            patient_id=draft.patient_id,
            clinicians=resolved.clinicians,
            room_name=resolved.room_name,
            patient_name=resolved.patient_name,
            ignore=moving,
        )
    availability = read_availability(connection)
    if clashes:
        first = places[0]
        slots = suggest(
            connection,
            availability,
            after=first.starts_at,
            duration=first.ends_at - first.starts_at,
            turnover=turnover,
            room_id=draft.room_id,
            room_kind=resolved.room_kind,
            patient_id=draft.patient_id,
            clinician_ids=list(resolved.clinicians),
            ignore=moving,
        )
        words = " ".join(dict.fromkeys(c.describe(availability.zone) for c in clashes))
        raise BookingConflict(clashes, slots, f"That time is taken. {words}")
    warnings = [
        w for p in places if p.moved for w in hours_warnings(availability, p.starts_at, p.ends_at, resolved.clinicians)
    ]
    if warnings and not override_reason.strip():
        raise OutsideHours(list(dict.fromkeys(warnings)))


def write_place(
    session: Session, row: AppointmentRow, draft: AppointmentDraft, resolved: Resolved, place: Placement, reason: str
) -> None:
    """Put `row` where `place` says, with the draft's type, room, notes and clinicians (whose rows carry the
    appointment's span for PostgreSQL's exclusion constraint)."""
    if reason.strip() or place.moved:  # a reason belongs to the times it was given for
        row.override_reason = reason.strip()[:200]
    row.type_id, row.room_id, row.notes = resolved.type.id, draft.room_id, draft.notes
    row.starts_at, row.ends_at = place.starts_at, place.ends_at
    row.room_free_at = place.ends_at + timedelta(minutes=resolved.type.turnover_minutes)
    row.updated_at = utcnow()
    session.flush()
    connection = session.connection()
    connection.execute(_AC.delete().where(_AC.c.appointment_id == row.id))
    connection.execute(
        _AC.insert(),
        [
            {
                "appointment_id": row.id,
                "user_id": u,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "holds_time": True,
            }
            for u in resolved.clinicians
        ],
    )


def insert_place(
    session: Session,
    created_by: int | None,
    draft: AppointmentDraft,
    resolved: Resolved,
    place: Placement,
    *,
    series: str | None = None,
    reason: str = "",
) -> int:
    """A new scheduled appointment at `place`; its id."""
    row = AppointmentRow(
        uid=str(uuid.uuid4()),
        patient_id=draft.patient_id,
        status=Status.SCHEDULED.value,
        cancel_reason="",
        series_id=series,
        created_by=created_by,
    )
    session.add(row)
    write_place(session, row, draft, resolved, place, reason)
    return row.id


def notify_calendars(connection: Connection, ids: Iterable[int]) -> None:
    """PostgreSQL: every PC's calendar listens on NOTIFY_CHANNEL (ui/schedule/watcher.py); delivered at commit."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_notify(:channel, :ids)"), {"channel": NOTIFY_CHANNEL, "ids": ",".join(map(str, ids))}
        )


def overridden(reason: str) -> str:
    """The trail says an hours warning was overridden; the reason itself is kept with the appointment."""
    return "; outside hours, reason recorded" if reason.strip() else ""


def _overlap(a: Placement, b: Placement, turnover: timedelta) -> bool:
    """Members of one booking share room, patient and clinicians: any overlap (room turnover included) clashes."""
    return a.starts_at < b.ends_at + turnover and b.starts_at < a.ends_at + turnover
