"""The demo clinic's treatment courses, on its own calendar.

A patient demo_schedule laid out as consultation, preparation, dosing and integration gets a course on the
protocol for their route whose sessions are those very appointments (a preparation session the protocol wants
and the schedule lacks is booked where it fits, before the first dose). Courses that ended before the demo's ten
weeks are planned by kapdesk's own course planner months back and booked as completed. Every booking goes through
one occupancy index of the whole calendar, so nobody is ever double-booked.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from random import Random

from sqlalchemy import Connection, insert, select, update

from kapdesk.db.models import AppointmentClinician, AppointmentRow, AppointmentTypeRow, CourseRow, CourseSessionRow
from kapdesk.domain.appointments import AppointmentKind, AppointmentType, Route, Status
from kapdesk.domain.busy import BusyIndex
from kapdesk.domain.course_plan import plan, problems
from kapdesk.domain.courses import CourseStatus, StepKey, course_steps
from kapdesk.domain.protocols import ProtocolTemplate, dose_counts
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.wall_clock import day_start
from kapdesk.services.course_planning import read_context
from kapdesk.services.course_rows import read_courses
from kapdesk.services.schedule_rows import REACH
from kapdesk.services.schedule_setup import read_availability, read_resources

_A, _AC, _T = AppointmentRow.__table__, AppointmentClinician.__table__, AppointmentTypeRow.__table__
_C, _CS = CourseRow.__table__, CourseSessionRow.__table__
_PREP, _DOSE, _INTEGRATION = AppointmentKind.PREPARATION, AppointmentKind.DOSING, AppointmentKind.INTEGRATION
STEP = timedelta(minutes=30)  # the demo books on the hour and half hour
STOPPED = (  # why a course that ended before its last dose stopped
    "Patient chose to stop after a good response",
    "Moved out of the area",
    "Persistent nausea despite ondansetron",
    "Blood pressure above the hold limit at two sessions",
    "Insurance stopped covering the sessions",
)
GOALS = (
    "Lift the depression enough to go back to work full time.",
    "Fewer nightmares; sleep through most nights.",
    "Less time lost to worry; enjoy time with the family again.",
    "Get through a day without thoughts of not wanting to be here.",
    "Return to running and seeing friends.",
)
INTENTIONS = (
    "Approach the sessions with curiosity rather than fear.",
    "Let go of the need to control every outcome.",
    "Reconnect with what used to bring joy.",
    "",
)
Team = tuple[int, ...]


@dataclass(frozen=True)
class Visit:
    """One appointment of a patient's, as the course linking needs it."""

    id: int
    kind: AppointmentKind
    route: Route | None
    starts_at: datetime
    ends_at: datetime
    status: Status
    clinicians: Team
    series: bool = False

    @property
    def held(self) -> bool:
        return self.status is not Status.CANCELLED

    @property
    def ahead(self) -> bool:
        return self.status in (Status.SCHEDULED, Status.ARRIVED)


@dataclass
class CoursePlan:
    """A course to write: its protocol, people, state, when the screening it rests on was signed, and the
    appointment holding each step that has one."""

    patient: int
    template: ProtocolTemplate
    prescriber: int
    therapist: int
    start_on: date
    doses: int
    status: CourseStatus
    screened: datetime
    links: dict[StepKey, Visit] = field(default_factory=dict)
    reason: str = ""
    override: str = ""

    @property
    def route(self) -> Route:
        return self.template.spec.route

    def ahead(self) -> list[Visit]:
        return [v for v in self.links.values() if v.ahead]


