from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import text

from kapdesk.db.base import UTCDateTime
from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.courses import CourseStatus, SessionState, session_state
from kapdesk.domain.errors import DemoRefused, SignInFailed
from kapdesk.domain.intake import FLAGGED_CLASSES, MedicationClass, option_for
from kapdesk.domain.opening_hours import hours_warnings
from kapdesk.domain.patients import validate
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.screening import Answers, Pregnancy, Result, Standing, assess
from kapdesk.domain.screening_items import Item
from kapdesk.domain.staff import Role
from kapdesk.services import demo
from kapdesk.services.calendar import CalendarPage
from kapdesk.services.clinic import Clinic
from kapdesk.services.course_rows import read_courses
from kapdesk.services.outcome_rows import measures_taken
from kapdesk.services.screening_rows import verdicts
from tests.helpers import TODAY, open_test_clinic
from tests.schedule_world import MONDAY, ZONE, local

# TODAY is a Saturday: the demo books the six weeks before it and the four after (Thanksgiving, Nov 26, among
# them); the clocks went back on Nov 1, inside the past weeks.
FIRST_DAY, LAST_DAY = TODAY - timedelta(weeks=6), TODAY + timedelta(weeks=4)


def demo_clinic(clinic: Clinic, patients: int, seed: int = 1) -> Clinic:
    """Populate, then sign in as the demo admin (who may read demographics)."""
    clinic.demo.populate(patients=patients, seed=seed, today=TODAY)
    clinic.auth.sign_in("admin", demo.DEMO_PASSWORD)
    return clinic


def test_demo_clinic_has_staff_of_every_role_rooms_and_patients(new_clinic: Clinic) -> None:
    demo_clinic(new_clinic, 120, seed=7)
    with new_clinic.database.reading() as connection:
        roles = {r for (r,) in connection.execute(text("SELECT DISTINCT role FROM user_roles"))}
        kinds = {k for (k,) in connection.execute(text("SELECT DISTINCT kind FROM rooms"))}
        count = connection.execute(text("SELECT count(*) FROM patients")).scalar()
    assert roles == {"admin", "prescriber", "nurse", "therapist", "front_desk"}
    assert kinds == {"dosing", "therapy", "consult"}
    assert count == 120
    assert new_clinic.admin.profile() is not None and not new_clinic.admin.needs_setup()


def test_each_role_has_a_demo_account_that_signs_in_with_the_documented_password(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=3, today=TODAY)
    for role in Role:
        username = "frontdesk" if role is Role.FRONT_DESK else role.value
        assert new_clinic.auth.sign_in(username, demo.DEMO_PASSWORD).actor.roles == {role}
    with pytest.raises(SignInFailed):  # clinicians listed for scheduling have no password
        new_clinic.auth.sign_in("tmorrow", demo.DEMO_PASSWORD)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_PASSWORD in readme


def demo_calendar(clinic: Clinic, patients: int = 200, seed: int = 1, today: date = TODAY) -> CalendarPage:
    """Populate, sign in as the demo's front desk, and read the calendar over everything the demo booked."""
    clinic.demo.populate(patients=patients, seed=seed, today=today)
    clinic.auth.sign_in("frontdesk", demo.DEMO_PASSWORD)
    return clinic.calendar.page(local(today - timedelta(weeks=7), 0), local(today + timedelta(weeks=5), 0))


def test_demo_creation_is_one_audited_set_up_event_and_the_chain_verifies(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=10, today=TODAY)
    with new_clinic.database.reading() as connection:
        rows = connection.execute(text("SELECT action, username, summary FROM audit_events")).all()
        booked = connection.execute(text("SELECT count(*) FROM appointments")).scalar()
    assert [(r.action, r.username) for r in rows] == [("setup", "demo")]
    assert "10 patients" in rows[0].summary
    assert booked and f", {booked} appointments" in rows[0].summary
    assert new_clinic.audit.verify().intact


