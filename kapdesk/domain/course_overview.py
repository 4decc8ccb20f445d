"""What a course's overview says: where it stands, what is due next, and what needs attention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.appointments import AppointmentKind
from kapdesk.domain.courses import Course, CourseSession, CourseStatus, SessionState, StepKey
from kapdesk.domain.protocols import MeasureDue, ProtocolSpec, Timing
from kapdesk.domain.screening import Standing, Verdict

_OPEN = (CourseStatus.DRAFT, CourseStatus.ACTIVE)


@dataclass(frozen=True)
class CourseView:
    course: Course
    spec: ProtocolSpec
    due_next: str
    next_session: CourseSession | None  # the UI shows its time in the clinic's zone
    warnings: tuple[str, ...]
    measures_due: tuple[str, ...]  # outcome measures the protocol asks for at the next step

    @property
    def counts(self) -> dict[SessionState, int]:
        found = dict.fromkeys(SessionState, 0)
        for session in self.course.sessions:
            found[session.state] += 1
        return found


def overview(
    course: Course,
    spec: ProtocolSpec,
    verdict: Verdict,
    now: datetime,
    *,
    consent_signed: bool,
    taken: Sequence[tuple[str, datetime]] = (),
) -> CourseView:
    """`consent_signed`: the patient has a signed, unrevoked consent for the course's route. `taken`: the patient's
    outcome measures on record, as (instrument, when)."""
    sessions = course.sessions
    pending = [s for s in sessions if s.state in (SessionState.PLANNED, SessionState.BOOKED)]
    warnings: list[str] = []
    measures: list[str] = []
    due = ""
    nxt = None
    if course.status is CourseStatus.DRAFT:
        due = "Plan the course: no session is booked yet."
    elif course.status is CourseStatus.ACTIVE:
        nxt = pending[0] if pending else None
        if nxt is None:
            due = "Every session has happened: complete the course."
        elif nxt.state is SessionState.BOOKED:
            due = f"{nxt.key.label}, booked"
        else:
            due = f"Book {nxt.key.label.lower()}."
        if nxt is not None and nxt.key.kind is AppointmentKind.DOSING:
            since = _previous_dose_start(course, nxt.key.number)
            measures += [
                f"{m.instrument} before {nxt.key.label.lower()}"
                for m in spec.measures
                if _asked_before(m, nxt.key.number) and not _taken_between(taken, m.instrument, since, None)
            ]
        if nxt is None or (nxt.key.kind is AppointmentKind.INTEGRATION and nxt.key.number == course.doses):
            last = _previous_dose_start(course, course.doses + 1)
            measures += [
                f"{m.instrument} after the last dose"
                for m in spec.measures
                if m.timing is Timing.AFTER_LAST_DOSE and not _taken_between(taken, m.instrument, last, None)
            ]
    if course.status in _OPEN:
        if verdict.standing is not Standing.CURRENT:
            warnings.append(f"Screening {verdict.standing.label.lower()}: {verdict.detail}")
        elif verdict.expires_on is not None:
            last = max((s.starts_at for s in pending if s.starts_at is not None), default=None)
            if last is not None and last.date() >= verdict.expires_on:
                warnings.append(f"The screening expires on {verdict.expires_on.isoformat()}, before the course ends.")
        if not consent_signed:
            warnings.append(f"No signed consent for {course.route.label}: dosing can't be checked in without one.")
        warnings += _integration_warnings(course, spec)
        warnings += _overdue_measures(course, spec, taken, now)
        unrecorded = [
            s.key.label.lower()
            for s in pending
            if s.state is SessionState.BOOKED and s.ends_at is not None and s.ends_at < now - timedelta(hours=12)
        ]
        if unrecorded:
            warnings.append("Not marked done or missed: " + ", ".join(unrecorded) + ".")
        missed = [s.key.label.lower() for s in sessions if s.state is SessionState.MISSED]
        if missed:
            warnings.append("Missed: " + ", ".join(missed) + ".")
    return CourseView(course, spec, due, nxt, tuple(warnings), tuple(measures))


def _integration_warnings(course: Course, spec: ProtocolSpec) -> list[str]:
    """A dose booked or done whose integration session isn't booked (or sits outside the window), and an
    integration still booked after a dose that no appointment holds any more (its booking was cancelled)."""
    found = []
    by_key = {s.key: s for s in course.sessions}
    for session in course.sessions:
        if session.key.kind is not AppointmentKind.DOSING:
            continue
        follow = by_key.get(StepKey(AppointmentKind.INTEGRATION, session.key.number))
        if session.state is SessionState.PLANNED:
            if follow is not None and follow.state is SessionState.BOOKED and session.appointment_id is not None:
                found.append(
                    f"{session.key.label} was cancelled but the integration after it is still booked:"
                    " rebook the dose or cancel the integration."
                )
            continue
        if session.state is SessionState.MISSED:
            continue
        if follow is None or follow.state is SessionState.PLANNED:
            found.append(f"No integration booked after {session.key.label.lower()}.")
        elif follow.starts_at is not None and session.ends_at is not None:
            gap = follow.starts_at - session.ends_at
            if not timedelta(hours=spec.integration_min_hours) <= gap <= timedelta(hours=spec.integration_max_hours):
                found.append(
                    f"The integration after {session.key.label.lower()} is outside "
                    f"{spec.integration_min_hours}–{spec.integration_max_hours} h."
                )
    return found


def _overdue_measures(
    course: Course, spec: ProtocolSpec, taken: Sequence[tuple[str, datetime]], now: datetime
) -> list[str]:
    """Each measure the protocol asked for at a step now past that has none on record for it: before a dose that
    has started (since the dose before it), or after the last dose once its integration session is done."""
    late: dict[str, list[str]] = {}
    doses = sorted((s for s in course.sessions if s.key.kind is AppointmentKind.DOSING), key=lambda s: s.key.number)
    for dose in doses:
        started = dose.state is SessionState.DONE or (
            dose.state is SessionState.BOOKED and dose.starts_at is not None and dose.starts_at <= now
        )
        if not started or dose.starts_at is None:
            continue
        since = _previous_dose_start(course, dose.key.number)
        for measure in spec.measures:
            if _asked_before(measure, dose.key.number) and not _taken_between(
                taken, measure.instrument, since, dose.starts_at
            ):
                late.setdefault(measure.instrument, []).append(f"before {dose.key.label.lower()}")
    last = course.session(StepKey(AppointmentKind.INTEGRATION, course.doses))
    if last is not None and last.state is SessionState.DONE:
        since = _previous_dose_start(course, course.doses + 1)
        for measure in spec.measures:
            if measure.timing is Timing.AFTER_LAST_DOSE and not _taken_between(taken, measure.instrument, since, None):
                late.setdefault(measure.instrument, []).append("after the last dose")
    return [f"{instrument} not recorded {', '.join(when)}." for instrument, when in late.items()]


def _asked_before(measure: MeasureDue, number: int) -> bool:
    return measure.timing is Timing.BEFORE_EACH_DOSE or (measure.timing is Timing.BASELINE and number == 1)


def _previous_dose_start(course: Course, number: int) -> datetime | None:
    """When the dose before dose `number` started (None for the first dose: anything before it counts)."""
    before = course.session(StepKey(AppointmentKind.DOSING, number - 1))
    return before.starts_at if before is not None and before.state is not SessionState.PLANNED else None


def _taken_between(
    taken: Sequence[tuple[str, datetime]], instrument: str, after: datetime | None, before: datetime | None
) -> bool:
    return any(
        name == instrument and (after is None or when > after) and (before is None or when <= before)
        for name, when in taken
    )
