"""Reading appointments as plain `Appointment` values: one Core query for the rows, one for their clinicians.

Shared by the calendar's reads and the booking service, which returns what it saved in the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, Select, and_, select

from kapdesk.db.models import AppointmentClinician, AppointmentRow, AppointmentTypeRow, Patient, Room, User
from kapdesk.domain.appointments import LONGEST_APPOINTMENT, Appointment, AppointmentKind, Route, Status, initials

# The most an appointment's room hold can reach back before a range: the longest appointment plus the longest
# turnover. Bounding starts_at on both sides lets one index on starts_at answer "what overlaps this range".
MAX_TURNOVER = timedelta(hours=2)
REACH = LONGEST_APPOINTMENT + MAX_TURNOVER

_A, _P, _T, _R = AppointmentRow.__table__, Patient.__table__, AppointmentTypeRow.__table__, Room.__table__
_AC, _U = AppointmentClinician.__table__, User.__table__

BASE: Select = (
    select(
        _A.c.id,
        _A.c.uid,
        _A.c.patient_id,
        _P.c.chart_number,
        _P.c.first_name,
        _P.c.last_name,
        _A.c.type_id,
        _T.c.name,
        _T.c.kind,
        _T.c.route,
        _A.c.room_id,
        _R.c.name,
        _A.c.starts_at,
        _A.c.ends_at,
        _A.c.room_free_at,
        _A.c.status,
        _A.c.cancel_reason,
        _A.c.series_id,
        _A.c.notes,
        _A.c.override_reason,
        and_(_P.c.escort_name != "", _P.c.escort_phone != ""),
        _A.c.version,
    )
    .select_from(
        _A.join(_P, _P.c.id == _A.c.patient_id).join(_T, _T.c.id == _A.c.type_id).join(_R, _R.c.id == _A.c.room_id)
    )
    .order_by(_A.c.starts_at, _A.c.id)
)


def overlapping(start: datetime, end: datetime) -> Select:
    """Appointments whose time or room hold overlaps [start, end), cancelled ones included."""
    return BASE.where(_A.c.starts_at > start - REACH, _A.c.starts_at < end, _A.c.room_free_at > start)


def read(connection: Connection, statement: Select) -> list[Appointment]:
    rows = connection.execute(statement).all()
    if not rows:
        return []
    clinicians = _clinicians(connection, statement)
    return [_appointment(row, clinicians.get(row[0], ())) for row in rows]


def read_ids(connection: Connection, ids: Iterable[int]) -> list[Appointment]:
    wanted = list(ids)
    return read(connection, BASE.where(_A.c.id.in_(wanted))) if wanted else []


def _clinicians(connection: Connection, statement: Select) -> dict[int, tuple[tuple[int, str], ...]]:
    """The clinicians of the appointments `statement` selects, by the same condition: one query that uses the
    same index, rather than thousands of ids sent back as parameters."""
    ids = statement.with_only_columns(_A.c.id).order_by(None)
    query = (
        select(_AC.c.appointment_id, _AC.c.user_id, _U.c.full_name)
        .join(_U, _U.c.id == _AC.c.user_id)
        .where(_AC.c.appointment_id.in_(ids))
        .order_by(_AC.c.appointment_id, _U.c.full_name)
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for appointment_id, user_id, name in connection.execute(query):
        found.setdefault(appointment_id, []).append((user_id, name))
    return {key: tuple(value) for key, value in found.items()}


def _appointment(row: Sequence, clinicians: tuple[tuple[int, str], ...]) -> Appointment:
    (id_, uid, patient_id, chart, first, last, type_id, type_name, kind, route, room_id, room_name) = row[:12]
    (starts_at, ends_at, room_free_at, status, cancel_reason, series_id, notes, override, escort, version) = row[12:]
    return Appointment(
        id=id_,
        uid=uid,
        patient_id=patient_id,
        chart_number=chart,
        patient_name=f"{last}, {first}",
        patient_initials=initials(first, last),
        type_id=type_id,
        type_name=type_name,
        kind=AppointmentKind(kind),
        route=Route(route) if route else None,
        clinician_ids=tuple(c[0] for c in clinicians),
        clinician_names=tuple(c[1] for c in clinicians),
        room_id=room_id,
        room_name=room_name,
        starts_at=starts_at,
        ends_at=ends_at,
        room_free_at=room_free_at,
        status=Status(status),
        cancel_reason=cancel_reason,
        series_id=series_id,
        notes=notes,
        override_reason=override,
        escort_named=bool(escort),
        version=version,
    )
