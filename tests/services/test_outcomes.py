"""Outcome measures on both databases: recorded item by item and scored by kapdesk, incomplete forms kept unscored, bad
answers refused at their item with nothing written, and a wrong entry marked entered in error (never deleted) so that
it no longer counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from kapdesk.db.models import CourseRow, ProtocolTemplateRow
from kapdesk.domain.errors import ConflictError, FieldError, PermissionDenied, ValidationFailed
from kapdesk.domain.instruments import SELF_HARM
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.services.intake import PatientArchived
from kapdesk.services.outcome_rows import measures_taken
from kapdesk.services.outcomes import MeasureDraft
from tests.helpers import sign_in_as

BORN = date(1984, 6, 30)
PHQ9 = (2, 2, 1, 2, 1, 1, 2, 0, 1, 2)  # 12: moderate, item 9 answered 1, item 10 (not scored) 2


@pytest.fixture
def patient(clinic: Clinic) -> int:
    """A patient the admin registers; then a therapist signs in to record measures."""
    draft = PatientDraft(first_name="Tomás", last_name="Reyes", date_of_birth=BORN)
    patient_id = clinic.patients.create(draft).value.id
    sign_in_as(clinic, "thea", Role.THERAPIST)
    return patient_id


def ago(**delta: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(**delta)


def draft(patient_id: int, answers: tuple[int | None, ...] = PHQ9, **changes: object) -> MeasureDraft:
    values: dict[str, object] = {"instrument": "PHQ-9", "taken_at": ago(hours=1)} | changes
    return MeasureDraft(patient_id, answers=answers, **values)  # type: ignore[arg-type]


def count(clinic: Clinic) -> int:
    with clinic.database.reading() as connection:
        return connection.scalar(text("SELECT count(*) FROM assessments"))  # type: ignore[return-value]


def taken(clinic: Clinic, *patient_ids: int) -> dict[int, list[tuple[str, datetime]]]:
    with clinic.database.reading() as connection:
        return measures_taken(connection, patient_ids)


def refused_at(call, *fields: str) -> list[FieldError]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as failure:
        call()
    assert [e.field for e in failure.value.errors] == list(fields)
    return failure.value.errors


def test_a_recorded_measure_comes_back_scored_with_its_answers(clinic: Clinic, patient: int) -> None:
    when = ago(days=2)
    outcome = clinic.outcomes.record(draft(patient, taken_at=when))
    assert outcome.changes.clinical == {patient}
    [measure] = clinic.outcomes.history(patient)
    assert measure == outcome.value
    assert (measure.instrument, measure.answers, measure.taken_at) == ("PHQ-9", PHQ9, when)
    assert (measure.score.total, measure.score.band, measure.score.complete) == (12, "moderate", True)
    assert measure.score.flags == (SELF_HARM,)
    assert (measure.recorded_by_name, measure.entered_in_error, measure.version) == ("Thea", False, 1)
    with clinic.database.reading() as connection:  # the total is stored as computed, for reports that read rows
        assert connection.execute(text("SELECT total, complete FROM assessments")).one() == (12, True)


def test_history_is_newest_first_across_instruments(clinic: Clinic, patient: int) -> None:
    clinic.outcomes.record(draft(patient, taken_at=ago(days=30)))
    clinic.outcomes.record(draft(patient, (3,) * 7, instrument="GAD-7", taken_at=ago(days=1)))
    clinic.outcomes.record(draft(patient, (0,) * 9 + (None,), taken_at=ago(days=7)))
    found = [(m.instrument, m.score.total) for m in clinic.outcomes.history(patient)]
    assert found == [("GAD-7", 21), ("PHQ-9", 0), ("PHQ-9", 12)]


def test_an_incomplete_form_is_kept_but_not_scored(clinic: Clinic, patient: int) -> None:
    answers = (3, 3, 3, None, 3, 3, 3, 3, 0, None)  # 24 answered; a blank is not a zero
    measure = clinic.outcomes.record(draft(patient, answers)).value
    assert (measure.score.total, measure.score.band, measure.score.complete) == (None, "", False)
    assert clinic.outcomes.history(patient)[0].answers == answers
    with clinic.database.reading() as connection:
        assert connection.execute(text("SELECT total, complete FROM assessments")).one() == (None, False)
    assert taken(clinic, patient)[patient] == [("PHQ-9", measure.taken_at)]  # it was still taken


def test_bad_answers_are_refused_at_their_item_and_nothing_is_written(clinic: Clinic, patient: int) -> None:
    errors = refused_at(
        lambda: clinic.outcomes.record(draft(patient, (0, 0, 4, 0, 0, 0, -1, 0, 0, None))), "item_3", "item_7"
    )
    assert errors[0].message == "Answer 3 (Sleep) must be 0 to 3."
    refused_at(lambda: clinic.outcomes.record(draft(patient, (0,) * 9)), "answers")
    refused_at(lambda: clinic.outcomes.record(draft(patient, (0,) * 10, instrument="BDI")), "instrument")
    assert count(clinic) == 0
    assert clinic.outcomes.history(patient) == []


def test_impossible_times_are_refused(clinic: Clinic, patient: int) -> None:
    refused_at(lambda: clinic.outcomes.record(draft(patient, taken_at=ago(minutes=-30))), "taken_at")
    born_eve = datetime(1984, 6, 29, 12, tzinfo=UTC)
    refused_at(lambda: clinic.outcomes.record(draft(patient, taken_at=born_eve)), "taken_at")
    both = draft(patient, (9, *PHQ9[1:]), taken_at=ago(days=-1))
    refused_at(lambda: clinic.outcomes.record(both), "item_1", "taken_at")  # every problem at once
    assert count(clinic) == 0
    clinic.outcomes.record(draft(patient, taken_at=ago(minutes=-2)))  # this computer's clock a little behind
    assert count(clinic) == 1


def test_a_course_given_must_be_the_patients(clinic: Clinic, patient: int) -> None:
    other = clinic.patients.create(PatientDraft(first_name="Ana", last_name="Ng", date_of_birth=BORN)).value.id
    courses = {}
    with clinic.database.transaction() as session:
        template = session.scalars(select(ProtocolTemplateRow.id).limit(1)).one()
        user = clinic.access.actor.user_id
        for patient_id in (patient, other):
            row = CourseRow(
                patient_id=patient_id,
                template_id=template,
                prescriber_id=user,
                therapist_id=user,
                start_on=date(2026, 11, 2),
                doses=6,
            )
            session.add(row)
            session.flush()
            courses[patient_id] = row.id
    refused_at(lambda: clinic.outcomes.record(draft(patient, course_id=courses[other])), "course_id")
    refused_at(lambda: clinic.outcomes.record(draft(patient, course_id=courses[other] + 100)), "course_id")
    assert clinic.outcomes.record(draft(patient, course_id=courses[patient])).value.course_id == courses[patient]


def test_front_desk_can_neither_record_nor_read_measures(clinic: Clinic, patient: int) -> None:
    clinic.outcomes.record(draft(patient))
    sign_in_as(clinic, "fran", Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        clinic.outcomes.history(patient)
    with pytest.raises(PermissionDenied):
        clinic.outcomes.record(draft(patient))
    with pytest.raises(PermissionDenied):
        clinic.outcomes.mark_entered_in_error(1, 1, "wrong patient")
    assert count(clinic) == 1


def test_an_archived_patient_gets_no_new_measures(clinic: Clinic, patient: int) -> None:
    record = clinic.patients.get(patient)
    clinic.patients.archive(record.id, record.version, "Moved away")
    with pytest.raises(PatientArchived):
        clinic.outcomes.record(draft(patient))


def test_entered_in_error_keeps_the_row_but_it_no_longer_counts(clinic: Clinic, patient: int) -> None:
    kept = clinic.outcomes.record(draft(patient, taken_at=ago(days=3))).value
    wrong = clinic.outcomes.record(draft(patient, (0,) * 7, instrument="GAD-7", taken_at=ago(days=1))).value
    assert [i for i, _ in taken(clinic, patient)[patient]] == ["PHQ-9", "GAD-7"]

    refused_at(lambda: clinic.outcomes.mark_entered_in_error(wrong.id, wrong.version, "  "), "reason")
    marked = clinic.outcomes.mark_entered_in_error(wrong.id, wrong.version, "Another patient's form").value
    assert marked.entered_in_error
    assert (marked.entered_in_error_reason, marked.entered_in_error_by_name) == ("Another patient's form", "Thea")
    assert marked.score.total == 0  # its answers and score stay as they were recorded
    assert [m.id for m in clinic.outcomes.history(patient)] == [wrong.id, kept.id]
    assert taken(clinic, patient)[patient] == [("PHQ-9", kept.taken_at)]
    assert count(clinic) == 2
    refused_at(lambda: clinic.outcomes.mark_entered_in_error(wrong.id, marked.version, "again"), "reason")


def test_a_stale_version_is_a_conflict_and_changes_nothing(clinic: Clinic, patient: int) -> None:
    measure = clinic.outcomes.record(draft(patient)).value
    marked = clinic.outcomes.mark_entered_in_error(measure.id, measure.version, "Typed twice").value
    with pytest.raises(ConflictError) as conflict:
        clinic.outcomes.mark_entered_in_error(measure.id, measure.version, "Wrong date")
    assert conflict.value.current == marked  # what is on record now, to show instead
    assert clinic.outcomes.history(patient)[0].entered_in_error_reason == "Typed twice"


def test_measures_taken_answers_for_every_patient_asked(clinic: Clinic, patient: int) -> None:
    other = clinic.patients.create(PatientDraft(first_name="Ana", last_name="Ng", date_of_birth=BORN)).value.id
    early, late = ago(days=9), ago(days=2)
    clinic.outcomes.record(draft(patient, taken_at=late))
    clinic.outcomes.record(draft(patient, (1,) * 20, instrument="PCL-5", taken_at=early))
    assert taken(clinic, patient, other, 999_999) == {
        patient: [("PCL-5", early), ("PHQ-9", late)],
        other: [],
        999_999: [],
    }
    assert taken(clinic) == {}


def test_the_database_itself_refuses_to_delete_or_rewrite_a_measure(clinic: Clinic, patient: int) -> None:
    measure = clinic.outcomes.record(draft(patient)).value
    for statement in (
        "DELETE FROM assessments",
        "UPDATE assessments SET total = 3",
        "UPDATE assessments SET answers = '[0,0,0,0,0,0,0,0,0,null]'",
    ):
        with pytest.raises(DBAPIError), clinic.database.engine.begin() as connection:
            connection.execute(text(statement))
    clinic.outcomes.mark_entered_in_error(measure.id, measure.version, "Typed twice")
    with pytest.raises(DBAPIError), clinic.database.engine.begin() as connection:
        connection.execute(text("UPDATE assessments SET entered_in_error_at = NULL, entered_in_error_reason = ''"))
    assert clinic.outcomes.history(patient)[0].answers == PHQ9


def test_the_audit_trail_names_the_instrument_never_the_answers(clinic: Clinic, patient: int) -> None:
    measure = clinic.outcomes.record(draft(patient)).value
    clinic.outcomes.mark_entered_in_error(measure.id, measure.version, "zq-secret reason")
    clinic.outcomes.history(patient)
    with clinic.database.reading() as connection:
        rows = connection.execute(
            text("SELECT action, category, entity_type, summary FROM audit_events WHERE patient_id = :p ORDER BY id"),
            {"p": patient},
        ).all()
    assert [tuple(r) for r in rows][-3:] == [
        ("create", "clinical", "assessment", "recorded PHQ-9 (complete)"),
        ("update", "clinical", "assessment", "marked PHQ-9 entered in error"),
        ("view", "clinical", "assessment", "listed outcome measures: 1"),
    ]
