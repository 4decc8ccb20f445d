"""The course overview on the chart: what is due next, which measures are due, and every warning a clinician must
see (screening, consent, integration, sessions left unrecorded or missed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.course_overview import overview
from kapdesk.domain.courses import Course, CourseSession, CourseStatus, SessionState, StepKey
from kapdesk.domain.protocols import MeasureDue, Timing
from kapdesk.domain.screening import Result, Standing, Verdict
from tests.domain.test_course_plan import spec

NOW = datetime(2026, 11, 10, 9, tzinfo=UTC)
SPEC = spec()  # IV induction: one preparation, six doses, PHQ-9 before each dose, integration 24–72 h
CURRENT = Verdict(Standing.CURRENT, Result.ELIGIBLE, "Eligible.", 1, date(2027, 11, 1))
PREP, DOSE, INTEGRATION = AppointmentKind.PREPARATION, AppointmentKind.DOSING, AppointmentKind.INTEGRATION

Step = tuple[AppointmentKind, int, Status | None, datetime | None]


def course(*steps: Step, status: CourseStatus = CourseStatus.ACTIVE) -> Course:
    sessions = tuple(
        CourseSession(
            index,
            StepKey(kind, number),
            "Preparation" if kind is PREP else "Induction",
            None if state is None else 100 + index,
            state,
            start,
            None if start is None else start + timedelta(hours=2 if kind is DOSE else 1),
        )
        for index, (kind, number, state, start) in enumerate(steps)
    )
    return Course(
        1, 7, 3, SPEC.name, 1, Route.IV, 1, "Dr P", 2, "T", "", "", date(2026, 11, 2), 6, status, "", "", "",
        sessions, NOW, 1,
    )  # fmt: skip


def at(days: float) -> datetime:
    return NOW + timedelta(days=days)


def test_a_draft_asks_to_be_planned_and_an_active_course_names_the_next_booked_session() -> None:
    draft = overview(course((PREP, 1, None, None), status=CourseStatus.DRAFT), SPEC, CURRENT, NOW, consent_signed=True)
    assert draft.due_next == "Plan the course: no session is booked yet." and draft.next_session is None

    view = overview(
        course((PREP, 1, Status.COMPLETED, at(-2)), (DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, None, None)),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert view.due_next == "Dose 1, booked"
    assert view.next_session is not None and view.next_session.key == StepKey(DOSE, 1)
    assert view.measures_due == ("PHQ-9 before dose 1",)
    assert view.counts[SessionState.DONE] == 1 and view.counts[SessionState.PLANNED] == 1


def test_a_dose_without_its_integration_or_with_one_outside_the_window_is_warned() -> None:
    missing = overview(
        course((DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, None, None)),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert missing.warnings == ("No integration booked after dose 1.",)

    too_late = overview(
        course((DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, Status.SCHEDULED, at(5))),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert too_late.warnings == ("The integration after dose 1 is outside 24–72 h.",)

    inside = overview(
        course((DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, Status.SCHEDULED, at(2.5))),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert inside.warnings == ()


def test_a_cancelled_dose_whose_integration_is_still_booked_is_warned() -> None:
    view = overview(
        course((DOSE, 1, Status.CANCELLED, at(1)), (INTEGRATION, 1, Status.SCHEDULED, at(2.5))),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert view.warnings == (
        "Dose 1 was cancelled but the integration after it is still booked: rebook the dose or cancel the integration.",
    )
    # A dose never booked, with no integration booked either, is just still to book: nothing to warn.
    unbooked = overview(
        course((DOSE, 1, None, None), (INTEGRATION, 1, None, None)), SPEC, CURRENT, NOW, consent_signed=True
    )
    assert unbooked.warnings == ()


def test_screening_expired_or_expiring_before_the_course_ends_and_consent_are_warned() -> None:
    steps = ((DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, Status.SCHEDULED, at(2.5)))
    expired = Verdict(Standing.EXPIRED, Result.ELIGIBLE, "Signed 2025-10-01; redo it.", 1)
    view = overview(course(*steps), SPEC, expired, NOW, consent_signed=False)
    assert view.warnings[0] == "Screening expired: Signed 2025-10-01; redo it."
    assert f"No signed consent for {Route.IV.label}: dosing can't be checked in without one." in view.warnings

    expiring = Verdict(Standing.CURRENT, Result.ELIGIBLE, "Eligible.", 1, (NOW + timedelta(days=1)).date())
    view = overview(course(*steps), SPEC, expiring, NOW, consent_signed=True)
    assert view.warnings == (f"The screening expires on {expiring.expires_on}, before the course ends.",)


def test_past_sessions_left_unrecorded_and_missed_sessions_are_named() -> None:
    view = overview(
        course(
            (PREP, 1, Status.NO_SHOW, at(-6)),
            (DOSE, 1, Status.SCHEDULED, at(-3)),
            (INTEGRATION, 1, Status.SCHEDULED, at(-2)),
        ),
        SPEC,
        CURRENT,
        NOW,
        consent_signed=True,
    )
    assert "Not marked done or missed: dose 1, integration after dose 1." in view.warnings
    assert "Missed: preparation 1." in view.warnings


def test_a_finished_or_discontinued_course_warns_of_nothing() -> None:
    steps = ((DOSE, 1, Status.SCHEDULED, at(1)), (INTEGRATION, 1, None, None))
    for status in (CourseStatus.COMPLETED, CourseStatus.DISCONTINUED):
        assert overview(course(*steps, status=status), SPEC, CURRENT, NOW, consent_signed=False).warnings == ()


def test_the_last_integration_asks_for_the_after_last_dose_measures() -> None:
    protocol = spec(measures=(MeasureDue("PHQ-9", Timing.AFTER_LAST_DOSE),))
    steps = [(DOSE, n, Status.COMPLETED, at(-20 + 3 * n)) for n in range(1, 7)]
    steps += [(INTEGRATION, n, Status.COMPLETED, at(-19 + 3 * n)) for n in range(1, 6)]
    steps.append((INTEGRATION, 6, Status.SCHEDULED, at(1)))
    view = overview(course(*steps), protocol, CURRENT, NOW, consent_signed=True)
    assert view.due_next == "Integration after dose 6, booked"
    assert view.measures_due == ("PHQ-9 after the last dose",)


def test_a_measure_missing_before_a_dose_that_has_started_is_overdue_and_one_taken_is_no_longer_due() -> None:
    steps = (
        (DOSE, 1, Status.COMPLETED, at(-6)),
        (INTEGRATION, 1, Status.COMPLETED, at(-4.5)),
        (DOSE, 2, Status.COMPLETED, at(-3)),
        (INTEGRATION, 2, Status.COMPLETED, at(-1.5)),
        (DOSE, 3, Status.SCHEDULED, at(1)),
        (INTEGRATION, 3, Status.SCHEDULED, at(2.5)),
    )
    none = overview(course(*steps), SPEC, CURRENT, NOW, consent_signed=True)
    assert none.warnings == ("PHQ-9 not recorded before dose 1, before dose 2.",)
    assert none.measures_due == ("PHQ-9 before dose 3",)

    # One before dose 1 and one since dose 2 (for dose 3): only dose 2's is missing. A PHQ-9 taken before dose 1
    # does not count for dose 2: each dose needs its own since the dose before it.
    taken = [("PHQ-9", at(-6.5)), ("GAD-7", at(-3.5)), ("PHQ-9", at(-1))]
    view = overview(course(*steps), SPEC, CURRENT, NOW, consent_signed=True, taken=taken)
    assert view.warnings == ("PHQ-9 not recorded before dose 2.",)
    assert view.measures_due == ()


def test_the_after_last_dose_measure_is_overdue_once_the_last_integration_is_done() -> None:
    protocol = spec(measures=(MeasureDue("PHQ-9", Timing.AFTER_LAST_DOSE),))
    steps = [(DOSE, n, Status.COMPLETED, at(-20 + 3 * n)) for n in range(1, 7)]
    steps += [(INTEGRATION, n, Status.COMPLETED, at(-18.5 + 3 * n)) for n in range(1, 7)]
    view = overview(course(*steps), protocol, CURRENT, NOW, consent_signed=True)
    assert view.warnings == ("PHQ-9 not recorded after the last dose.",)
    after = overview(course(*steps), protocol, CURRENT, NOW, consent_signed=True, taken=[("PHQ-9", at(-0.25))])
    assert after.warnings == ()
