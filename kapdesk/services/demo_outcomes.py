"""The demo clinic's outcome measures: a PHQ-9 before every dose a course has completed, recorded by the course's
therapist. Most patients' scores fall over the course, as they tend to; a few stay high; a few answer item 9 before
their first dose, so the self-harm flag shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from sqlalchemy import Connection, insert, select

from kapdesk.db.models import AppointmentRow, AssessmentRow, CourseRow, CourseSessionRow
from kapdesk.domain.appointments import AppointmentKind, Status
from kapdesk.domain.instruments import score

_A, _C, _CS = AppointmentRow.__table__, CourseRow.__table__, CourseSessionRow.__table__
RESPONDERS = 0.65  # the share of courses whose PHQ-9 at least halves
EARLY_SELF_HARM = 0.25  # the share answering item 9 before their first dose


def add_measures(connection: Connection, rng: Random) -> int:
    """Write the measures; returns how many."""
    query = (
        select(_C.c.id, _C.c.patient_id, _C.c.therapist_id, _A.c.starts_at)
        .select_from(_CS.join(_C, _C.c.id == _CS.c.course_id).join(_A, _A.c.id == _CS.c.appointment_id))
        .where(_CS.c.kind == AppointmentKind.DOSING.value, _A.c.status == Status.COMPLETED.value)
        .order_by(_C.c.id, _A.c.starts_at)
    )
    courses: dict[tuple[int, int, int], list[datetime]] = {}  # (course, patient, therapist) -> dose times
    for course_id, patient_id, therapist_id, starts_at in connection.execute(query):
        courses.setdefault((course_id, patient_id, therapist_id), []).append(starts_at)
    rows = []
    for (course_id, patient_id, therapist_id), doses in courses.items():
        baseline = rng.randint(12, 23)
        end = rng.uniform(0.2, 0.5) if rng.random() < RESPONDERS else rng.uniform(0.65, 0.95)  # share left at the end
        flagged = rng.random() < EARLY_SELF_HARM
        for number, starts_at in enumerate(doses):
            progress = number / max(1, len(doses) - 1)
            total = round(baseline * (1 - (1 - end) * progress)) + (rng.choice((-1, 0, 0, 1)) if number else 0)
            item9 = 1 if flagged and number == 0 else 0
            answers = _phq9(rng, min(max(total, 0), 24 + item9), item9)
            taken_at = starts_at - timedelta(minutes=rng.choice((15, 20, 30, 40)))
            rows.append(
                {
                    "patient_id": patient_id,
                    "instrument": "PHQ-9",
                    "answers": list(answers),
                    "total": score("PHQ-9", answers).total,
                    "complete": True,
                    "taken_at": taken_at,
                    "course_id": course_id,
                    "recorded_by": therapist_id,
                    "created_at": taken_at + timedelta(minutes=5),
                    "entered_in_error_reason": "",
                    "version": 1,
                }
            )
    if rows:
        connection.execute(insert(AssessmentRow), rows)
    return len(rows)


def _phq9(rng: Random, total: int, item9: int) -> tuple[int | None, ...]:
    """Answers to items 1–8 adding up to `total` less item 9, spread at random (3 at most each), then item 9 and a
    hindrance answer (item 10) that rises with the total."""
    items = [0] * 8
    for _ in range(total - item9):
        items[rng.choice([i for i, a in enumerate(items) if a < 3])] += 1
    return (*items, item9, min(3, total // 7))
