"""Reading courses as plain `Course` values, each with its sessions and the appointments holding them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from kapdesk.db.models import AppointmentRow, CourseRow, CourseSessionRow, ProtocolTemplateRow, User
from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.courses import Course, CourseSession, CourseStatus, StepKey

_C, _CS, _A = CourseRow.__table__, CourseSessionRow.__table__, AppointmentRow.__table__
_P, _U = ProtocolTemplateRow.__table__, User.__table__


def read_courses(connection: Connection, *, patient_id: int | None = None, ids: Iterable[int] = ()) -> list[Course]:
    """Courses of one patient (newest first) or with the given ids."""
    prescriber, therapist, overrider = _U.alias("prescriber"), _U.alias("therapist"), _U.alias("overrider")
    query = (
        select(
            _C,
            _P.c.name.label("template_name"),
            _P.c.version.label("template_version"),
            _P.c.route.label("route"),
            _P.c.phases.label("phases"),
            prescriber.c.full_name.label("prescriber_name"),
            therapist.c.full_name.label("therapist_name"),
            overrider.c.full_name.label("override_by_name"),
        )
        .join(_P, _P.c.id == _C.c.template_id)
        .join(prescriber, prescriber.c.id == _C.c.prescriber_id)
        .join(therapist, therapist.c.id == _C.c.therapist_id)
        .outerjoin(overrider, overrider.c.id == _C.c.override_by)
        .order_by(_C.c.start_on.desc(), _C.c.id.desc())
    )
    query = (
        query.where(_C.c.patient_id == patient_id) if patient_id is not None else query.where(_C.c.id.in_(list(ids)))
    )
    rows = connection.execute(query).all()
    sessions = _sessions(connection, [r.id for r in rows], {r.id: r.phases for r in rows})
    return [
        Course(
            id=r.id,
            patient_id=r.patient_id,
            template_id=r.template_id,
            template_name=r.template_name,
            template_version=r.template_version,
            route=Route(r.route),
            prescriber_id=r.prescriber_id,
            prescriber_name=r.prescriber_name,
            therapist_id=r.therapist_id,
            therapist_name=r.therapist_name,
            goals=r.goals,
            intentions=r.intentions,
            start_on=r.start_on,
            doses=r.doses,
            status=CourseStatus(r.status),
            status_reason=r.status_reason,
            override_reason=r.override_reason,
            override_by_name=r.override_by_name or "",
            sessions=tuple(sessions.get(r.id, ())),
            created_at=r.created_at,
            version=r.version,
        )
        for r in rows
    ]


def _sessions(
    connection: Connection, course_ids: list[int], phases: dict[int, list[dict[str, object]]]
) -> dict[int, list[CourseSession]]:
    if not course_ids:
        return {}
    appointment = aliased(AppointmentRow)
    found: dict[int, list[CourseSession]] = {}
    rows = connection.execute(
        select(
            _CS.c.id,
            _CS.c.course_id,
            _CS.c.kind,
            _CS.c.number,
            _CS.c.phase,
            _CS.c.appointment_id,
            appointment.status,
            appointment.starts_at,
            appointment.ends_at,
        )
        .outerjoin(appointment, appointment.id == _CS.c.appointment_id)
        .where(_CS.c.course_id.in_(course_ids))
    )
    for row in rows:
        names = phases[row.course_id]
        phase = str(names[row.phase]["name"]) if 0 <= row.phase < len(names) else "Preparation"
        found.setdefault(row.course_id, []).append(
            CourseSession(
                row.id,
                StepKey(AppointmentKind(row.kind), row.number),
                phase,
                row.appointment_id,
                Status(row.status) if row.status is not None else None,
                row.starts_at,
                row.ends_at,
            )
        )
    for sessions in found.values():
        sessions.sort(key=_order)
    return found


def _order(session: CourseSession) -> tuple[int, int]:
    """Course order: preparations, then each dose followed by its integration."""
    kind = session.key.kind
    if kind is AppointmentKind.PREPARATION:
        return (0, session.key.number)
    return (1, session.key.number * 2 + (kind is AppointmentKind.INTEGRATION))