def test_demo_patients_pass_the_same_rules_as_typed_ones(new_clinic: Clinic) -> None:
    clinic = demo_clinic(new_clinic, 150, seed=3)
    for summary in clinic.patients.search("", include_archived=True, limit=150):
        record = clinic.patients.get(summary.id)
        assert validate(record.as_draft(), TODAY)[1] == []


# What a schedule is, ignoring the database's own ids and the moment it was made; times read as UTC on both.
SCHEDULE = text("""
    SELECT a.uid, p.chart_number, t.code, r.name, a.starts_at, a.ends_at, a.status, a.cancel_reason, a.series_id,
           u.username
    FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN appointment_types t ON t.id = a.type_id
    JOIN rooms r ON r.id = a.room_id JOIN appointment_clinicians c ON c.appointment_id = a.id
    JOIN users u ON u.id = c.user_id
    ORDER BY a.uid, u.username
""").columns(starts_at=UTCDateTime(), ends_at=UTCDateTime())


def test_same_seed_same_clinic(new_clinic: Clinic, tmp_path: Path) -> None:
    other = open_test_clinic(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other")
    third = open_test_clinic(f"sqlite:///{tmp_path / 'third.sqlite3'}", tmp_path / "third")
    try:
        new_clinic.demo.populate(patients=40, seed=11, today=TODAY)
        other.demo.populate(patients=40, seed=11, today=TODAY)
        third.demo.populate(patients=40, seed=12, today=TODAY)
        query = "SELECT chart_number, first_name, last_name, date_of_birth, phone FROM patients ORDER BY chart_number"
        with new_clinic.database.reading() as a, other.database.reading() as b, third.database.reading() as c:
            assert [tuple(map(str, r)) for r in a.execute(text(query))] == [
                tuple(map(str, r)) for r in b.execute(text(query))
            ]
            schedule = [tuple(map(str, r)) for r in a.execute(SCHEDULE)]
            assert len(schedule) > 50
            assert schedule == [tuple(map(str, r)) for r in b.execute(SCHEDULE)]
            assert schedule != [tuple(map(str, r)) for r in c.execute(SCHEDULE)]
    finally:
        other.close()
        third.close()


def test_the_demo_has_ten_weeks_of_appointments_with_outcomes_behind_and_bookings_ahead(new_clinic: Clinic) -> None:
    page = demo_calendar(new_clinic)
    days = {a.id: a.starts_at.astimezone(ZONE).date() for a in page.appointments}
    past = Counter(a.status for a in page.appointments if days[a.id] < TODAY)
    coming = Counter(a.status for a in page.appointments if days[a.id] >= TODAY)
    assert 300 <= len(page.appointments) <= 900  # a few hundred for 200 patients
    assert set(past) == {Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED}
    assert past[Status.COMPLETED] > 4 * (past[Status.NO_SHOW] + past[Status.CANCELLED])
    assert set(coming) == {Status.SCHEDULED, Status.CANCELLED}  # today is a Saturday: nobody has arrived
    assert coming[Status.SCHEDULED] > 10 * coming[Status.CANCELLED]
    assert min(days.values()) >= FIRST_DAY and max(days.values()) < LAST_DAY + timedelta(days=3)
    assert {(d - FIRST_DAY).days // 7 for d in days.values()} >= set(range(10))  # every week has appointments
    assert all(a.cancel_reason for a in page.appointments if a.status is Status.CANCELLED)
    assert {"Patient unwell", "Rescheduled by patient"} <= {a.cancel_reason for a in page.appointments}
    kinds = Counter(a.kind for a in page.appointments if a.holds_time)
    assert set(kinds) == set(AppointmentKind)
    assert kinds[AppointmentKind.DOSING] > kinds[AppointmentKind.CONSULTATION]
    assert {a.route for a in page.appointments if a.kind is AppointmentKind.DOSING} == set(Route)


def test_nobody_and_no_room_is_ever_double_booked(new_clinic: Clinic) -> None:
    """Checked in the database itself: the same clinician, patient or room (with its turnover) never has two
    appointments that hold time at once."""
    new_clinic.demo.populate(patients=200, today=TODAY)
    held = "a.status <> 'cancelled' AND b.status <> 'cancelled'"
    overlapping = {
        "room": f"""SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id AND a.room_id = b.room_id
                    AND a.starts_at < b.room_free_at AND b.starts_at < a.room_free_at WHERE {held}""",
        "patient": f"""SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id
                       AND a.patient_id = b.patient_id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
                       WHERE {held}""",
        "clinician": """SELECT count(*) FROM appointment_clinicians a JOIN appointment_clinicians b
                        ON a.appointment_id < b.appointment_id AND a.user_id = b.user_id
                        AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at WHERE a.holds_time AND b.holds_time""",
        # Each clinician row mirrors its appointment, as PostgreSQL's exclusion constraint relies on.
        "mismatch": """SELECT count(*) FROM appointment_clinicians c JOIN appointments a ON a.id = c.appointment_id
                       WHERE c.starts_at <> a.starts_at OR c.ends_at <> a.ends_at
                       OR c.holds_time <> (a.status <> 'cancelled')""",
    }
    with new_clinic.database.reading() as connection:
        found = {what: connection.execute(text(query)).scalar() for what, query in overlapping.items()}
        busiest = connection.execute(
            text("SELECT count(*) FROM appointments WHERE status <> 'cancelled' GROUP BY room_id ORDER BY 1 DESC")
        ).first()
    assert found == {"room": 0, "patient": 0, "clinician": 0, "mismatch": 0}
    assert busiest is not None and busiest[0] > 50  # rooms are shared a lot, so the check above means something


def test_every_booking_keeps_the_rules_a_front_desk_booking_must(new_clinic: Clinic) -> None:
    """Right room kind and hold, the right clinicians, inside clinic hours on a weekday, never on the closed day
    or during someone's time off: the same warnings a booking would show, none of them raised."""
    page = demo_calendar(new_clinic)
    resources = new_clinic.schedule_setup.resources()
    availability = page.availability
    room_kind = {r.id: r.kind for r in resources.rooms}
    turnover = {t.id: timedelta(minutes=t.turnover_minutes) for t in resources.types}
    roles = {c.id: c.roles for c in resources.clinicians}
    names = {c.id: c.full_name for c in resources.clinicians}
    wanted = {
        AppointmentKind.DOSING: {Role.PRESCRIBER, Role.NURSE},
        AppointmentKind.PREPARATION: {Role.THERAPIST},
        AppointmentKind.INTEGRATION: {Role.THERAPIST},
        AppointmentKind.CONSULTATION: {Role.PRESCRIBER},
        AppointmentKind.FOLLOW_UP: {Role.PRESCRIBER},
    }
    assert availability.closed_days.get(date(2026, 11, 26)) == "Thanksgiving"
    assert len(availability.time_off) >= 3
    for a in page.appointments:
        if a.kind is AppointmentKind.DOSING:
            assert room_kind[a.room_id] is RoomKind.DOSING
            assert a.room_free_at == a.ends_at + timedelta(minutes=15)
        else:
            assert room_kind[a.room_id] is not RoomKind.DOSING and a.room_free_at == a.ends_at
        assert a.room_free_at - a.ends_at == turnover[a.type_id]
        assert a.clinician_ids and all(roles[c] & wanted[a.kind] for c in a.clinician_ids), a
        if a.holds_time:
            local_start = a.starts_at.astimezone(ZONE)
            assert local_start.weekday() < 5 and local_start.minute in (0, 30)
            clinicians = {c: names[c] for c in a.clinician_ids}
            assert hours_warnings(availability, a.starts_at, a.ends_at, clinicians) == [], a
    # The closed day and the time off are there to be respected, not because nothing was booked near them.
    assert any(a.cancel_reason == "Clinic closed (Thanksgiving)" for a in page.appointments)
    assert any(a.starts_at.astimezone(ZONE).date() == date(2026, 11, 25) and a.holds_time for a in page.appointments)


def test_weekly_series_keep_their_wall_clock_time_across_the_change_of_clocks(new_clinic: Clinic) -> None:
    page = demo_calendar(new_clinic)
    series: dict[str, list] = {}
    for a in page.appointments:
        if a.series_id:
            series.setdefault(a.series_id, []).append(a)
    assert len(series) >= 2
    for booked in series.values():
        booked.sort(key=lambda a: a.starts_at)
        local_starts = [a.starts_at.astimezone(ZONE) for a in booked]
        assert len(booked) >= 8 and len({a.patient_id for a in booked}) == 1
        assert len({(s.weekday(), s.time()) for s in local_starts}) == 1
        assert all((b.date() - a.date()).days == 7 for a, b in pairwise(local_starts))
        assert local_starts[0].date() < date(2026, 11, 1) < local_starts[-1].date()  # spans the DST change


def test_the_calendar_warns_about_a_few_coming_dosing_sessions_without_integration(new_clinic: Clinic) -> None:
    page = demo_calendar(new_clinic)
    dosing = [a for a in page.appointments if a.kind is AppointmentKind.DOSING and a.holds_time]
    past = [a for a in dosing if a.starts_at.astimezone(ZONE).date() < TODAY]
    coming = [a for a in dosing if a not in past]
    assert len(past) > 50 and len(coming) > 40
    # A few to show the warning off; almost every session has its integration, past ones too (no Thursday
    # afternoon session whose integration the weekend pushes past 72 hours).
    assert 1 <= sum(a.id in page.integration for a in coming) <= len(coming) // 8
    assert sum(a.id in page.integration for a in past) <= len(past) // 20
    assert set(page.integration) <= {a.id for a in dosing}


def test_todays_first_patients_have_arrived(new_clinic: Clinic) -> None:
    page = demo_calendar(new_clinic, today=MONDAY)
    today = [a for a in page.appointments if a.starts_at.astimezone(ZONE).date() == MONDAY and a.holds_time]
    arrived = [a for a in today if a.status is Status.ARRIVED]
    assert arrived and {a.starts_at for a in arrived} == {min(a.starts_at for a in today)}
    assert all(a.status is Status.SCHEDULED for a in today if a not in arrived)


def test_the_schedule_follows_the_clinics_size_not_the_patient_count(new_sqlite_clinic: Clinic) -> None:
    new_sqlite_clinic.demo.populate(patients=3000, today=TODAY)
    with new_sqlite_clinic.database.reading() as connection:
        patients, booked = connection.execute(
            text("SELECT count(DISTINCT patient_id), count(*) FROM appointments")
        ).one()
    assert 50 <= patients <= 80 and booked < 1000


def test_searching_the_demo_clinic_finds_accented_names(new_clinic: Clinic) -> None:
    found = demo_clinic(new_clinic, 400).patients.search("mu", include_archived=True)
    assert found and all(
        p.last_name.lower().replace("ü", "u").startswith("mu") or p.first_name.lower().startswith("mu") for p in found
    )


def test_demo_refuses_a_database_that_already_has_patients(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=5, today=TODAY)
    with pytest.raises(DemoRefused, match="already holds patients"):
        new_clinic.demo.populate(patients=5, today=TODAY)
    with new_clinic.database.reading() as connection:
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 5


def test_demo_refuses_a_clinic_that_was_set_up(clinic: Clinic) -> None:
    with pytest.raises(DemoRefused):
        clinic.demo.populate(patients=5, today=TODAY)
    assert clinic.users.find("admin").full_name == "Ada Admin"


# -- the clinical record ------------------------------------------------------------------------------------

PROTOCOLS = {"iv-induction": Route.IV, "im-kap": Route.IM, "sl-kap": Route.SUBLINGUAL, "esk-trd": Route.ESKETAMINE}
SCREENINGS = text("""
    SELECT s.id, s.patient_id, s.route, s."items" AS ticked, s.systolic, s.diastolic, s.heart_rate, s.spo2,
           s.pregnancy, s.medication_classes, s.rems_enrolled, s.rems_enrolled_on, s.rems_patient_id, s.result,
           s.reasons, s.precautions_acknowledged, s.signed_by, s.created_at, s.signed_at,
           (SELECT min(d.recorded_at) FROM diagnoses d WHERE d.patient_id = s.patient_id) AS intake_at
    FROM screenings s
""").columns(created_at=UTCDateTime(), signed_at=UTCDateTime(), intake_at=UTCDateTime())


def test_demo_screenings_show_each_result_and_agree_with_the_eligibility_rule(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        rows = connection.execute(SCREENINGS).all()
        prescribers = set(
            connection.execute(text("SELECT user_id FROM user_roles WHERE role = 'prescriber'")).scalars()
        )
        standing = verdicts(connection, {r.patient_id for r in rows}, TODAY)
    assert {r.result for r in rows} == {r.value for r in Result}
    for row in rows:
        answers = Answers(
            frozenset(Item(i) for i in _json(row.ticked)),
            row.systolic,
            row.diastolic,
            row.heart_rate,
            row.spo2,
            Pregnancy(row.pregnancy),
            frozenset(MedicationClass(c) for c in _json(row.medication_classes)),
            Route(row.route) if row.route else None,
            bool(row.rems_enrolled),
        )
        assessment = assess(answers)
        assert row.result == assessment.result.value
        assert _json(row.reasons) == [
            {"text": r.text, "severity": r.severity.value, "overridable": r.overridable} for r in assessment.reasons
        ]
        assert row.intake_at < row.created_at  # the intake came first
        if row.signed_at is not None:
            assert row.signed_by in prescribers and row.created_at <= row.signed_at
            assert bool(row.precautions_acknowledged) == (row.result == Result.PRECAUTIONS.value)
        if row.route == Route.ESKETAMINE.value:
            assert row.rems_enrolled and row.rems_enrolled_on and row.rems_patient_id
    reasons = " ".join(str(_json(r.reasons)) for r in rows if r.result == Result.NOT_ELIGIBLE.value)
    assert "Uncontrolled hypertension" in reasons and "psychosis" in reasons
    assert {v.standing for v in standing.values()} == {Standing.CURRENT, Standing.UNSIGNED, Standing.EXPIRED}
    assert sum(v.standing is Standing.UNSIGNED for v in standing.values()) == 1
    assert sum(v.standing is Standing.EXPIRED for v in standing.values()) == 1
    assert any(r.route == Route.ESKETAMINE.value and r.signed_at for r in rows)


def test_demo_intake_uses_the_catalogue_with_flagged_medications_and_allergies(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        diagnoses = connection.execute(text("SELECT code, treatment_resistant FROM diagnoses")).all()
        classes = set(connection.execute(text("SELECT med_class FROM medications")).scalars())
        allergies = connection.execute(text("SELECT count(*) FROM allergies")).scalar()
        histories = set(connection.execute(text("SELECT patient_id FROM medical_histories WHERE body <> ''")).scalars())
        screened = set(connection.execute(text("SELECT patient_id FROM screenings")).scalars())
        vitals = set(connection.execute(text("SELECT patient_id FROM vitals")).scalars())
    assert all(option_for(code) is not None for code, _ in diagnoses)
    codes = {code for code, _ in diagnoses}
    assert any(resistant for _, resistant in diagnoses)
    for prefix in ("F43.", "F41.1", "F31.", "F10."):  # PTSD, GAD, bipolar, substance use
        assert any(code.startswith(prefix) for code in codes), prefix
    assert len(classes & {c.value for c in FLAGGED_CLASSES}) >= 4
    assert allergies >= 2
    assert screened <= histories and screened == vitals


COURSE_SESSIONS = text("""
    SELECT c.id AS course_id, c.patient_id AS course_patient, p.code, c.status, s.kind, s.number,
           a.id AS appointment_id, a.patient_id, a.status AS appointment_status, a.cancel_reason, t.kind AS type_kind,
           t.route
    FROM courses c JOIN protocol_templates p ON p.id = c.template_id
    JOIN course_sessions s ON s.course_id = c.id
    LEFT JOIN appointments a ON a.id = s.appointment_id LEFT JOIN appointment_types t ON t.id = a.type_id
""")


def test_demo_courses_in_every_state_on_each_protocol_rest_on_a_screening(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        courses = read_courses(connection, ids=connection.execute(text("SELECT id FROM courses")).scalars().all())
        codes = dict(connection.execute(text("SELECT id, code FROM protocol_templates")).all())
        standing = verdicts(connection, {c.patient_id for c in courses}, TODAY)
        prescribers = {
            name
            for (name,) in connection.execute(
                text("SELECT full_name FROM users u JOIN user_roles r ON r.user_id = u.id WHERE role = 'prescriber'")
            )
        }
    assert {(codes[c.template_id], c.status) for c in courses} == {
        (code, status) for code in PROTOCOLS for status in CourseStatus
    }
    for course in courses:
        verdict = standing[course.patient_id]
        assert course.route is PROTOCOLS[codes[course.template_id]]
        assert bool(course.status_reason) == (course.status is CourseStatus.DISCONTINUED)
        if course.status is CourseStatus.DRAFT:
            assert all(s.appointment_id is None for s in course.sessions)
        if course.status in (CourseStatus.DRAFT, CourseStatus.ACTIVE):  # as the service would let them be
            assert verdict.standing is Standing.CURRENT, course
            assert verdict.result is not Result.NOT_ELIGIBLE or course.override_reason
            assert course.route is not Route.ESKETAMINE or verdict.rems_enrolled
    overridden = [c for c in courses if c.override_reason]
    assert len(overridden) == 1 and overridden[0].override_by_name in prescribers
    assert standing[overridden[0].patient_id].result is Result.NOT_ELIGIBLE


def test_demo_course_sessions_are_the_patients_own_appointments_of_the_right_kind(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        rows = connection.execute(COURSE_SESSIONS).all()
    linked = [r for r in rows if r.appointment_id is not None]
    assert len(linked) > 200 and len({r.appointment_id for r in linked}) == len(linked)  # none linked twice
    for row in linked:
        assert row.patient_id == row.course_patient
        assert row.type_kind == row.kind
        assert (row.route == PROTOCOLS[row.code].value) == (row.kind == AppointmentKind.DOSING.value)
        state = session_state(Status(row.appointment_status))
        assert (state is SessionState.DONE) == (row.appointment_status == Status.COMPLETED.value)
        if row.status == CourseStatus.COMPLETED.value:
            assert state in (SessionState.DONE, SessionState.MISSED), row
        if row.appointment_status == Status.CANCELLED.value:
            assert row.status == CourseStatus.DISCONTINUED.value and row.cancel_reason.startswith("Course discontinued")
    by_course: dict[int, list] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)
    for sessions in by_course.values():
        status = CourseStatus(sessions[0].status)
        held = [s for s in sessions if s.appointment_status in (Status.SCHEDULED.value, Status.ARRIVED.value)]
        done = [s for s in sessions if s.kind == AppointmentKind.DOSING.value and s.appointment_status == "completed"]
        if status is CourseStatus.ACTIVE:
            assert held
        if status is CourseStatus.COMPLETED:
            assert all(s.appointment_id for s in sessions if s.kind == AppointmentKind.DOSING.value)
        if status is CourseStatus.DISCONTINUED:
            assert done and not held


def test_demo_course_bookings_keep_the_hours_and_the_order_of_a_course(new_clinic: Clinic) -> None:
    """Including the courses booked months before the calendar's ten weeks, through the course planner."""
    page = demo_calendar(new_clinic)
    with new_clinic.database.reading() as connection:
        rows = connection.execute(COURSE_SESSIONS).all()
    linked = {r.appointment_id: r for r in rows if r.appointment_id is not None}
    everything = new_clinic.calendar.page(local(TODAY - timedelta(weeks=70), 0), local(TODAY + timedelta(weeks=8), 0))
    names = {c.id: c.full_name for c in new_clinic.schedule_setup.resources().clinicians}
    booked = {a.id: a for a in everything.appointments if a.id in linked}
    assert set(booked) == set(linked) and len(everything.appointments) > len(page.appointments)
    for a in booked.values():
        if a.holds_time:
            clinicians = {c: names[c] for c in a.clinician_ids}
            assert hours_warnings(everything.availability, a.starts_at, a.ends_at, clinicians) == [], a
    courses: dict[int, dict[tuple[str, int], object]] = {}
    for appointment_id, row in linked.items():
        courses.setdefault(row.course_id, {})[(row.kind, row.number)] = booked[appointment_id]
    for steps in courses.values():
        doses = sorted((n, a) for (kind, n), a in steps.items() if kind == AppointmentKind.DOSING.value)
        preparations = [a for (kind, _), a in steps.items() if kind == AppointmentKind.PREPARATION.value]
        starts = [a.starts_at for _, a in doses]
        assert starts == sorted(starts)
        if doses:
            assert all(p.ends_at <= doses[0][1].starts_at for p in preparations)
        for number, dose in doses:
            after = steps.get((AppointmentKind.INTEGRATION.value, number))
            if after is not None:
                assert dose.ends_at <= after.starts_at  # type: ignore[attr-defined]


def _json(value: object) -> list:
    """A JSON column read with plain SQL: SQLite hands back text, PostgreSQL the value."""
    return json.loads(value) if isinstance(value, str) else value  # type: ignore[return-value]


def test_demo_patients_with_done_doses_have_a_phq9_before_each_mostly_falling(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        done = Counter(connection.execute(DONE_DOSES).scalars())
        taken = measures_taken(connection, done)
        totals = connection.execute(text("SELECT course_id, total FROM assessments ORDER BY taken_at")).all()
    assert done and {p: [i for i, _ in taken[p]].count("PHQ-9") for p in done} == dict(done)
    by_course: dict[int, list[int]] = {}
    for course_id, total in totals:
        by_course.setdefault(course_id, []).append(total)
    fell = [t[-1] < t[0] for t in by_course.values() if len(t) > 2]
    assert fell and sum(fell) > len(fell) / 2


DONE_DOSES = text("""
    SELECT c.patient_id FROM course_sessions s
    JOIN courses c ON c.id = s.course_id JOIN appointments a ON a.id = s.appointment_id
    WHERE s.kind = 'dosing' AND a.status = 'completed'
""")  # fmt: skip


def test_demo_open_courses_have_their_routes_consent_mostly_signed_one_revoked(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=200, today=TODAY)
    with new_clinic.database.reading() as connection:
        open_courses = connection.execute(
            text("SELECT id, patient_id FROM courses WHERE status IN ('active', 'draft')")
        ).all()
        consents = connection.execute(
            text(
                "SELECT d.course_id, d.route, t.route, d.signed_at, d.revoked_on, d.pdf, d.sha256 "
                "FROM patient_documents d JOIN courses c ON c.id = d.course_id "
                "JOIN protocol_templates t ON t.id = c.template_id WHERE d.kind = 'consent'"
            )
        ).all()
    assert {c[0] for c in consents} == {course_id for course_id, _ in open_courses}
    assert all(route == course_route for _, route, course_route, *_ in consents)
    assert all(hashlib.sha256(pdf).hexdigest() == sha for *_, pdf, sha in consents)
    signed = [c for c in consents if c[3] is not None]
    assert len(consents) > len(signed) > len(consents) / 2  # most signed, a few waiting for the signature
    assert sum(1 for c in consents if c[4] is not None) == 1
