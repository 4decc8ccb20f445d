"""Treatment courses: create from a protocol template, plan and book every session, follow and close them.

A course is refused for a patient without a current signed screening, and for one screened "not eligible" unless
a prescriber records an override with a reason (stored on the course with who and when). Esketamine also needs
REMS enrollment, which nothing overrides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.base import utcnow
from kapdesk.db.models import AppointmentClinician, AppointmentRow, CourseRow, CourseSessionRow, Patient, User, UserRole
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.course_overview import CourseView, overview
from kapdesk.domain.course_plan import Proposed, plan, problems
from kapdesk.domain.courses import (
    COURSE_TRANSITIONS,
    Course,
    CourseDraft,
    CourseStatus,
    check_course_text,
    check_reason,
    course_steps,
    eligibility_errors,
)
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.permissions import Permission
from kapdesk.domain.protocols import dose_counts
from kapdesk.domain.staff import Role
from kapdesk.services.audit_trail import Entry
from kapdesk.services.booking_places import notify_calendars
from kapdesk.services.course_planning import Plan, book_sessions, read_context
from kapdesk.services.course_rows import read_courses
from kapdesk.services.document_rows import consented_routes
from kapdesk.services.outcome_rows import measures_taken
from kapdesk.services.protocol_rows import read_template
from kapdesk.services.screening_rows import verdicts
from kapdesk.services.work import Unit, Work, audited

LATEST_START = timedelta(days=365)  # a start date further ahead than this is a typo
_A, _AC, _CS = AppointmentRow.__table__, AppointmentClinician.__table__, CourseSessionRow.__table__


class CourseService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading -----------------------------------------------------------------------------------------

    @audited(Action.VIEW)
    def for_patient(self, patient_id: int) -> list[CourseView]:
        """The patient's courses, newest first, each with what is due next and what needs attention."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            courses = read_courses(unit.connection, patient_id=patient_id)
            views = self._views(unit, courses, patient_id)
            _record(unit, Action.VIEW, None, patient_id, f"listed {len(views)} course(s)")
        return views

    @audited(Action.VIEW)
    def get(self, course_id: int) -> CourseView:
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            course = _course(unit, course_id)
            view = self._views(unit, [course], course.patient_id)[0]
            _record(unit, Action.VIEW, course_id, course.patient_id, "viewed course")
        return view

    @audited(Action.VIEW)
    def propose(self, course_id: int) -> Plan:
        """Real times for every session not yet booked, within hours and everyone's availability."""
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            course = _course(unit, course_id)
            _require_open(course)
            template = read_template(unit.connection, course.template_id)
            context, sessions = read_context(unit.connection, course, template, self._work.clock(), self._work.today())
            placed = plan(context, sessions)
            _record(unit, Action.VIEW, course_id, course.patient_id, "planned course (proposal)")
        return Plan(context, tuple(placed), problems(context, placed))

    # -- changing ----------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def create(self, draft: CourseDraft, *, override_reason: str = "") -> Outcome[CourseView]:
        """A draft course from a template, with a session row for every step the template defines."""
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            template = read_template(unit.connection, draft.template_id)
            errors = check_course_text(draft.goals, draft.intentions)
            errors += self._check_people(unit, draft)
            if not template.active:
                errors.append(FieldError("template", f"{template.label} has been replaced; choose the current one."))
            spec = template.spec
            if not spec.doses_min <= draft.doses <= spec.doses_max:
                errors.append(FieldError("doses", f"This protocol has {spec.doses_min}–{spec.doses_max} doses."))
            today = self._work.today()
            if draft.start_on is None:
                errors.append(FieldError("start_on", "Choose the date the course starts."))
            elif not today <= draft.start_on <= today + LATEST_START:
                errors.append(FieldError("start_on", "The course starts today or within the next year."))
            verdict = verdicts(unit.connection, [draft.patient_id], today)[draft.patient_id]
            errors += eligibility_errors(
                verdict, spec.route, override_reason, may_override=unit.actor.may(Permission.SIGN_SCREENING)
            )
            if errors:
                raise ValidationFailed(errors)
            assert draft.start_on is not None
            overriding = bool(override_reason.strip())
            row = CourseRow(
                patient_id=draft.patient_id,
                template_id=template.id,
                prescriber_id=draft.prescriber_id,
                therapist_id=draft.therapist_id,
                goals=draft.goals.strip(),
                intentions=draft.intentions.strip(),
                start_on=draft.start_on,
                doses=draft.doses,
                status=CourseStatus.DRAFT.value,
                override_reason=override_reason.strip() if overriding else "",
                override_by=unit.actor.user_id if overriding else None,
                override_at=utcnow() if overriding else None,
                created_by=unit.actor.user_id,
            )
            unit.session.add(row)
            unit.session.flush()
            steps = course_steps(spec.preparation_sessions, dose_counts(spec, draft.doses))
            unit.connection.execute(
                _CS.insert(),
                [{"course_id": row.id, "kind": k.kind.value, "number": k.number, "phase": p} for k, p in steps],
            )
            summary = f"created course from {template.code} v{template.version}"
            _record(
                unit,
                Action.CREATE,
                row.id,
                draft.patient_id,
                summary + ("; not-eligible override" if overriding else ""),
            )
            course = _course(unit, row.id)
            view = self._views(unit, [course], course.patient_id)[0]
        return Outcome(view, Changes(clinical=frozenset({draft.patient_id})))

    @audited(Action.CREATE)
    def book_plan(self, course_id: int, expected_version: int, sessions: Sequence[Proposed]) -> Outcome[CourseView]:
        """Book every session of the (edited) plan that isn't booked yet, in one transaction, and make the course
        active. The patient must still be eligible (or overridden) now."""
        with self._guard(course_id), self._work.unit(Permission.WRITE_CLINICAL) as unit:
            row = _load(unit, course_id, expected_version)
            course = _course(unit, course_id)
            _require_open(course)
            template = read_template(unit.connection, course.template_id)
            verdict = verdicts(unit.connection, [course.patient_id], self._work.today())[course.patient_id]
            errors = eligibility_errors(verdict, template.spec.route, course.override_reason, may_override=True)
            if errors:
                raise ValidationFailed(errors)
            context, _ = read_context(unit.connection, course, template, self._work.clock(), self._work.today())
            ids = book_sessions(unit, course, context, sessions)
            row.status, row.updated_at = CourseStatus.ACTIVE.value, utcnow()
            unit.session.flush()
            notify_calendars(unit.connection, ids)
            _record(unit, Action.CREATE, course_id, course.patient_id, f"booked course plan: {len(ids)} appointment(s)")
            view = self._views(unit, [_course(unit, course_id)], course.patient_id)[0]
        return Outcome(view, Changes(appointments=frozenset(ids), clinical=frozenset({course.patient_id})))

    @audited(Action.UPDATE)
    def update(self, course_id: int, expected_version: int, goals: str, intentions: str) -> Outcome[CourseView]:
        errors = check_course_text(goals, intentions)
        if errors:
            raise ValidationFailed(errors)
        with self._guard(course_id), self._work.unit(Permission.WRITE_CLINICAL) as unit:
            row = _load(unit, course_id, expected_version)
            changed = [
                n for n, v in (("goals", goals.strip()), ("intentions", intentions.strip())) if getattr(row, n) != v
            ]
            row.goals, row.intentions, row.updated_at = goals.strip(), intentions.strip(), utcnow()
            unit.session.flush()
            _record(unit, Action.UPDATE, course_id, row.patient_id, f"changed {', '.join(changed) or 'nothing'}")
            view = self._views(unit, [_course(unit, course_id)], row.patient_id)[0]
        return Outcome(view, Changes(clinical=frozenset({row.patient_id})))

    @audited(Action.STATUS_CHANGE)
    def set_status(
        self, course_id: int, expected_version: int, status: CourseStatus, reason: str = ""
    ) -> Outcome[CourseView]:
        """Activate, complete, or discontinue (with a reason: its sessions still to come are cancelled)."""
        if status is CourseStatus.DISCONTINUED:
            reason, errors = check_reason(reason, "discontinued")
            if errors:
                raise ValidationFailed(errors)
        with self._guard(course_id), self._work.unit(Permission.WRITE_CLINICAL) as unit:
            row = _load(unit, course_id, expected_version)
            current = CourseStatus(row.status)
            if status not in COURSE_TRANSITIONS[current]:
                raise ValidationFailed(
                    [FieldError("status", f"A {current.label.lower()} course can't be marked {status.label.lower()}.")]
                )
            cancelled: list[int] = []
            if status is CourseStatus.DISCONTINUED:
                cancelled = self._cancel_ahead(unit, course_id, reason)
            row.status, row.status_reason, row.updated_at = status.value, reason, utcnow()
            unit.session.flush()
            if cancelled:
                notify_calendars(unit.connection, cancelled)
            extra = f"; cancelled {len(cancelled)} appointment(s)" if cancelled else ""
            _record(unit, Action.STATUS_CHANGE, course_id, row.patient_id, f"{current.value} → {status.value}{extra}")
            view = self._views(unit, [_course(unit, course_id)], row.patient_id)[0]
        return Outcome(view, Changes(appointments=frozenset(cancelled), clinical=frozenset({row.patient_id})))

    # -- the steps ---------------------------------------------------------------------------------------

    def _views(self, unit: Unit, courses: list[Course], patient_id: int) -> list[CourseView]:
        verdict = verdicts(unit.connection, [patient_id], self._work.today())[patient_id]
        now = self._work.clock()
        taken = measures_taken(unit.connection, [patient_id])[patient_id]
        routes = consented_routes(unit.connection, patient_id)
        return [
            overview(
                c, read_template(unit.connection, c.template_id).spec, verdict, now,
                consent_signed=c.route in routes, taken=taken,
            )
            for c in courses
        ]  # fmt: skip

    def _check_people(self, unit: Unit, draft: CourseDraft) -> list[FieldError]:
        errors = []
        patient = unit.connection.execute(select(Patient.archived_at).where(Patient.id == draft.patient_id)).first()
        if patient is None:
            errors.append(FieldError("patient", "That patient doesn't exist."))
        elif patient.archived_at is not None:
            errors.append(FieldError("patient", "The patient's record is archived; restore it first."))
        for field, user_id, role in (
            ("prescriber", draft.prescriber_id, Role.PRESCRIBER),
            ("therapist", draft.therapist_id, Role.THERAPIST),
        ):
            found = unit.connection.execute(
                select(User.full_name, User.active)
                .join(UserRole, UserRole.user_id == User.id)
                .where(User.id == user_id, UserRole.role == role.value)
            ).first()
            if found is None:
                errors.append(FieldError(field, f"Choose someone who works as a {role.label.lower()}."))
            elif not found.active:
                errors.append(FieldError(field, f"{found.full_name}'s account is disabled."))
        return errors

    def _cancel_ahead(self, unit: Unit, course_id: int, reason: str) -> list[int]:
        ids = list(
            unit.connection.execute(
                select(_A.c.id)
                .join(_CS, _CS.c.appointment_id == _A.c.id)
                .where(_CS.c.course_id == course_id, _A.c.status == "scheduled", _A.c.starts_at > self._work.clock())
            ).scalars()
        )
        if ids:
            unit.connection.execute(
                update(_A)
                .where(_A.c.id.in_(ids))
                .values(
                    status="cancelled",
                    cancel_reason=f"Course discontinued: {reason}"[:200],
                    updated_at=utcnow(),
                    version=_A.c.version + 1,
                )
            )
            unit.connection.execute(update(_AC).where(_AC.c.appointment_id.in_(ids)).values(holds_time=False))
        return ids

    @contextmanager
    def _guard(self, course_id: int) -> Iterator[None]:
        try:
            yield
        except StaleDataError as error:
            raise _stale(course_id) from error


def _course(unit: Unit, course_id: int) -> Course:
    found = read_courses(unit.connection, ids=[course_id])
    if not found:
        raise NotFound(f"There is no course with id {course_id}.")
    return found[0]


def _load(unit: Unit, course_id: int, expected_version: int) -> CourseRow:
    row = unit.session.get(CourseRow, course_id)
    if row is None:
        raise NotFound(f"There is no course with id {course_id}.")
    if row.version != expected_version:
        raise _stale(course_id)
    return row


def _stale(course_id: int) -> ConflictError:
    return ConflictError("Someone changed this course on another computer after you opened it.", course_id)


def _require_open(course: Course) -> None:
    if course.status not in (CourseStatus.DRAFT, CourseStatus.ACTIVE):
        raise ValidationFailed([FieldError("status", f"A {course.status.label.lower()} course can't be planned.")])


def _record(unit: Unit, action: Action, course_id: int | None, patient_id: int, summary: str) -> None:
    unit.record(
        Entry(action, Category.CLINICAL, "course", str(course_id or ""), patient_id=patient_id, summary=summary)
    )