def read_visits(connection: Connection) -> dict[int, list[Visit]]:
    """Every appointment by patient, in time order (the demo's few hundred, whatever the patient count)."""
    teams: dict[int, list[int]] = {}
    for appointment_id, user_id in connection.execute(
        select(_AC.c.appointment_id, _AC.c.user_id).order_by(_AC.c.appointment_id, _AC.c.user_id)
    ):
        teams.setdefault(appointment_id, []).append(user_id)
    found: dict[int, list[Visit]] = {}
    query = (
        select(_A.c.id, _A.c.patient_id, _T.c.kind, _T.c.route, _A.c.starts_at, _A.c.ends_at, _A.c.status)
        .add_columns(_A.c.series_id)
        .join(_T, _T.c.id == _A.c.type_id)
        .order_by(_A.c.starts_at, _A.c.id)
    )
    for row in connection.execute(query):
        found.setdefault(row.patient_id, []).append(
            Visit(
                row.id,
                AppointmentKind(row.kind),
                Route(row.route) if row.route else None,
                row.starts_at,
                row.ends_at,
                Status(row.status),
                tuple(teams.get(row.id, ())),
                row.series_id is not None,
            )
        )
    return found


class Booker:
    """Books the demo's further appointments against everything already on the calendar."""

    def __init__(self, connection: Connection, rng: Random, today: date, booker: int, now: datetime) -> None:
        self._connection, self._rng, self._today, self._booker, self._now = connection, rng, today, booker, now
        resources = read_resources(connection)
        self.availability = read_availability(connection)
        self._types = {t.id: t for t in resources.types}
        self._by_kind = {(t.kind, t.route): t for t in resources.types if t.active}
        self._rooms = {k: tuple(r.id for r in resources.rooms if r.kind is k and r.active) for k in RoomKind}
        spans: dict[object, list[tuple[datetime, datetime]]] = {}
        held = _A.c.status != Status.CANCELLED.value
        for patient, room, start, end, free_at in connection.execute(
            select(_A.c.patient_id, _A.c.room_id, _A.c.starts_at, _A.c.ends_at, _A.c.room_free_at).where(held)
        ):
            spans.setdefault(("patient", patient), []).append((start, end))
            spans.setdefault(("room", room), []).append((start, free_at))
        for user, start, end in connection.execute(
            select(_AC.c.user_id, _AC.c.starts_at, _AC.c.ends_at).where(_AC.c.holds_time.is_(True))
        ):
            spans.setdefault(("user", user), []).append((start, end))
        self._busy = BusyIndex(spans, REACH)
        self.booked = 0

    def kind(self, kind: AppointmentKind, route: Route | None = None) -> AppointmentType:
        return self._by_kind[(kind, route)]

    def day(self, instant: datetime) -> date:
        return self.availability.local_day(instant)

    def place(
        self, kind: AppointmentType, patient: int, teams: Sequence[Team], after: datetime, before: datetime
    ) -> tuple[datetime, Team, int] | None:
        """The earliest (start, team, room) from `after`, ending by `before`, inside the team's hours, with the
        patient, the team and a room free. Never today: today's arrivals are settled already."""
        length = timedelta(minutes=kind.duration_minutes)
        hold = length + timedelta(minutes=kind.turnover_minutes)
        day = self.day(after)
        while day <= self.day(before):
            for team in teams if day != self._today else ():
                for opens, closes in self.availability.open_spans(day, team):
                    start = _half_hour(max(opens, after))
                    while start + length <= min(closes, before):
                        people = [("patient", patient), *(("user", u) for u in team)]
                        if self._busy.free(people, start, start + length):
                            rooms = self._rooms[RoomKind(kind.room_kind)]
                            room = next((r for r in rooms if self._busy.free([("room", r)], start, start + hold)), None)
                            if room is not None:
                                return start, team, room
                        start += STEP
            day += timedelta(days=1)
        return None

    def book(
        self, kind: AppointmentType, patient: int, slot: tuple[datetime, Team, int], created_at: datetime | None = None
    ) -> Visit:
        """Insert the appointment, completed if its day is past, else scheduled; its clinicians, room and
        patient are busy from then on."""
        start, team, room = slot
        end = start + timedelta(minutes=kind.duration_minutes)
        free_at = end + timedelta(minutes=kind.turnover_minutes)
        status = Status.COMPLETED if self.day(start) < self._today else Status.SCHEDULED
        made = created_at or self._now
        row = {
            "uid": str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            "patient_id": patient,
            "type_id": kind.id,
            "room_id": room,
            "starts_at": start,
            "ends_at": end,
            "room_free_at": free_at,
            "status": status.value,
            "cancel_reason": "",
            "series_id": None,
            "notes": "",
            "override_reason": "",
            "created_by": self._booker,
            "created_at": made,
            "updated_at": made,
            "version": 1,
        }
        appointment_id = self._connection.execute(insert(_A).values(row)).inserted_primary_key[0]  # type: ignore[index]
        self._connection.execute(
            insert(_AC),
            [{"appointment_id": appointment_id, "user_id": u, "starts_at": start, "ends_at": end} for u in team],
        )
        self._busy.add(("patient", patient), (start, end))
        self._busy.add(("room", room), (start, free_at))
        for user in team:
            self._busy.add(("user", user), (start, end))
        self.booked += 1
        return Visit(appointment_id, kind.kind, kind.route, start, end, status, team)

    def by_type(self, type_id: int) -> AppointmentType:
        return self._types[type_id]


