"""The demo clinic's clinical record: intake, eligibility screenings and treatment courses, so that everything a
clinician meets is there to look at.

- Screenings with each result: eligible; eligible with precautions (acknowledged by the prescriber); not eligible
  (uncontrolled blood pressure, and a psychosis history that a prescriber overrode on the patient's course); one
  waiting for a signature; one expired; esketamine ones with the REMS enrollment recorded.
- Courses in every state on each protocol: active and completed ones made of the calendar's own appointments
  (see demo_courses), discontinued ones (stopped early, or stopped now with what was ahead cancelled), drafts for
  the planner to plan, and completed ones from months before the calendar's ten weeks. A patient whose course
  began before those weeks (dosing, but no preparation on the calendar) is screened but has no course.

Only the patients on the calendar and a few others get records, so a 100k-patient demo costs what a 200-patient
one does. Written with the demo's own rows, in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from kapdesk.db.base import utcnow
from kapdesk.db.models import (
    AllergyRow,
    DiagnosisRow,
    MedicalHistoryRow,
    MedicationRow,
    Patient,
    ScreeningRow,
    User,
    VitalsRow,
)
from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.courses import CourseStatus, StepKey
from kapdesk.domain.protocols import ProtocolTemplate
from kapdesk.domain.staff import Role
from kapdesk.domain.wall_clock import day_start
from kapdesk.services.demo_closures import at, window
from kapdesk.services.demo_courses import (
    Booker,
    CoursePlan,
    Visit,
    book_history,
    cancel_ahead,
    course_from_visits,
    read_visits,
    write_course,
)
from kapdesk.services.demo_profiles import (
    BIPOLAR,
    ELIGIBLE,
    PRECAUTIONS,
    PSYCHOSIS_HISTORY,
    SUBSTANCE_USE,
    UNCONTROLLED_PRESSURE,
    ClinicalRows,
    PatientFacts,
    Profile,
)
from kapdesk.services.protocol_rows import read_templates
from kapdesk.services.schedule_setup import read_resources, read_zone_name

EXTRAS = 10  # patients off the calendar with records: drafts, the not-eligible one, past courses
HISTORY_WEEKS = (56, 40, 32, 24)  # past courses start this long ago; the first one's screening has expired
OVERRIDE = (
    "Single substance-induced psychotic episode at 19, none since; reviewed with the treating psychiatrist, "
    "who supports a trial. Closer monitoring for the first three sessions."
)
PAUSED = ("Patient asked to pause over the holidays", "Started a new job; will return in the spring")


def add_records(connection: Connection, rng: Random, today: date) -> int:
    """Records for the demo clinic just created in `connection`'s transaction. Returns the appointments it booked."""
    resources = read_resources(connection)
    staff = {r: tuple(c.id for c in resources.clinicians if r in c.roles and c.active) for r in Role}
    booker_id = connection.scalar(select(User.id).where(User.username == "frontdesk"))
    if not (staff[Role.PRESCRIBER] and staff[Role.NURSE] and staff[Role.THERAPIST] and booker_id):
        return 0
    record = _Record(connection, rng, today, ZoneInfo(read_zone_name(connection)), staff[Role.NURSE][0])
    booker = Booker(connection, rng, today, booker_id, record.now)
    demo = _Demo(connection, rng, today, record, booker, staff[Role.PRESCRIBER], staff[Role.THERAPIST])
    extras = demo.calendar()
    demo.drafts(extras[:4])
    if len(extras) > 4:
        screened = at(today - timedelta(days=rng.randint(5, 15)), time(14), record.zone)
        record.screened(extras[4], UNCONTROLLED_PRESSURE, screened, demo.prescribers[0], None)
    demo.past(extras[5:])
    record.write()
    return booker.booked


