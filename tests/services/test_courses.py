"""Courses through the services, on SQLite and PostgreSQL: eligibility before planning, a plan booked in one
transaction, a dose moved with its integration, discontinuing, and check-in readiness from the record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kapdesk.db.models import AppointmentRow
from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.clashes import NotReady
from kapdesk.domain.course_plan import move, problems
from kapdesk.domain.courses import CourseDraft, CourseStatus, SessionState, StepKey
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import ValidationFailed
from kapdesk.domain.screening import Answers, Pregnancy
from kapdesk.domain.screening_items import Item
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.services.outcomes import MeasureDraft
from tests.helpers import PASSWORD, sign_in_as, tiny_png
from tests.schedule_world import MONDAY, PAST_MONDAY, ZONE, World, build_world, draft, local


@pytest.fixture
def world(clinic: Clinic) -> World:
    made = build_world(clinic)
    clinic.auth.sign_in("prescriber", PASSWORD)
    return made


def screen(clinic: Clinic, patient_id: int, *items: Item, route: Route | None = None, rems: bool = False) -> None:
    answers = Answers(
        frozenset(items), 124, 78, 72, 98, Pregnancy.NOT_PREGNANT, frozenset(), route=route, rems_enrolled=rems
    )
    recorded = clinic.screening.record(
        patient_id, answers, rems_enrolled_on=date(2026, 11, 1) if rems else None, rems_patient_id="R-1" if rems else ""
    ).value
    clinic.screening.sign(recorded.id, recorded.version, acknowledge_precautions=True)


def template_id(clinic: Clinic, code: str) -> int:
    return next(t.id for t in clinic.protocols.templates() if t.code == code)


def new_course(clinic: Clinic, world: World, code: str = "iv-induction", doses: int = 6, **options: object):  # type: ignore[no-untyped-def]
    course_draft = CourseDraft(
        world.patients[0],
        template_id(clinic, code),
        world.clinicians["prescriber"],
        world.clinicians["therapist"],
        "Lift the depression enough to work again",
        "Curiosity",
        MONDAY,
        doses,
    )
    return clinic.courses.create(course_draft, **options).value  # type: ignore[arg-type]


def fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


def test_a_course_needs_a_current_signed_screening(clinic: Clinic, world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        new_course(clinic, world)
    assert fields(refused.value) == {"screening"}
    with clinic.database.reading() as connection:
        assert connection.scalar(select(func.count()).select_from(AppointmentRow)) == 0


def test_not_eligible_needs_a_prescribers_override_with_a_reason(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0], Item.PSYCHOSIS)
    with pytest.raises(ValidationFailed) as refused:
        new_course(clinic, world)
    assert fields(refused.value) == {"override"}
    sign_in_as(clinic, "tess", Role.THERAPIST)
    with pytest.raises(ValidationFailed, match="Only a prescriber"):
        new_course(clinic, world, override_reason="Remote history, reviewed with psychiatry")
    clinic.auth.sign_in("prescriber", PASSWORD)
    view = new_course(clinic, world, override_reason="Remote history, reviewed with psychiatry")
    assert view.course.override_reason == "Remote history, reviewed with psychiatry"
    assert view.course.override_by_name == "Prescriber"
    assert view.course.status is CourseStatus.DRAFT


def test_esketamine_needs_rems_enrollment_whatever_the_override(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0], route=Route.ESKETAMINE, rems=False)
    with pytest.raises(ValidationFailed, match="REMS"):
        new_course(clinic, world, "esk-trd", 12, override_reason="anything")
    screen(clinic, world.patients[0], route=Route.ESKETAMINE, rems=True)
    assert new_course(clinic, world, "esk-trd", 12).course.doses == 12


def test_impossible_dates_and_dose_counts_are_refused_at_their_fields(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    base = CourseDraft(
        world.patients[0], template_id(clinic, "im-kap"), world.clinicians["prescriber"], world.clinicians["nurse"],
        "", "", date(2020, 1, 1), 9,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        clinic.courses.create(base)
    assert fields(refused.value) == {"start_on", "doses", "therapist"}


def test_planning_proposes_every_session_and_booking_takes_them_all_in_one_go(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    assert plan.problems == {}
    assert len(plan.sessions) == 1 + 6 * 2
    booked = clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions).value
    assert booked.course.status is CourseStatus.ACTIVE
    assert {s.state for s in booked.course.sessions} == {SessionState.BOOKED}
    listed = clinic.calendar.for_patient(world.patients[0])
    kinds = sorted(a.kind.value for a in listed)
    assert kinds.count("dosing") == 6 and kinds.count("integration") == 6 and kinds.count("preparation") == 1
    assert all(a.route is Route.IV for a in listed if a.kind is AppointmentKind.DOSING)
    assert booked.due_next.startswith("Preparation 1")
    again = clinic.courses.propose(view.course.id)
    assert all(s.fixed for s in again.sessions)


def test_a_plan_overtaken_by_another_booking_books_nothing(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    dose3 = next(s for s in plan.sessions if s.key == StepKey(AppointmentKind.DOSING, 3))
    assert dose3.starts_at is not None
    room = "dose1" if dose3.room_id == world.rooms["dose1"] else "dose2"
    clinic.booking.book(draft(world, dose3.starts_at, room=room, clinicians=("nurse",), patient=1))
    with pytest.raises(ValidationFailed) as refused:
        clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions)
    assert "Dose 3" in fields(refused.value)
    assert clinic.calendar.for_patient(world.patients[0]) == []


def test_an_edited_plan_with_doses_too_close_is_refused(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    dose1 = next(s for s in plan.sessions if s.key == StepKey(AppointmentKind.DOSING, 1))
    dose2 = StepKey(AppointmentKind.DOSING, 2)
    assert dose1.starts_at is not None
    edited = move(plan.context, plan.sessions, dose2, dose1.starts_at + timedelta(hours=24))
    assert dose2 in problems(plan.context, edited)
    with pytest.raises(ValidationFailed) as refused:
        clinic.courses.book_plan(view.course.id, view.course.version, edited)
    assert "Dose 2" in fields(refused.value)


def test_moving_a_booked_dose_on_the_calendar_moves_its_integration(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    booked = clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions).value.course
    dose2 = booked.session(StepKey(AppointmentKind.DOSING, 2))
    after2 = booked.session(StepKey(AppointmentKind.INTEGRATION, 2))
    assert dose2 is not None and after2 is not None and dose2.appointment_id and after2.appointment_id
    appointment = clinic.calendar.get(dose2.appointment_id)[0]
    shift = timedelta(hours=2)
    clinic.booking.move(appointment.id, appointment.version, appointment.starts_at + shift, appointment.ends_at + shift)
    integration = clinic.calendar.get(after2.appointment_id)[0]
    assert integration.starts_at == after2.starts_at + shift
    dose1 = booked.session(StepKey(AppointmentKind.DOSING, 1))
    assert dose1 is not None and dose1.starts_at is not None
    moved = clinic.calendar.get(dose2.appointment_id)[0]
    too_close = dose1.starts_at + timedelta(hours=20)
    with pytest.raises(ValidationFailed, match="at least 36 h"):
        clinic.booking.move(moved.id, moved.version, too_close, too_close + timedelta(hours=2), override_reason="x")
    assert clinic.calendar.get(after2.appointment_id)[0].starts_at == integration.starts_at


def test_discontinuing_needs_a_reason_and_cancels_what_is_ahead(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    active = clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions).value.course
    with pytest.raises(ValidationFailed) as refused:
        clinic.courses.set_status(active.id, active.version, CourseStatus.DISCONTINUED, " ")
    assert fields(refused.value) == {"reason"}
    done = clinic.courses.set_status(active.id, active.version, CourseStatus.DISCONTINUED, "Moved away").value
    assert done.course.status is CourseStatus.DISCONTINUED and done.course.status_reason == "Moved away"
    statuses = {a.status for a in clinic.calendar.for_patient(world.patients[0])}
    assert statuses == {Status.CANCELLED}
    with pytest.raises(ValidationFailed, match="discontinued course"):
        clinic.courses.set_status(active.id, done.course.version, CourseStatus.COMPLETED)


def test_dosing_check_in_needs_a_current_screening_and_a_completed_preparation(clinic: Clinic, world: World) -> None:
    def book(code: str, room: str, hour: int, who: tuple[str, ...]):  # type: ignore[no-untyped-def]
        minutes = 120 if code.startswith("dose") else 60
        return clinic.booking.book(
            draft(world, local(PAST_MONDAY, hour), minutes, code=code, room=room, clinicians=who)
        ).value[0]

    prep = book("prep", "therapy", 8, ("therapist",))
    dose = book("dose-iv", "dose1", 10, ("prescriber",))
    with pytest.raises(NotReady, match="screening") as refused:
        clinic.booking.set_status(dose.id, dose.version, Status.ARRIVED)
    assert "preparation" in refused.value.message
    screen(clinic, world.patients[0])
    with pytest.raises(NotReady, match="preparation"):
        clinic.booking.set_status(dose.id, dose.version, Status.ARRIVED)
    arrived = clinic.booking.set_status(prep.id, prep.version, Status.ARRIVED).value
    clinic.booking.set_status(arrived.id, arrived.version, Status.COMPLETED)
    with pytest.raises(NotReady, match="consent"):
        clinic.booking.set_status(dose.id, dose.version, Status.ARRIVED)
    new_course(clinic, world)
    clinic.documents.sign_on_screen(
        world.patients[0], signature_png=tiny_png(), typed_name="Ana Ng", agreed=True, witness="Rei Tanaka"
    )
    checked_in = clinic.booking.set_status(dose.id, dose.version, Status.ARRIVED).value
    assert checked_in.status is Status.ARRIVED


def test_a_not_eligible_patient_is_checked_in_only_with_an_override_on_an_open_course(
    clinic: Clinic, world: World
) -> None:
    screen(clinic, world.patients[0], Item.VASCULAR)
    _appointment, readiness, _warning = clinic.calendar.get(
        clinic.booking.book(draft(world, local(MONDAY, 10))).value[0].id
    )
    assert readiness is not None
    assert any("no prescriber override" in r.detail for r in readiness.blocking)
    new_course(clinic, world, override_reason="Aneurysm repaired 2019; cleared by neurology")
    _appointment, readiness, _warning = clinic.calendar.get(_appointment.id)
    assert readiness is not None
    assert "screening" not in {r.need.value for r in readiness.blocking}


def test_the_overview_follows_the_consent_and_the_measures_on_record(clinic: Clinic, world: World) -> None:
    screen(clinic, world.patients[0])
    view = new_course(clinic, world)
    plan = clinic.courses.propose(view.course.id)
    view = clinic.courses.book_plan(view.course.id, view.course.version, plan.sessions).value
    no_consent = "No signed consent for IV infusion: dosing can't be checked in without one."
    assert no_consent in view.warnings
    assert view.measures_due == ()  # the next step is preparation: nothing is asked before it

    clinic.documents.sign_on_screen(
        world.patients[0], signature_png=tiny_png(), typed_name="Ana Ng", agreed=True, witness="Rei Tanaka"
    )
    [view] = clinic.courses.for_patient(world.patients[0])
    assert no_consent not in view.warnings
    consent = next(d for d in clinic.documents.for_patient(world.patients[0]) if d.kind is DocumentKind.CONSENT)
    clinic.documents.revoke(consent.id, consent.version, clinic.patients.today(), "Wants to think it over")
    [view] = clinic.courses.for_patient(world.patients[0])
    assert no_consent in view.warnings

    # Once the preparation is done dose 1 is next, and a PHQ-9 is due before it until one is on record.
    prep = next(s for s in view.course.sessions if s.key.kind is AppointmentKind.PREPARATION)
    assert prep.starts_at is not None and prep.ends_at is not None and prep.appointment_id is not None
    work = clinic.patients._work  # the Work every service shares: the clinic's clock moves to the preparation
    work.clock = lambda: prep.ends_at + timedelta(minutes=5)  # type: ignore[method-assign,operator]
    work.today = lambda: prep.starts_at.astimezone(ZONE).date()  # type: ignore[method-assign,union-attr]
    booked = clinic.calendar.get(prep.appointment_id)[0]
    arrived = clinic.booking.set_status(booked.id, booked.version, Status.ARRIVED).value
    clinic.booking.set_status(arrived.id, arrived.version, Status.COMPLETED)
    [view] = clinic.courses.for_patient(world.patients[0])
    assert "PHQ-9 before dose 1" in view.measures_due
    clinic.outcomes.record(MeasureDraft(world.patients[0], "PHQ-9", (1,) * 9 + (None,), prep.ends_at))
    [view] = clinic.courses.for_patient(world.patients[0])
    assert "PHQ-9 before dose 1" not in view.measures_due
