"""What a course's overview says: where it stands, what is due next, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapdesk.domain.appointments import AppointmentKind
from kapdesk.domain.courses import Course, CourseSession, CourseStatus, SessionState, StepKey
from kapdesk.domain.protocols import ProtocolSpec, Timing
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
    course: Course, spec: ProtocolSpec, verdict: Verdict, now: datetime, *, consent_tracked: bool = False
) -> CourseView:
    """`consent_tracked`: whether kapdesk records consents yet (documents); until it does the overview says so."""
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
            for measure in spec.measures:
                if measure.timing is Timing.BEFORE_EACH_DOSE or (
                    measure.timing is Timing.BASELINE and nxt.key.number == 1
                ):
                    measures.append(f"{measure.instrument} before {nxt.key.label.lower()}")
        if nxt is None or (nxt.key.kind is AppointmentKind.INTEGRATION and nxt.key.number == course.doses):
            measures += [
                f"{m.instrument} after the last dose" for m in spec.measures if m.timing is Timing.AFTER_LAST_DOSE
            ]
    if course.status in _OPEN:
        if verdict.standing is not Standing.CURRENT:
            warnings.append(f"Screening {verdict.standing.label.lower()}: {verdict.detail}")
        elif verdict.expires_on is not None:
            last = max((s.starts_at for s in pending if s.starts_at is not None), default=None)
            if last is not None and last.date() >= verdict.expires_on:
                warnings.append(f"The screening expires on {verdict.expires_on.isoformat()}, before the course ends.")
        if not consent_tracked:
            warnings.append(f"Consent for {course.route.label}: not yet recorded in kapdesk (arrives with documents).")
        warnings += _integration_warnings(course, spec)
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