class _Demo:
    """Who gets which record: the calendar's patients, then a few off it for drafts and past courses."""

    def __init__(
        self,
        connection: Connection,
        rng: Random,
        today: date,
        record: _Record,
        booker: Booker,
        prescribers: tuple[int, ...],
        therapists: tuple[int, ...],
    ) -> None:
        self._connection, self._rng, self._today, self._record, self._booker = connection, rng, today, record, booker
        self.prescribers, self._therapists = prescribers, therapists
        self._templates: dict[Route, ProtocolTemplate] = {}
        for template in read_templates(connection):  # the four seeded protocols, one per route
            self._templates.setdefault(template.spec.route, template)
        self._series: list[int] = []
        self._completed: set[Route] = set()

    def calendar(self) -> list[int]:
        """Courses and screenings for the patients on the calendar; returns up to EXTRAS patients off it."""
        rng, record = self._rng, self._record
        visits = read_visits(self._connection)
        window_start = day_start(window(self._today)[0], record.zone)
        self._series = [p for p, seen in sorted(visits.items()) if all(v.series for v in seen)]
        courses: list[CoursePlan] = []
        chartless: list[int] = []  # dosing on the calendar, but their course began before it: screened, no course
        waiting: list[int] = []  # not dosing yet
        staff = (self.prescribers, self._therapists)
        for patient, seen in sorted(visits.items()):
            if patient in self._series:
                continue
            course = course_from_visits(patient, seen, self._templates, staff, self._booker, rng, window_start)
            if course is not None:
                courses.append(course)
            elif any(v.kind is AppointmentKind.DOSING and v.held for v in seen):
                chartless.append(patient)
            else:
                waiting.append(patient)
        extras = list(
            self._connection.execute(
                select(Patient.id)
                .where(Patient.archived_at.is_(None), Patient.id.not_in(list(visits)))
                .order_by(Patient.id)
                .limit(EXTRAS)
            ).scalars()
        )
        record.facts([*visits, *extras])
        overridden = next(
            (c for c in courses if c.status is CourseStatus.ACTIVE and c.route is not Route.ESKETAMINE), None
        )
        if overridden is not None:
            overridden.override = OVERRIDE
        stopped = _stop_one_per_route(courses, rng)
        specials = iter((BIPOLAR, SUBSTANCE_USE))
        for course in courses:
            if course.override:
                profile = PSYCHOSIS_HISTORY
            elif course.route is Route.ESKETAMINE or (profile := next(specials, None)) is None:
                profile = record.pick(course.route)
            record.screened(course.patient, profile, course.screened, course.prescriber, course.route)
            write_course(self._connection, course, rng, course.screened + timedelta(minutes=20))
        for course in stopped:
            cancel_ahead(self._connection, course, record.now)
        self._completed = {c.route for c in courses if c.status is CourseStatus.COMPLETED}
        for patient in chartless:
            route = next(v.route for v in visits[patient] if v.kind is AppointmentKind.DOSING and v.route)
            screened = visits[patient][0].starts_at - timedelta(days=rng.randint(14, 35))
            record.screened(patient, record.pick(route), screened, self.prescribers[0], route)
        for index, patient in enumerate(waiting):
            record.waiting(patient, visits[patient], unsigned=index == 0)
        return extras

    def drafts(self, patients: Sequence[int]) -> None:
        """A draft course on each protocol, screened before the calendar's weeks, to start in the coming days."""
        rng, record, therapists = self._rng, self._record, self._therapists
        for index, (patient, route) in enumerate(zip(patients, Route, strict=False)):
            screened = at(self._today - timedelta(weeks=8, days=rng.randint(0, 6)), time(11), record.zone)
            record.screened(patient, record.pick(route), screened, self.prescribers[0], route)
            start_on = _weekday(self._today + timedelta(days=rng.randint(3, 10)))
            # Not the first therapist, whose vacation is coming (demo_closures): the planner should find times.
            therapist = therapists[1 + index % (len(therapists) - 1)] if len(therapists) > 1 else therapists[0]
            template = self._templates[route]
            doses = template.spec.doses_min
            draft = CoursePlan(
                patient, template, self.prescribers[0], therapist, start_on, doses, CourseStatus.DRAFT, screened
            )
            write_course(self._connection, draft, rng, screened + timedelta(minutes=20))

    def past(self, others: Sequence[int]) -> None:
        """A completed course months back for each protocol no course on the calendar completed, planned by the
        course planner: for the patients past their course first, then `others`. The first one's screening has
        expired since."""
        rng, record = self._rng, self._record
        routes = [r for r in Route if r not in self._completed]
        for index, (patient, route, weeks) in enumerate(
            zip([*self._series, *others], routes, HISTORY_WEEKS, strict=False)
        ):
            start_on = _weekday(self._today - timedelta(weeks=weeks))
            screened = at(start_on - timedelta(days=14), time(10), record.zone)
            template = self._templates[route]
            course = CoursePlan(
                patient,
                template,
                self.prescribers[index % len(self.prescribers)],
                self._therapists[index % len(self._therapists)],
                start_on,
                rng.randint(template.spec.doses_min, template.spec.doses_max),
                CourseStatus.COMPLETED,
                screened,
            )
            record.screened(patient, record.pick(route), screened, course.prescriber, route)
            course_id = write_course(self._connection, course, rng, screened + timedelta(minutes=20))
            if not book_history(self._connection, self._booker, course_id, course):
                raise RuntimeError(f"The course planner could not place the demo's past {route.label} course.")


