"""Treatment courses: a patient's run of preparation, dosing and integration sessions planned from a protocol
template, and the states a course and each of its sessions pass through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.errors import FieldError
from kapdesk.domain.screening import Result, Standing, Verdict

TEXT_MAX = 2000
REASON_MAX = 300


class CourseStatus(StrEnum):
    DRAFT = "draft"  # created, not yet booked
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"

    @property
    def label(self) -> str:
        return self.value.capitalize()


COURSE_TRANSITIONS: dict[CourseStatus, frozenset[CourseStatus]] = {
    CourseStatus.DRAFT: frozenset({CourseStatus.ACTIVE, CourseStatus.DISCONTINUED}),
    CourseStatus.ACTIVE: frozenset({CourseStatus.COMPLETED, CourseStatus.DISCONTINUED}),
    CourseStatus.COMPLETED: frozenset(),
    CourseStatus.DISCONTINUED: frozenset(),
}


class SessionState(StrEnum):
    PLANNED = "planned"  # part of the course, no appointment holds it (not yet booked, or its booking cancelled)
    BOOKED = "booked"
    DONE = "done"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def session_state(status: Status | None) -> SessionState:
    match status:
        case None | Status.CANCELLED:
            return SessionState.PLANNED
        case Status.COMPLETED:
            return SessionState.DONE
        case Status.NO_SHOW:
            return SessionState.MISSED
        case _:
            return SessionState.BOOKED


@dataclass(frozen=True)
class StepKey:
    """Which session of a course: the 2nd preparation, the 4th dose, the integration after the 4th dose."""

    kind: AppointmentKind
    number: int

    @property
    def label(self) -> str:
        match self.kind:
            case AppointmentKind.PREPARATION:
                return f"Preparation {self.number}"
            case AppointmentKind.DOSING:
                return f"Dose {self.number}"
            case _:
                return f"Integration after dose {self.number}"


def course_steps(preparations: int, doses_per_phase: tuple[int, ...]) -> list[tuple[StepKey, int]]:
    """Every session of a course in order, each with its phase index (preparations and their phase are -1)."""
    steps = [(StepKey(AppointmentKind.PREPARATION, n), -1) for n in range(1, preparations + 1)]
    number = 0
    for phase, count in enumerate(doses_per_phase):
        for _ in range(count):
            number += 1
            steps.append((StepKey(AppointmentKind.DOSING, number), phase))
            steps.append((StepKey(AppointmentKind.INTEGRATION, number), phase))
    return steps


@dataclass(frozen=True)
class CourseSession:
    id: int
    key: StepKey
    phase: str  # the phase's name; "Preparation" for preparation sessions
    appointment_id: int | None
    status: Status | None  # of its appointment
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def state(self) -> SessionState:
        return session_state(self.status)


@dataclass(frozen=True)
class Course:
    id: int
    patient_id: int
    template_id: int
    template_name: str
    template_version: int
    route: Route
    prescriber_id: int
    prescriber_name: str
    therapist_id: int
    therapist_name: str
    goals: str
    intentions: str
    start_on: date
    doses: int
    status: CourseStatus
    status_reason: str  # why it was discontinued
    override_reason: str  # a prescriber's reason to treat a patient screened not eligible
    override_by_name: str
    sessions: tuple[CourseSession, ...]
    created_at: datetime
    version: int

    @property
    def label(self) -> str:
        return f"{self.template_name} from {self.start_on.isoformat()}"

    def session(self, key: StepKey) -> CourseSession | None:
        return next((s for s in self.sessions if s.key == key), None)


@dataclass(frozen=True)
class CourseDraft:
    patient_id: int
    template_id: int
    prescriber_id: int
    therapist_id: int
    goals: str
    intentions: str
    start_on: date | None
    doses: int


def check_course_text(goals: str, intentions: str) -> list[FieldError]:
    errors = []
    if len(goals) > TEXT_MAX:
        errors.append(FieldError("goals", f"Keep the goals under {TEXT_MAX} characters."))
    if len(intentions) > TEXT_MAX:
        errors.append(FieldError("intentions", f"Keep the intentions under {TEXT_MAX} characters."))
    return errors


def check_reason(reason: str, what: str) -> tuple[str, list[FieldError]]:
    reason = reason.strip()
    if not reason:
        return reason, [FieldError("reason", f"Say why the course is {what}.")]
    if len(reason) > REASON_MAX:
        return reason, [FieldError("reason", f"Keep the reason under {REASON_MAX} characters.")]
    return reason, []


def eligibility_errors(verdict: Verdict, route: Route, override_reason: str, *, may_override: bool) -> list[FieldError]:
    """Why this patient may not have a course by this route planned or booked, if they may not. A current signed
    screening is needed; "not eligible" needs a prescriber's override with a reason; esketamine needs REMS
    enrollment, which no override replaces."""
    if (problem := standing_problem(verdict)) is not None:
        return [FieldError("screening", problem)]
    errors = []
    if route is Route.ESKETAMINE and not verdict.rems_enrolled:
        errors.append(FieldError("screening", "Esketamine needs REMS enrollment recorded on the screening."))
    if verdict.result is Result.NOT_ELIGIBLE:
        if not override_reason.strip():
            errors.append(
                FieldError("override", "The screening says not eligible: a prescriber must record an override reason.")
            )
        elif not may_override:
            errors.append(FieldError("override", 'Only a prescriber may override a "not eligible" screening.'))
        elif len(override_reason.strip()) > REASON_MAX:
            errors.append(FieldError("override", f"Keep the reason under {REASON_MAX} characters."))
    return errors


def standing_problem(verdict: Verdict) -> str | None:
    """Why no course can be planned on this screening whatever the route, if none can."""
    if verdict.standing is Standing.CURRENT:
        return None
    return f"{verdict.standing.label}: {verdict.detail} A current signed screening is needed."


def screening_hint(verdict: Verdict) -> str:
    """What a clinician starting a course should know of the screening before choosing anything."""
    if (problem := standing_problem(verdict)) is not None:
        return problem
    if verdict.result is Result.NOT_ELIGIBLE:
        return "The screening says not eligible: a course needs a prescriber's override with a reason."
    return ""
