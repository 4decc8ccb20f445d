"""A clinic ready for treatment courses: the schedule world, a signed screening per patient, templates by code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from kapdesk.db.models import ScreeningRow
from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.courses import CourseDraft
from kapdesk.domain.protocols import ProtocolTemplate
from kapdesk.domain.screening import Result
from kapdesk.services.clinic import Clinic
from tests.helpers import PASSWORD, TODAY
from tests.schedule_world import MONDAY, ZONE, World, build_world

NOW = datetime.combine(TODAY, time(9, 0), tzinfo=ZONE)  # Saturday morning before MONDAY, whenever the tests run


@dataclass(frozen=True)
class CourseWorld:
    world: World
    templates: dict[str, ProtocolTemplate]  # by code: "iv-induction", "im-kap", "sl-kap", "esk-trd"

    @property
    def prescriber(self) -> int:
        return self.world.clinicians["prescriber"]

    @property
    def therapist(self) -> int:
        return self.world.clinicians["therapist"]

    def patient(self, index: int = 0) -> int:
        return self.world.patients[index]


def screen(clinic: Clinic, patient_id: int, signer_id: int, result: Result = Result.ELIGIBLE) -> None:
    """A screening signed now by `signer_id` (written directly: what ScreeningService records on signing)."""
    with clinic.database.transaction() as session:
        session.add(
            ScreeningRow(
                patient_id=patient_id,
                route="iv",
                items=[],
                systolic=120,
                diastolic=80,
                pregnancy="not_asked",
                medication_classes=[],
                result=result.value,
                reasons=[],
                signed_by=signer_id,
                signed_at=clinic.calendar.now(),
                created_by=signer_id,
            )
        )


def course_world(clinic: Clinic, screened: dict[int, Result] | None = None) -> CourseWorld:
    """The clinic's clock stopped at NOW; the schedule world; patients at the given indexes screened with those
    results (default: the first one eligible). Leaves the prescriber signed in."""
    clinic.patients._work.clock = lambda: NOW  # the Work every service shares (as tests/ui/test_admin_audit.py does)
    world = build_world(clinic)
    prescriber = world.clinicians["prescriber"]
    for index, result in (screened if screened is not None else {0: Result.ELIGIBLE}).items():
        screen(clinic, world.patients[index], prescriber, result)
    clinic.auth.sign_in("prescriber", PASSWORD)
    return CourseWorld(world, {t.code: t for t in clinic.protocols.templates()})


def new_course(
    clinic: Clinic, cw: CourseWorld, *, patient: int = 0, code: str = "iv-induction", start_on: date = MONDAY
) -> CourseView:
    template = cw.templates[code]
    draft = CourseDraft(
        cw.patient(patient), template.id, cw.prescriber, cw.therapist, "", "", start_on, template.spec.doses_min
    )
    return clinic.courses.create(draft).value