def course_from_visits(
    patient: int,
    visits: Sequence[Visit],
    templates: dict[Route, ProtocolTemplate],
    staff: tuple[Sequence[int], Sequence[int]],
    booker: Booker,
    rng: Random,
    window_start: datetime,
) -> CoursePlan | None:
    """The course behind a patient's appointments, if the calendar shows one from its preparation on and the
    patient was screened before it (at a completed consultation, or before the window when that fell earlier)."""
    prescribers, therapists = staff
    held = [v for v in visits if v.held and not v.series]
    doses = [v for v in held if v.kind is _DOSE and v.route is not None]
    preps = [v for v in held if v.kind is _PREP and doses and v.ends_at <= doses[0].starts_at]
    if not preps:
        return None
    consult = next(
        (v for v in held if v.kind is AppointmentKind.CONSULTATION and v.ends_at <= preps[0].starts_at), None
    )
    if consult is not None and consult.status is Status.COMPLETED:
        screened = consult.ends_at - timedelta(minutes=10)
    elif not preps[0].ahead:
        screened = preps[0].starts_at - timedelta(days=rng.randint(4, 12))
    else:
        return None  # not screened yet
    template = templates[doses[0].route]  # type: ignore[index]
    spec = template.spec
    total = min(max(len(doses), spec.doses_min), spec.doses_max)
    integrations = [v for v in held if v.kind is _INTEGRATION]
    seen = Counter(u for v in preps + integrations for u in v.clinicians if u in therapists)
    therapist = seen.most_common(1)[0][0] if seen else therapists[0]
    prescriber = next((u for v in [consult, *doses] if v for u in v.clinicians if u in prescribers), prescribers[0])
    preps = preps[-spec.preparation_sessions :]
    if len(preps) < spec.preparation_sessions:  # the protocol wants more preparation than the schedule booked
        after = max(consult.ends_at if consult else window_start, screened + timedelta(hours=1))
        last_day = booker.day(doses[0].starts_at) - timedelta(days=max(spec.prep_lead_days, 0))
        before = min(doses[0].starts_at, day_start(last_day + timedelta(days=1), booker.availability.zone))
        kind = booker.kind(_PREP)
        teams = [(therapist,), *((t,) for t in therapists if t != therapist)]
        while len(preps) < spec.preparation_sessions and (slot := booker.place(kind, patient, teams, after, before)):
            preps = sorted([*preps, booker.book(kind, patient, slot)], key=lambda v: v.starts_at)
    links = {StepKey(_PREP, n): v for n, v in enumerate(preps, 1)}
    for index, dose in enumerate(doses[:total]):
        following = doses[index + 1].starts_at if index + 1 < len(doses) else None
        links[StepKey(_DOSE, index + 1)] = dose
        after_dose = next(
            (v for v in integrations if v.starts_at >= dose.ends_at and (following is None or v.starts_at < following)),
            None,
        )
        if after_dose is not None:
            links[StepKey(_INTEGRATION, index + 1)] = after_dose
    course = CoursePlan(
        patient, template, prescriber, therapist, booker.day(preps[0].starts_at), total, CourseStatus.ACTIVE, screened
    )
    course.links = links
    if not course.ahead():
        if len(doses) >= total:
            course.status = CourseStatus.COMPLETED
        else:
            course.status, course.reason = CourseStatus.DISCONTINUED, rng.choice(STOPPED)
    return course


