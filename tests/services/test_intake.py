"""The intake record on both databases: each kind of entry added and ended (never deleted), stale edits refused,
bad input refused at its field with nothing written, and an audit trail that names the kind of entry only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from kapdesk.domain.errors import ConflictError, FieldError, NotFound, PermissionDenied, ValidationFailed
from kapdesk.domain.intake import HISTORY_MAX, MedicationClass
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.services.intake import History, PatientArchived, resistant_applies
from tests.helpers import ADMIN, TODAY, sign_in_as

BORN = date(1981, 4, 12)
# Distinctive words, so the audit trail can be searched for them.
SECRETS = ("F33", "Major depressive", "Sertraline", "50 mg", "Ketamine", "hives", "zq-8812", "Penicillin")


@pytest.fixture
def patient(clinic: Clinic) -> int:
    """A patient the admin registers; then a nurse signs in to take the intake."""
    draft = PatientDraft(first_name="Ines", last_name="Ortega", date_of_birth=BORN)
    patient_id = clinic.patients.create(draft).value.id
    sign_in_as(clinic, "nina", Role.NURSE)
    return patient_id


def count(clinic: Clinic, table: str) -> int:
    with clinic.database.reading() as connection:
        return connection.scalar(text(f"SELECT count(*) FROM {table}"))  # type: ignore[return-value]


def events(clinic: Clinic, patient_id: int) -> list[tuple[str, str, str, str]]:
    with clinic.database.reading() as connection:
        rows = connection.execute(
            text("SELECT action, category, entity_type, summary FROM audit_events WHERE patient_id = :p ORDER BY id"),
            {"p": patient_id},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def refused_at(call, *fields: str) -> list[FieldError]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as failure:
        call()
    assert [e.field for e in failure.value.errors] == list(fields)
    return failure.value.errors


def test_a_diagnosis_from_the_catalogue_is_recorded_upper_cased_with_its_description(
    clinic: Clinic, patient: int
) -> None:
    outcome = clinic.intake.add_diagnosis(patient, " f33.1 ", "", treatment_resistant=True, diagnosed_on=TODAY)
    diagnosis = outcome.value
    assert (diagnosis.code, diagnosis.description) == ("F33.1", "Major depressive disorder, recurrent, moderate")
    assert diagnosis.treatment_resistant and diagnosis.diagnosed_on == TODAY and diagnosis.resolved_on is None
    assert outcome.changes.clinical == frozenset({patient}) and not outcome.changes.patients
    assert clinic.intake.get(patient).diagnoses == (diagnosis,)


def test_a_code_typed_by_hand_needs_its_description_and_the_flag_only_where_it_applies(
    clinic: Clinic, patient: int
) -> None:
    typed = clinic.intake.add_diagnosis(patient, "F33.40", "MDD, recurrent, in remission", treatment_resistant=True)
    assert typed.value.treatment_resistant  # a recurrent-depression code typed by hand may carry it

    errors = refused_at(lambda: clinic.intake.add_diagnosis(patient, "F40.01", "  "), "description")
    assert "Describe" in errors[0].message
    refused_at(
        lambda: clinic.intake.add_diagnosis(patient, "F41.1", "", treatment_resistant=True), "treatment_resistant"
    )
    # The catalogue decides for its own codes: unspecified bipolar disorder may not, bipolar II may.
    refused_at(
        lambda: clinic.intake.add_diagnosis(patient, "F31.9", "", treatment_resistant=True), "treatment_resistant"
    )
    assert clinic.intake.add_diagnosis(patient, "F31.81", "", treatment_resistant=True).value.treatment_resistant
    assert [d.code for d in clinic.intake.get(patient).diagnoses] == ["F33.40", "F31.81"]
    assert resistant_applies("f32.a") and not resistant_applies("G89.4")


def test_bad_diagnosis_input_is_refused_at_each_field_and_nothing_is_written(clinic: Clinic, patient: int) -> None:
    before_events = events(clinic, patient)
    refused_at(lambda: clinic.intake.add_diagnosis(patient, "depression", "Low mood"), "code")
    refused_at(
        lambda: clinic.intake.add_diagnosis(patient, "F33.1", "", diagnosed_on=TODAY + timedelta(days=1)),
        "diagnosed_on",
    )
    refused_at(
        lambda: clinic.intake.add_diagnosis(patient, "F33.1", "", diagnosed_on=BORN - timedelta(days=1)), "diagnosed_on"
    )
    refused_at(lambda: clinic.intake.add_diagnosis(patient, "F33.1", "x" * 201), "description")
    assert count(clinic, "diagnoses") == 0
    assert events(clinic, patient) == before_events  # a refused save leaves no trace of having happened


def test_the_same_current_diagnosis_is_not_recorded_twice(clinic: Clinic, patient: int) -> None:
    first = clinic.intake.add_diagnosis(patient, "F41.1", "").value
    refused_at(lambda: clinic.intake.add_diagnosis(patient, "f41.1", "Generalized anxiety"), "code")
    clinic.intake.resolve_diagnosis(first.id, first.version, TODAY)
    again = clinic.intake.add_diagnosis(patient, "F41.1", "").value  # it came back after it was resolved
    assert [(d.id, d.resolved_on) for d in clinic.intake.get(patient).diagnoses] == [
        (again.id, None),
        (first.id, TODAY),
    ]


def test_resolving_keeps_the_diagnosis_and_refuses_impossible_dates(clinic: Clinic, patient: int) -> None:
    made = clinic.intake.add_diagnosis(patient, "F43.10", "", diagnosed_on=date(2020, 3, 1)).value
    refused_at(lambda: clinic.intake.resolve_diagnosis(made.id, made.version, date(2020, 2, 28)), "resolved_on")
    refused_at(lambda: clinic.intake.resolve_diagnosis(made.id, made.version, TODAY + timedelta(days=1)), "resolved_on")
    assert clinic.intake.get(patient).diagnoses == (made,)  # the refusals changed nothing

    resolved = clinic.intake.resolve_diagnosis(made.id, made.version, date(2025, 6, 1))
    assert resolved.value.resolved_on == date(2025, 6, 1) and resolved.value.version == made.version + 1
    assert resolved.changes.clinical == frozenset({patient})
    assert clinic.intake.get(patient).diagnoses == (resolved.value,)
    assert count(clinic, "diagnoses") == 1
    refused_at(lambda: clinic.intake.resolve_diagnosis(made.id, resolved.value.version, TODAY), "resolved_on")


def test_a_stale_edit_is_a_conflict_carrying_what_the_other_computer_saved(clinic: Clinic, patient: int) -> None:
    read = clinic.intake.add_diagnosis(patient, "F33.2", "").value
    elsewhere = clinic.intake.set_treatment_resistant(read.id, read.version, True).value  # "another computer"
    with pytest.raises(ConflictError) as conflict:
        clinic.intake.resolve_diagnosis(read.id, read.version, TODAY)
    assert conflict.value.current == elsewhere
    assert clinic.intake.get(patient).diagnoses == (elsewhere,)  # not resolved


def test_the_treatment_resistant_flag_is_set_and_cleared_on_current_applicable_diagnoses(
    clinic: Clinic, patient: int
) -> None:
    depression = clinic.intake.add_diagnosis(patient, "F32.2", "").value
    marked = clinic.intake.set_treatment_resistant(depression.id, depression.version, True).value
    cleared = clinic.intake.set_treatment_resistant(marked.id, marked.version, False).value
    assert (marked.treatment_resistant, cleared.treatment_resistant) == (True, False)
    assert cleared.version == depression.version + 2

    anxiety = clinic.intake.add_diagnosis(patient, "F41.1", "").value
    refused_at(lambda: clinic.intake.set_treatment_resistant(anxiety.id, anxiety.version, True), "treatment_resistant")
    resolved = clinic.intake.resolve_diagnosis(cleared.id, cleared.version, TODAY).value
    refused_at(
        lambda: clinic.intake.set_treatment_resistant(resolved.id, resolved.version, True), "treatment_resistant"
    )


def test_medications_keep_their_class_and_are_stopped_never_removed(clinic: Clinic, patient: int) -> None:
    taken = clinic.intake.add_medication(
        patient, " Clonazepam ", "0.5 mg at night", MedicationClass.BENZODIAZEPINE, started_on=date(2024, 1, 10)
    ).value
    other = clinic.intake.add_medication(patient, "Sertraline", "", "other").value
    assert (taken.name, taken.med_class, other.med_class) == (
        "Clonazepam",
        MedicationClass.BENZODIAZEPINE,
        MedicationClass.OTHER,
    )
    assert clinic.intake.get(patient).current_classes == {MedicationClass.BENZODIAZEPINE, MedicationClass.OTHER}

    refused_at(lambda: clinic.intake.stop_medication(taken.id, taken.version, date(2024, 1, 9)), "stopped_on")
    stopped = clinic.intake.stop_medication(taken.id, taken.version, TODAY)
    assert stopped.value.stopped_on == TODAY and stopped.changes.clinical == frozenset({patient})
    intake = clinic.intake.get(patient)
    assert [m.name for m in intake.medications] == ["Sertraline", "Clonazepam"]  # current first, stopped kept
    assert intake.current_classes == {MedicationClass.OTHER}
    with pytest.raises(ConflictError):
        clinic.intake.stop_medication(taken.id, taken.version, TODAY)
    refused_at(lambda: clinic.intake.stop_medication(taken.id, stopped.value.version, TODAY), "stopped_on")


def test_bad_medication_input_is_refused_at_each_field(clinic: Clinic, patient: int) -> None:
    errors = refused_at(
        lambda: clinic.intake.add_medication(patient, "  ", "d" * 201, "vitamin", started_on=TODAY + timedelta(days=3)),
        "name",
        "dose",
        "med_class",
        "started_on",
    )
    assert "name" in errors[0].message and "Other" in errors[2].message
    assert count(clinic, "medications") == 0


def test_allergies_are_listed_once_and_removed_with_a_date(clinic: Clinic, patient: int) -> None:
    ketamine = clinic.intake.add_allergy(patient, "Ketamine", "hives").value
    assert ketamine.item is not None  # bears on eligibility (hypersensitivity)
    refused_at(lambda: clinic.intake.add_allergy(patient, " ketamine ", ""), "substance")
    refused_at(lambda: clinic.intake.add_allergy(patient, "", "rash"), "substance")
    refused_at(
        lambda: clinic.intake.remove_allergy(ketamine.id, ketamine.version, BORN - timedelta(days=1)), "removed_on"
    )

    removed = clinic.intake.remove_allergy(ketamine.id, ketamine.version, TODAY).value
    assert removed.removed_on == TODAY and removed.item is None
    assert clinic.intake.get(patient).allergies == (removed,) and count(clinic, "allergies") == 1
    assert clinic.intake.add_allergy(patient, "Ketamine", "hives").value.id != ketamine.id


def test_history_is_saved_against_its_version_and_a_stale_save_is_refused(clinic: Clinic, patient: int) -> None:
    assert (clinic.intake.get(patient).history, clinic.intake.get(patient).history_version) == ("", 0)
    first = clinic.intake.set_history(patient, 0, "  Appendectomy 2003.\n")
    assert first.value == 1 and first.changes.clinical == frozenset({patient})
    second = clinic.intake.set_history(patient, 1, "Appendectomy 2003. Migraine.").value
    assert second == 2

    with pytest.raises(ConflictError) as conflict:  # a computer still on version 1, or one that never loaded it
        clinic.intake.set_history(patient, 1, "Something else")
    assert conflict.value.current == History("Appendectomy 2003. Migraine.", 2)
    with pytest.raises(ConflictError):
        clinic.intake.set_history(patient, 0, "A first save that isn't")

    assert clinic.intake.set_history(patient, 2, "Appendectomy 2003. Migraine.").value == 2  # no change, no bump
    refused_at(lambda: clinic.intake.set_history(patient, 2, "x" * (HISTORY_MAX + 1)), "history")
    intake = clinic.intake.get(patient)
    assert (intake.history, intake.history_version) == ("Appendectomy 2003. Migraine.", 2)


def test_vitals_are_checked_at_each_field_and_listed_newest_first(clinic: Clinic, patient: int) -> None:
    now = datetime.now(UTC)
    earlier = clinic.intake.record_vitals(patient, 128, 82, 74, 98, taken_at=now - timedelta(days=2)).value
    latest = clinic.intake.record_vitals(patient, 122, 78, None, None).value
    assert latest.taken_at >= now and (latest.heart_rate, latest.spo2) == (None, None)
    intake = clinic.intake.get(patient)
    assert intake.vitals == (latest, earlier) and intake.baseline == latest

    refused_at(
        lambda: clinic.intake.record_vitals(patient, None, 300, 20, 101), "systolic", "diastolic", "heart_rate", "spo2"
    )
    refused_at(lambda: clinic.intake.record_vitals(patient, 120, 80, 70, 97, now + timedelta(hours=1)), "taken_at")
    refused_at(
        lambda: clinic.intake.record_vitals(patient, 120, 80, 70, 97, datetime(1980, 1, 1, tzinfo=UTC)), "taken_at"
    )
    assert count(clinic, "vitals") == 2


def test_weight_and_height_come_from_the_patient_with_their_dates(clinic: Clinic, patient: int) -> None:
    sign_in_as(clinic, ADMIN)
    record = clinic.patients.get(patient)
    weighed = PatientDraft(
        **{
            **record.as_draft().__dict__,
            "weight_kg": 71.5,
            "weight_recorded_on": TODAY,
            "height_cm": 168.0,
            "height_recorded_on": date(2026, 1, 5),
        }
    )
    clinic.patients.update(patient, record.version, weighed)
    sign_in_as(clinic, "nina")
    intake = clinic.intake.get(patient)
    assert (intake.weight_kg, intake.weight_recorded_on, intake.height_cm, intake.height_recorded_on) == (
        71.5,
        TODAY,
        168.0,
        date(2026, 1, 5),
    )


def test_an_archived_or_unknown_patient_is_refused_clearly(clinic: Clinic, patient: int) -> None:
    diagnosis = clinic.intake.add_diagnosis(patient, "F41.1", "").value
    sign_in_as(clinic, ADMIN)
    record = clinic.patients.get(patient)
    clinic.patients.archive(patient, record.version, "Moved away")
    sign_in_as(clinic, "nina")
    writes = [
        lambda: clinic.intake.add_diagnosis(patient, "F33.1", ""),
        lambda: clinic.intake.resolve_diagnosis(diagnosis.id, diagnosis.version, TODAY),
        lambda: clinic.intake.add_medication(patient, "Sertraline", "", "other"),
        lambda: clinic.intake.add_allergy(patient, "Latex", ""),
        lambda: clinic.intake.set_history(patient, 0, "Asthma"),
        lambda: clinic.intake.record_vitals(patient, 120, 80, None, None),
    ]
    for write in writes:
        with pytest.raises(PatientArchived) as refused:
            write()
        assert "archived" in refused.value.message and refused.value.remedy
    assert clinic.intake.get(patient).diagnoses == (diagnosis,)  # an archived chart can still be read
    for call in (
        lambda: clinic.intake.get(9999),
        lambda: clinic.intake.add_allergy(9999, "Latex", ""),
        lambda: clinic.intake.stop_medication(9999, 1, TODAY),
    ):
        with pytest.raises(NotFound):
            call()


def test_front_desk_can_neither_read_nor_write_the_intake(clinic: Clinic, patient: int) -> None:
    clinic.intake.add_allergy(patient, "Latex", "rash")
    sign_in_as(clinic, "fran", Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        clinic.intake.get(patient)
    with pytest.raises(PermissionDenied):
        clinic.intake.add_diagnosis(patient, "F33.1", "")
    assert count(clinic, "diagnoses") == 0
    with clinic.database.reading() as connection:
        denied = connection.execute(
            text("SELECT username, outcome FROM audit_events WHERE action = 'denied' ORDER BY id")
        ).all()
    assert [tuple(r) for r in denied][-2:] == [("fran", "denied"), ("fran", "denied")]


def test_the_trail_names_each_kind_of_entry_and_none_of_its_content(clinic: Clinic, patient: int) -> None:
    before = len(events(clinic, patient))
    diagnosis = clinic.intake.add_diagnosis(patient, "F33.1", "Major depressive disorder, zq-8812").value
    diagnosis = clinic.intake.set_treatment_resistant(diagnosis.id, diagnosis.version, True).value
    clinic.intake.resolve_diagnosis(diagnosis.id, diagnosis.version, TODAY)
    medication = clinic.intake.add_medication(patient, "Sertraline", "50 mg", MedicationClass.OTHER).value
    clinic.intake.stop_medication(medication.id, medication.version, TODAY)
    allergy = clinic.intake.add_allergy(patient, "Ketamine", "hives").value
    clinic.intake.remove_allergy(allergy.id, allergy.version, TODAY)
    clinic.intake.add_allergy(patient, "Penicillin", "hives")
    clinic.intake.set_history(patient, 0, "Penicillin reaction as a child, zq-8812")
    clinic.intake.record_vitals(patient, 131, 85, 77, 97)
    clinic.intake.get(patient)

    trail = events(clinic, patient)[before:]
    assert [(action, entity, summary) for action, _, entity, summary in trail] == [
        ("create", "diagnosis", "added diagnosis"),
        ("update", "diagnosis", "changed treatment-resistant flag"),
        ("update", "diagnosis", "resolved diagnosis"),
        ("create", "medication", "added medication"),
        ("update", "medication", "stopped medication"),
        ("create", "allergy", "added allergy"),
        ("update", "allergy", "removed allergy"),
        ("create", "allergy", "added allergy"),
        ("update", "medical_history", "edited medical history"),
        ("create", "vitals", "recorded vitals"),
        ("view", "intake", "opened intake"),
    ]
    assert {category for _, category, _, _ in trail} == {"clinical"}
    with clinic.database.reading() as connection:
        columns = "username, workstation, action, category, entity_type, entity_id, summary"  # all but the MAC
        everything = " ".join(
            str(v) for row in connection.execute(text(f"SELECT {columns} FROM audit_events")) for v in row
        )
    assert [secret for secret in SECRETS if secret.lower() in everything.lower()] == []
    assert clinic.audit.verify().intact