def _stop_one_per_route(courses: Sequence[CoursePlan], rng: Random) -> list[CoursePlan]:
    """Make sure every protocol has a discontinued course: where none stopped early, discontinue the active one
    nearest its end (when another stays active) whose coming doses all have their integration booked."""
    stopped = []
    for route in Route:
        same = [c for c in courses if c.route is route]
        active = [c for c in same if c.status is CourseStatus.ACTIVE and not c.override]
        if any(c.status is CourseStatus.DISCONTINUED for c in same) or len(active) < 2:
            continue
        under_way = [c for c in active if _dosed(c) and _next_is_a_dose(c) and _integrations_booked(c)]
        if under_way:  # the one nearest its end: the fewest cancellations on the calendar
            course = min(under_way, key=lambda c: len(c.ahead()))
            course.status, course.reason = CourseStatus.DISCONTINUED, rng.choice(PAUSED)
            stopped.append(course)
    return stopped


def _dosed(course: CoursePlan) -> bool:
    return any(v.kind is AppointmentKind.DOSING and v.status is Status.COMPLETED for v in course.links.values())


def _next_is_a_dose(course: CoursePlan) -> bool:
    """Stopping before a dose, not between a dose and its integration session."""
    return min(course.ahead(), key=lambda v: v.starts_at).kind is AppointmentKind.DOSING


def _integrations_booked(course: CoursePlan) -> bool:
    doses = [k for k, v in course.links.items() if k.kind is AppointmentKind.DOSING and v.ahead]
    return all(StepKey(AppointmentKind.INTEGRATION, k.number) in course.links for k in doses)


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


class _Record:
    """Intake and screenings as they are decided, written in bulk at the end."""

    def __init__(self, connection: Connection, rng: Random, today: date, zone: ZoneInfo, nurse: int) -> None:
        self._connection, self._rng, self._today, self.zone = connection, rng, today, zone
        self._nurse = nurse
        self.now = utcnow()
        self._rows = ClinicalRows()
        self._facts: dict[int, PatientFacts] = {}

    def facts(self, patients: Sequence[int]) -> None:
        query = select(Patient.id, Patient.sex_at_birth, Patient.date_of_birth).where(Patient.id.in_(patients))
        self._facts = {row.id: PatientFacts(*row) for row in self._connection.execute(query)}

    def pick(self, route: Route | None) -> Profile:
        """Mostly eligible, some with precautions; esketamine only for treatment-resistant depression."""
        pool = ELIGIBLE if self._rng.random() < 0.7 else PRECAUTIONS
        if route is Route.ESKETAMINE:
            pool = tuple(p for p in pool if p.treatment_resistant)
        return self._rng.choice(pool)

    def screened(self, patient: int, profile: Profile, signed: datetime, prescriber: int, route: Route | None) -> None:
        """Intake a few days before, then the screening, recorded during the visit and signed at `signed`."""
        facts = self._facts[patient]
        created = signed - timedelta(minutes=35)
        self._rows.intake(facts, profile, created - timedelta(days=self._rng.randint(2, 9)), self._nurse, self._rng)
        self._rows.screening(
            facts, profile, self._rng, created=(created, prescriber), signed=(signed, prescriber), route=route
        )

    def waiting(self, patient: int, visits: Sequence[Visit], *, unsigned: bool) -> None:
        """A patient not dosing yet: intake before their first visit; screened at a completed consultation, or
        (the first of them) screened by the nurse and waiting for the prescriber's signature."""
        facts, profile = self._facts[patient], self.pick(None)
        first_day = min(self._day(visits[0].starts_at), self._today)
        taken = at(first_day - timedelta(days=self._rng.randint(3, 10)), time(10), self.zone)
        consult = next((v for v in visits if v.kind is AppointmentKind.CONSULTATION), None)
        if unsigned:
            self._rows.intake(facts, profile, taken, self._nurse, self._rng)
            self._rows.screening(
                facts, profile, self._rng, created=(taken + timedelta(hours=1), self._nurse), signed=None, route=None
            )
        elif consult is not None and consult.status is Status.COMPLETED:
            self.screened(patient, profile, consult.ends_at - timedelta(minutes=10), consult.clinicians[0], None)
        else:
            self._rows.intake(facts, profile, taken, self._nurse, self._rng)

    def write(self) -> None:
        rows = self._rows
        for table, batch in (
            (DiagnosisRow, rows.diagnoses),
            (MedicationRow, rows.medications),
            (AllergyRow, rows.allergies),
            (MedicalHistoryRow, rows.histories),
            (VitalsRow, rows.vitals),
            (ScreeningRow, rows.screenings),
        ):
            if batch:
                self._connection.execute(insert(table), batch)

    def _day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()