def book_history(connection: Connection, booker: Booker, course_id: int, course: CoursePlan) -> bool:
    """Plan a past course with kapdesk's course planner from its start day, book every session as completed and
    link it. False (nothing booked) if the planner couldn't place it cleanly."""
    found = read_courses(connection, ids=[course_id])[0]
    start = day_start(course.start_on, booker.availability.zone)
    context, sessions = read_context(connection, found, course.template, start, course.start_on)
    placed = plan(context, sessions)
    if any(p.starts_at is None or p.room_id is None for p in placed) or problems(context, placed):
        return False
    for proposed in placed:
        shape = context.shape(proposed.key)
        assert proposed.starts_at is not None and proposed.room_id is not None
        slot = (proposed.starts_at, shape.clinicians, proposed.room_id)
        visit = booker.book(booker.by_type(shape.type_id), course.patient, slot, created_at=course.screened)
        course.links[proposed.key] = visit
        connection.execute(
            update(_CS)
            .where(_CS.c.course_id == course_id, _CS.c.kind == proposed.key.kind.value)
            .where(_CS.c.number == proposed.key.number)
            .values(appointment_id=visit.id)
        )
    return True


def write_course(connection: Connection, course: CoursePlan, rng: Random, created_at: datetime) -> int:
    """The course row and a session row for each of its steps, linked to the appointments that hold them."""
    overriding = bool(course.override)
    row = {
        "patient_id": course.patient,
        "template_id": course.template.id,
        "prescriber_id": course.prescriber,
        "therapist_id": course.therapist,
        "goals": rng.choice(GOALS),
        "intentions": rng.choice(INTENTIONS),
        "start_on": course.start_on,
        "doses": course.doses,
        "status": course.status.value,
        "status_reason": course.reason,
        "override_reason": course.override,
        "override_by": course.prescriber if overriding else None,
        "override_at": created_at if overriding else None,
        "created_by": course.prescriber,
        "created_at": created_at,
        "updated_at": created_at,
        "version": 1,
    }
    course_id: int = connection.execute(insert(_C).values(row)).inserted_primary_key[0]  # type: ignore[index]
    spec = course.template.spec
    steps = course_steps(spec.preparation_sessions, dose_counts(spec, course.doses))
    connection.execute(
        insert(_CS),
        [
            {
                "course_id": course_id,
                "kind": key.kind.value,
                "number": key.number,
                "phase": phase,
                "appointment_id": course.links[key].id if key in course.links else None,
            }
            for key, phase in steps
        ],
    )
    return course_id


def cancel_ahead(connection: Connection, course: CoursePlan, now: datetime) -> None:
    """As discontinuing does: the course's sessions still to come are cancelled, with the reason."""
    ids = [v.id for v in course.links.values() if v.status is Status.SCHEDULED]
    if not ids:
        return
    connection.execute(
        update(_A)
        .where(_A.c.id.in_(ids))
        .values(status=Status.CANCELLED.value, cancel_reason=f"Course discontinued: {course.reason}"[:200])
        .values(updated_at=now, version=_A.c.version + 1)
    )
    connection.execute(update(_AC).where(_AC.c.appointment_id.in_(ids)).values(holds_time=False))


def _half_hour(when: datetime) -> datetime:
    """`when`, rounded up to the half hour (the demo's zone has whole-hour offsets, so UTC's half hours are its own)."""
    return when + (datetime.min.replace(tzinfo=UTC) - when) % STEP
