"""Reading the calendar around a course into a `PlanContext`, and booking a checked plan inside the write
transaction (the same clash and hours checks as any booking, against what the database holds at that moment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil

from sqlalchemy import Connection, select, update

from kapdesk.db.models import AppointmentClinician, AppointmentRow, AppointmentTypeRow, CourseSessionRow, Room, User
from kapdesk.domain.appointments import AppointmentDraft, AppointmentKind, Status
from kapdesk.domain.busy import BusyIndex
from kapdesk.domain.course_plan import PATIENT, PlanContext, Proposed, Shape, problems
from kapdesk.domain.courses import Course, StepKey
from kapdesk.domain.errors import FieldError, ValidationFailed
from kapdesk.domain.opening_hours import hours_warnings
from kapdesk.domain.protocols import ProtocolTemplate, dose_counts
from kapdesk.domain.wall_clock import day_start
from kapdesk.services.booking_checks import find_clashes, resolve
from kapdesk.services.booking_places import insert_place, new_place
from kapdesk.services.schedule_rows import REACH
from kapdesk.services.schedule_setup import read_availability
from kapdesk.services.work import Unit

_A, _AC, _T = AppointmentRow.__table__, AppointmentClinician.__table__, AppointmentTypeRow.__table__
_CS = CourseSessionRow.__table__
_HELD = (Status.SCHEDULED, Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW)  # a session these hold isn't re-planned


@dataclass(frozen=True)
class Plan:
    """What the planner shows: the calendar context, a proposal per session, and what is wrong with it."""

    context: PlanContext
    sessions: tuple[Proposed, ...]
    problems: dict[StepKey, list[str]]


def read_context(
    connection: Connection, course: Course, template: ProtocolTemplate, now: datetime, today: date
) -> tuple[PlanContext, list[Proposed]]:
    """The calendar around the course, and its sessions in order (booked ones fixed at their times)."""
    spec = template.spec
    availability = read_availability(connection)
    shapes, room_names = _shapes(connection, template, course)
    counts = dose_counts(spec, course.doses)
    start_on = max(course.start_on, today)
    days = spec.preparation_sessions + spec.prep_lead_days
    days += sum(ceil(n * 7 / p.per_week) for n, p in zip(counts, spec.phases, strict=True))
    first = day_start(start_on, availability.zone) - REACH
    last = day_start(start_on + timedelta(days=days + 3 * 14), availability.zone)
    clinicians = sorted({c for shape in shapes.values() for c in shape.clinicians})
    rooms = sorted({r for shape in shapes.values() for r in shape.rooms})
    window = (_A.c.starts_at > first, _A.c.starts_at < last, _A.c.status != Status.CANCELLED.value)
    spans: dict[object, list[tuple[datetime, datetime]]] = {PATIENT: []}
    for start, end in connection.execute(
        select(_A.c.starts_at, _A.c.ends_at).where(_A.c.patient_id == course.patient_id, *window)
    ):
        spans[PATIENT].append((start, end))
    for user, start, end in connection.execute(
        select(_AC.c.user_id, _AC.c.starts_at, _AC.c.ends_at).where(
            _AC.c.user_id.in_(clinicians),
            _AC.c.holds_time.is_(True),
            _AC.c.starts_at > first,
            _AC.c.starts_at < last,
        )
    ):
        spans.setdefault(user, []).append((start, end))
    for room, start, free_at in connection.execute(
        select(_A.c.room_id, _A.c.starts_at, _A.c.room_free_at).where(_A.c.room_id.in_(rooms), *window)
    ):
        spans.setdefault(("room", room), []).append((start, free_at))
    names = dict(connection.execute(select(User.id, User.full_name).where(User.id.in_(clinicians))).all())
    context = PlanContext(spec, counts, start_on, now, availability, shapes, BusyIndex(spans, REACH), room_names, names)
    sessions = [
        Proposed(s.key, _phase_index(counts, s.key), s.starts_at, s.ends_at, None, fixed=True)
        if s.status in _HELD
        else Proposed(s.key, _phase_index(counts, s.key), None, None, None)
        for s in course.sessions
    ]
    return context, sessions


def book_sessions(unit: Unit, course: Course, context: PlanContext, sessions: Sequence[Proposed]) -> list[int]:
    """Book every session that isn't held yet, all or nothing. Refuses with every problem named at its session."""
    errors = [FieldError(key.label, " ".join(notes)) for key, notes in problems(context, sessions).items()]
    by_key = {s.key: s for s in course.sessions}
    unbooked = [s for s in sessions if not s.fixed]
    if not unbooked:
        errors.append(FieldError("plan", "Every session of this course is already booked."))
    for session in unbooked:
        held = by_key[session.key].status
        if held in _HELD:
            errors.append(FieldError(session.key.label, "Already booked (someone booked it a moment ago)."))
    if errors:
        raise ValidationFailed(errors)
    availability = read_availability(unit.connection)
    booked: list[int] = []
    for session in unbooked:
        assert session.starts_at is not None and session.ends_at is not None and session.room_id is not None
        shape = context.shape(session.key)
        resolved = resolve(
            unit.connection, course.patient_id, shape.type_id, session.room_id, shape.clinicians, new=True
        )
        clashes = find_clashes(
            unit.connection,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            room_free_at=session.ends_at + shape.turnover,
            room_id=session.room_id,
            patient_id=course.patient_id,
            clinicians=resolved.clinicians,
            room_name=resolved.room_name,
            patient_name=resolved.patient_name,
        )
        warnings = hours_warnings(availability, session.starts_at, session.ends_at, resolved.clinicians)
        if clashes or warnings:
            words = " ".join(dict.fromkeys(c.describe(availability.zone) for c in clashes)) or " ".join(warnings)
            errors.append(FieldError(session.key.label, words))
            continue
        draft = AppointmentDraft(
            course.patient_id, shape.type_id, shape.clinicians, session.room_id, session.starts_at, session.ends_at, ""
        )
        appointment_id = insert_place(
            unit.session, unit.actor.user_id, draft, resolved, new_place(session.starts_at, session.ends_at)
        )
        unit.connection.execute(
            update(_CS).where(_CS.c.id == by_key[session.key].id).values(appointment_id=appointment_id)
        )
        booked.append(appointment_id)
    if errors:
        raise ValidationFailed(errors)  # nothing is kept: the unit's transaction rolls back
    return booked


