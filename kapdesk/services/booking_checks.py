"""The checks every booking passes inside its write transaction: who and what it names may be booked, nothing
already holds them then, and, if something does, the next times that would work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from kapdesk.db.models import AppointmentClinician, AppointmentRow, AppointmentTypeRow, Patient, Room, User, UserRole
from kapdesk.domain.appointments import AppointmentType, Status
from kapdesk.domain.clashes import Clash, Resource
from kapdesk.domain.errors import FieldError, ValidationFailed
from kapdesk.domain.free_slots import Slot, next_free_slots
from kapdesk.domain.opening_hours import Availability, Span, days_between
from kapdesk.domain.staff import CLINICAL_ROLES, Role
from kapdesk.services.schedule_rows import REACH
from kapdesk.services.schedule_setup import appointment_type

SUGGESTION_DAYS = 14  # how far ahead to look for free slots
_A, _AC, _T = AppointmentRow.__table__, AppointmentClinician.__table__, AppointmentTypeRow.__table__


@dataclass(frozen=True)
class Resolved:
    """The booking's names, checked: an active type, a patient on the books, clinicians who can see patients,
    a room in service."""

    type: AppointmentType
    patient_name: str
    room_name: str
    room_kind: str
    clinicians: dict[int, str]


def resolve(
    connection: Connection,
    patient_id: int,
    type_id: int,
    room_id: int,
    clinician_ids: Sequence[int],
    *,
    new: bool,
    kept_room: int | None = None,
    kept_clinicians: frozenset[int] = frozenset(),
) -> Resolved:
    """Raises ValidationFailed naming each field that points at something that can't be booked. When an existing
    appointment changes, what it already had may stay even if since retired: its type (`new` False), its room
    (`kept_room`) and its clinicians (`kept_clinicians`), so its notes or time can still be edited."""
    errors: list[FieldError] = []
    type_row = connection.execute(select(_T).where(_T.c.id == type_id)).first()
    if type_row is None:
        errors.append(FieldError("type", "That appointment type doesn't exist."))
    elif new and not type_row.active:
        errors.append(FieldError("type", f"“{type_row.name}” is no longer offered; choose another type."))
    patient = connection.execute(
        select(Patient.first_name, Patient.last_name, Patient.archived_at).where(Patient.id == patient_id)
    ).first()
    if patient is None:
        errors.append(FieldError("patient", "That patient doesn't exist."))
    elif patient.archived_at is not None:
        errors.append(
            FieldError("patient", f"{patient.first_name} {patient.last_name}'s record is archived; restore it first.")
        )
    room = connection.execute(select(Room.name, Room.kind, Room.active).where(Room.id == room_id)).first()
    if room is None:
        errors.append(FieldError("room", "That room doesn't exist."))
    elif not room.active and room_id != kept_room:
        errors.append(FieldError("room", f"{room.name} is retired and takes no bookings."))
    elif type_row is not None and room.kind != type_row.room_kind:
        errors.append(FieldError("room", f"{type_row.name} needs a {type_row.room_kind} room; {room.name} is not one."))
    clinicians = _clinicians(connection, clinician_ids, kept_clinicians, errors)
    if errors:
        raise ValidationFailed(errors)
    assert type_row is not None and patient is not None and room is not None
    return Resolved(
        appointment_type(type_row), f"{patient.first_name} {patient.last_name}", room.name, room.kind, clinicians
    )


def _clinicians(
    connection: Connection, ids: Sequence[int], kept: frozenset[int], errors: list[FieldError]
) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = connection.execute(select(User.id, User.full_name, User.active).where(User.id.in_(ids))).all()
    roles: dict[int, set[str]] = {}
    for user_id, role in connection.execute(select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(ids))):
        roles.setdefault(user_id, set()).add(role)
    clinical = {r.value for r in CLINICAL_ROLES}
    for user_id, name, active in rows:
        if not active and user_id not in kept:
            errors.append(FieldError("clinicians", f"{name}'s account is disabled; choose someone else."))
        elif not roles.get(user_id, set()) & clinical:
            labels = ", ".join(sorted(Role(r).label for r in roles.get(user_id, ()))) or "no role"
            errors.append(FieldError("clinicians", f"{name} ({labels}) doesn't see patients."))
        found[user_id] = name
    if len(rows) < len(set(ids)):
        errors.append(FieldError("clinicians", "One of the clinicians doesn't exist."))
    return found


def find_clashes(
    connection: Connection,
    *,
    starts_at: datetime,
    ends_at: datetime,
    room_free_at: datetime,
    room_id: int,
    patient_id: int,
    clinicians: dict[int, str],
    room_name: str,
    patient_name: str,
    ignore: Iterable[int] = (),
) -> list[Clash]:
    """Everything already holding this booking's room (with turnover), patient or clinicians. Half-open spans:
    one appointment may end exactly when the next begins."""
    ignored = list(ignore) or [-1]
    holding = _A.c.status != Status.CANCELLED.value
    near = (_A.c.starts_at > starts_at - REACH, _A.c.id.not_in(ignored), holding)
    clashes: list[Clash] = []
    type_name = select(_T.c.name).where(_T.c.id == _A.c.type_id).scalar_subquery()
    room_rows = connection.execute(
        select(_A.c.id, _A.c.starts_at, _A.c.room_free_at, type_name).where(
            _A.c.room_id == room_id, _A.c.starts_at < room_free_at, _A.c.room_free_at > starts_at, *near
        )
    )
    clashes += [Clash(Resource.ROOM, room_name, i, s, e, t) for i, s, e, t in room_rows]
    patient_rows = connection.execute(
        select(_A.c.id, _A.c.starts_at, _A.c.ends_at, type_name).where(
            _A.c.patient_id == patient_id, _A.c.starts_at < ends_at, _A.c.ends_at > starts_at, *near
        )
    )
    clashes += [Clash(Resource.PATIENT, patient_name, i, s, e, t) for i, s, e, t in patient_rows]
    if clinicians:
        clinician_rows = connection.execute(
            select(_AC.c.user_id, _A.c.id, _AC.c.starts_at, _AC.c.ends_at, type_name)
            .join(_A, _A.c.id == _AC.c.appointment_id)
            .where(
                _AC.c.user_id.in_(list(clinicians)),
                _AC.c.holds_time.is_(True),
                _AC.c.starts_at > starts_at - REACH,
                _AC.c.starts_at < ends_at,
                _AC.c.ends_at > starts_at,
                _A.c.id.not_in(ignored),
            )
        )
        clashes += [Clash(Resource.CLINICIAN, clinicians[u], i, s, e, t) for u, i, s, e, t in clinician_rows]
    return clashes


def suggest(
    connection: Connection,
    availability: Availability,
    *,
    after: datetime,
    duration: timedelta,
    turnover: timedelta,
    room_id: int,
    room_kind: str,
    patient_id: int,
    clinician_ids: Sequence[int],
    ignore: Iterable[int] = (),
    count: int = 3,
) -> list[Slot]:
    """The next free slots from `after`: the same room first, then any other active room of the same kind."""
    horizon = after + timedelta(days=SUGGESTION_DAYS)
    ignored = list(ignore) or [-1]
    rooms = [room_id] + [
        r
        for (r,) in connection.execute(
            select(Room.id).where(Room.kind == room_kind, Room.active.is_(True), Room.id != room_id)
        )
    ]
    window = (
        _A.c.starts_at > after - REACH,
        _A.c.starts_at < horizon,
        _A.c.status != Status.CANCELLED.value,
        _A.c.id.not_in(ignored),
    )
    rooms_busy: dict[int, list[Span]] = {}
    for room, start, free_at in connection.execute(
        select(_A.c.room_id, _A.c.starts_at, _A.c.room_free_at).where(_A.c.room_id.in_(rooms), *window)
    ):
        rooms_busy.setdefault(room, []).append((start, free_at))
    people: list[Span] = [
        (s, e)
        for s, e in connection.execute(
            select(_A.c.starts_at, _A.c.ends_at).where(_A.c.patient_id == patient_id, *window)
        )
    ]
    people += [
        (s, e)
        for s, e in connection.execute(
            select(_AC.c.starts_at, _AC.c.ends_at)
            .join(_A, _A.c.id == _AC.c.appointment_id)
            .where(_AC.c.user_id.in_(list(clinician_ids)), _AC.c.holds_time.is_(True), *window)
        )
    ]
    first_day = availability.local_day(after)
    spans = [
        span
        for day in days_between(first_day, availability.local_day(horizon))
        for span in availability.open_spans(day, clinician_ids)
    ]
    return next_free_slots(after, duration, turnover, spans, people, rooms_busy, rooms, count=count)
