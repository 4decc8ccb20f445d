"""Outcome measures on the chart: record a questionnaire's item answers, list them with their scores, and mark one
entered in error.

The score is always computed here from the answers (domain.instruments), never taken from the screen. A measure is
never changed or deleted: one recorded wrongly is marked entered in error with a reason, stays on the record, and
counts for nothing after. Audit events name the instrument, never the answers, score or reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import AssessmentRow, CourseRow, Patient, User
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.instruments import Answers, Score, check_answers, score
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.intake import PatientArchived
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Work, audited

REASON_MAX = 300
# A form typed in just after the patient filled it in may carry a time a little ahead of this computer's clock.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class MeasureDraft:
    patient_id: int
    instrument: str  # one of protocols.INSTRUMENTS
    answers: Answers  # one per item, None where left blank
    taken_at: datetime  # aware
    course_id: int | None = None


@dataclass(frozen=True)
class Measure:
    id: int
    patient_id: int
    instrument: str
    answers: Answers
    score: Score
    taken_at: datetime
    course_id: int | None
    recorded_by_name: str
    recorded_at: datetime
    entered_in_error_at: datetime | None
    entered_in_error_by_name: str
    entered_in_error_reason: str
    version: int

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None


class OutcomeService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @audited(Action.VIEW)
    def history(self, patient_id: int) -> list[Measure]:
        """Every measure of the patient, newest first, those entered in error included (and marked)."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            _patient(unit.session, patient_id)
            rows = unit.session.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.patient_id == patient_id)
                .order_by(AssessmentRow.taken_at.desc(), AssessmentRow.id.desc())
            ).all()
            names = _names(unit.session, [u for row in rows for u in (row.recorded_by, row.entered_in_error_by)])
            measures = [_measure(row, names) for row in rows]
            unit.record(_entry(Action.VIEW, patient_id, "", f"listed outcome measures: {len(measures)}"))
        return measures

    @audited(Action.CREATE)
    def record(self, draft: MeasureDraft) -> Outcome[Measure]:
        """Save a questionnaire as answered: complete forms are scored, incomplete ones kept unscored. Every problem
        is reported at its field ("item_3", "taken_at", "course_id") before anything is written."""
        answers = tuple(draft.answers)
        errors = check_answers(draft.instrument, answers)
        now = self._work.clock()
        if draft.taken_at.tzinfo is None:
            raise ValueError("taken_at must be an aware datetime")
        if draft.taken_at > now + CLOCK_SLACK:
            errors.append(FieldError("taken_at", "The time it was taken can't be in the future."))
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            patient = _patient(unit.session, draft.patient_id)
            if patient.archived_at is not None:
                raise PatientArchived(
                    "This patient's record is archived, so no measure can be added.", "Restore the record first."
                )
            zone = ZoneInfo(read_zone_name(unit.connection))
            if draft.taken_at.astimezone(zone).date() < patient.date_of_birth:
                errors.append(FieldError("taken_at", "The time it was taken is before the patient was born."))
            if draft.course_id is not None:
                course = unit.session.get(CourseRow, draft.course_id)
                if course is None or course.patient_id != draft.patient_id:
                    errors.append(FieldError("course_id", "That course is not this patient's."))
            if errors:
                raise ValidationFailed(errors)
            result = score(draft.instrument, answers)
            row = AssessmentRow(
                patient_id=draft.patient_id,
                instrument=draft.instrument,
                answers=list(answers),
                total=result.total,
                complete=result.complete,
                taken_at=draft.taken_at,
                course_id=draft.course_id,
                recorded_by=unit.actor.user_id,
                created_at=now,
            )
            unit.session.add(row)
            unit.session.flush()
            state = "complete" if result.complete else "incomplete"
            unit.record(_entry(Action.CREATE, row.patient_id, str(row.id), f"recorded {row.instrument} ({state})"))
            measure = _measure(row, _names(unit.session, [row.recorded_by]))
        return Outcome(measure, _changed(draft.patient_id))

    @audited(Action.UPDATE)
    def mark_entered_in_error(self, measure_id: int, expected_version: int, reason: str) -> Outcome[Measure]:
        """Take a wrongly recorded measure out of every score and trend, as of `expected_version`; it stays listed,
        marked, with the reason."""
        reason = reason.strip()
        if not reason:
            raise ValidationFailed([FieldError("reason", "Say why this measure was entered in error.")])
        if len(reason) > REASON_MAX:
            raise ValidationFailed([FieldError("reason", f"Keep the reason under {REASON_MAX} characters.")])
        patient_id: int | None = None
        try:
            with self._work.unit(Permission.WRITE_CLINICAL) as unit:
                row = unit.session.get(AssessmentRow, measure_id)
                if row is None:
                    raise NotFound(f"There is no measure with id {measure_id}.")
                patient_id = row.patient_id
                if row.version != expected_version:
                    raise _conflict(_measure(row, _names(unit.session, [row.recorded_by, row.entered_in_error_by])))
                if row.entered_in_error_at is not None:
                    raise ValidationFailed([FieldError("reason", "This measure is already marked entered in error.")])
                row.entered_in_error_at = self._work.clock()
                row.entered_in_error_by = unit.actor.user_id
                row.entered_in_error_reason = reason
                unit.session.flush()
                unit.record(
                    _entry(Action.UPDATE, row.patient_id, str(row.id), f"marked {row.instrument} entered in error")
                )
                measure = _measure(row, _names(unit.session, [row.recorded_by, row.entered_in_error_by]))
        except StaleDataError as error:  # another computer committed between our read and our write
            assert patient_id is not None
            raise _conflict(next((m for m in self.history(patient_id) if m.id == measure_id), None)) from error
        assert patient_id is not None
        return Outcome(measure, _changed(patient_id))


def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with id {patient_id}.")
    return patient


def _names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {u for u in user_ids if u is not None}
    if not ids:
        return {}
    return {user_id: name for user_id, name in session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))}


def _measure(row: AssessmentRow, names: dict[int, str]) -> Measure:
    answers = tuple(row.answers)
    return Measure(
        id=row.id,
        patient_id=row.patient_id,
        instrument=row.instrument,
        answers=answers,
        score=score(row.instrument, answers),
        taken_at=row.taken_at,
        course_id=row.course_id,
        recorded_by_name=names.get(row.recorded_by, "") if row.recorded_by is not None else "",
        recorded_at=row.created_at,
        entered_in_error_at=row.entered_in_error_at,
        entered_in_error_by_name=names.get(row.entered_in_error_by, "") if row.entered_in_error_by else "",
        entered_in_error_reason=row.entered_in_error_reason,
        version=row.version,
    )


def _entry(action: Action, patient_id: int, entity_id: str, summary: str) -> Entry:
    return Entry(action, Category.CLINICAL, "assessment", entity_id, patient_id=patient_id, summary=summary)


def _changed(patient_id: int) -> Changes:
    return Changes(clinical=frozenset({patient_id}))


def _conflict(current: Measure | None) -> ConflictError:
    return ConflictError("This measure was changed on another computer after you opened it.", current)