def _shapes(
    connection: Connection, template: ProtocolTemplate, course: Course
) -> tuple[dict[AppointmentKind, Shape], dict[int, str]]:
    spec = template.spec
    types = connection.execute(select(_T).where(_T.c.active.is_(True)).order_by(_T.c.id)).all()
    rooms = connection.execute(
        select(Room.id, Room.name, Room.kind).where(Room.active.is_(True)).order_by(Room.name)
    ).all()
    therapist, prescriber = (course.therapist_id,), (course.prescriber_id,)
    wanted = {
        AppointmentKind.PREPARATION: (None, spec.preparation_minutes, therapist),
        AppointmentKind.DOSING: (
            spec.route.value,
            spec.dosing_minutes,
            prescriber + therapist if spec.dosing_with_therapist and therapist != prescriber else prescriber,
        ),
        AppointmentKind.INTEGRATION: (None, spec.integration_minutes, therapist),
    }
    shapes: dict[AppointmentKind, Shape] = {}
    errors = []
    for kind, (route, minutes, clinicians) in wanted.items():
        found = next((t for t in types if t.kind == kind.value and (route is None or t.route == route)), None)
        if found is None:
            errors.append(FieldError("types", f"No {kind.label.lower()} appointment type is offered; set one up."))
            continue
        kind_rooms = tuple(r.id for r in rooms if r.kind == found.room_kind)
        if not kind_rooms:
            errors.append(FieldError("rooms", f"No {found.room_kind} room is in service for {kind.label.lower()}."))
        shapes[kind] = Shape(found.id, minutes, found.turnover_minutes, kind_rooms, clinicians)
    if errors:
        raise ValidationFailed(errors)
    return shapes, {r.id: r.name for r in rooms}


def _phase_index(counts: tuple[int, ...], key: StepKey) -> int:
    if key.kind is AppointmentKind.PREPARATION:
        return -1
    total = 0
    for index, count in enumerate(counts):
        total += count
        if key.number <= total:
            return index
    return len(counts) - 1
