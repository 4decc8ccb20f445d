"""The patient registry service, against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from kapdesk.domain.errors import ConflictError, NotFound, ValidationFailed
from kapdesk.domain.patients import PatientDraft
from kapdesk.services.clinic import Clinic


def draft(first: str, last: str, born: date = date(1980, 1, 5), **more: object) -> PatientDraft:
    return PatientDraft(first_name=first, last_name=last, date_of_birth=born, **more)  # type: ignore[arg-type]


@pytest.fixture
def registry(clinic: Clinic) -> Clinic:
    for first, last, born, phone in [
        ("María", "Núñez", date(1985, 3, 12), "(503) 555-0123"),
        ("Mark", "Nunn", date(1970, 7, 1), "206-555-0150"),
        ("Sean", "O'Brien", date(1992, 11, 30), ""),
        ("Zoë", "Smith", date(1980, 1, 5), "503 555 0188"),
        ("John", "Smith", date(1975, 5, 5), ""),
        ("Smitty", "Adams", date(1960, 2, 2), ""),
    ]:
        clinic.patients.create(draft(first, last, born, phone=phone))
    return clinic


def names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{r.first_name} {r.last_name}" for r in rows]


def test_create_assigns_chart_numbers_in_sequence_and_stores_tidy_values(clinic: Clinic) -> None:
    first = clinic.patients.create(draft(" Ana ", "Ng", phone="(503) 555-0100")).value
    second = clinic.patients.create(draft("Bo", "Li")).value
    assert (first.chart_number, second.chart_number) == ("KD-000001", "KD-000002")
    stored = clinic.patients.get(first.id)
    assert stored.first_name == "Ana"
    assert stored.phone == "+15035550100"
    assert stored.version == 1


def test_create_reports_what_changed(clinic: Clinic) -> None:
    outcome = clinic.patients.create(draft("Ana", "Ng"))
    assert outcome.changes.patients == frozenset({outcome.value.id})


def test_invalid_input_is_refused_and_nothing_is_written(clinic: Clinic) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clinic.patients.create(draft("", "Ng", phone="12", born=date(2099, 1, 1)))
    assert {e.field for e in raised.value.errors} == {"first_name", "phone", "date_of_birth"}
    assert clinic.patients.search("") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nun", ["María Núñez", "Mark Nunn"]),  # accent-insensitive, ordered by name
        ("NÚÑ", ["María Núñez", "Mark Nunn"]),
        ("nune", ["María Núñez"]),
        ("obr", ["Sean O'Brien"]),
        ("o'b", ["Sean O'Brien"]),
        ("smi", ["John Smith", "Zoë Smith", "Smitty Adams"]),  # last names first, then first names
        ("smith, zo", ["Zoë Smith"]),
        ("zoe smith", ["Zoë Smith"]),
        ("smith zoe", ["Zoë Smith"]),
        ("1985-03-12", ["María Núñez"]),
        ("3/12/1985", ["María Núñez"]),
        ("1/5/1980", ["Zoë Smith"]),
        ("503555", ["María Núñez", "Zoë Smith"]),
        ("(206) 555", ["Mark Nunn"]),
        ("KD-000003", ["Sean O'Brien"]),
        ("3", ["Sean O'Brien"]),
        ("xyz", []),
    ],
)
def test_search_by_name_chart_birth_date_and_phone(registry: Clinic, query: str, expected: list[str]) -> None:
    assert names(registry.patients.search(query)) == expected


@pytest.mark.parametrize("query", ["2/30/1980", "1987-05-0", "1987-13-01"])
def test_text_that_means_nothing_finds_nobody_rather_than_everybody(registry: Clinic, query: str) -> None:
    assert registry.patients.search(query) == []


def test_empty_search_lists_everyone_alphabetically(registry: Clinic) -> None:
    assert names(registry.patients.search("")) == [
        "Smitty Adams", "María Núñez", "Mark Nunn", "Sean O'Brien", "John Smith", "Zoë Smith",
    ]  # fmt: skip


def test_search_is_limited_for_as_you_type_use(clinic: Clinic) -> None:
    for i in range(60):
        clinic.patients.create(draft(f"P{i:02d}", "Smith"))
    assert len(clinic.patients.search("smith")) == 50
    assert len(clinic.patients.search("smith", limit=10)) == 10


def test_edit_saves_and_bumps_the_version(registry: Clinic) -> None:
    maria = registry.patients.search("nune")[0]
    record = registry.patients.get(maria.id)
    outcome = registry.patients.update(record.id, record.version, replace(record.as_draft(), last_name="Nuñez-Ortiz"))
    assert outcome.value.version == record.version + 1
    assert names(registry.patients.search("nunezo")) == ["María Nuñez-Ortiz"]
    assert outcome.changes.patients == frozenset({record.id})


def test_an_edit_based_on_a_stale_version_is_refused_with_the_current_record(registry: Clinic) -> None:
    record = registry.patients.get(registry.patients.search("obr")[0].id)
    registry.patients.update(record.id, record.version, replace(record.as_draft(), phone="503-555-0111"))
    with pytest.raises(ConflictError, match="changed on another computer") as raised:
        registry.patients.update(record.id, record.version, replace(record.as_draft(), email="sean@example.com"))
    assert raised.value.current.phone == "+15035550111"  # type: ignore[attr-defined]
    stored = registry.patients.get(record.id)
    assert stored.email == "" and stored.phone == "+15035550111"  # the first save stands, untouched


def test_a_write_racing_past_the_version_check_is_still_caught(registry: Clinic, backend: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another PC commits between our version check and our UPDATE: the version column refuses ours."""
    if backend == "sqlite":
        pytest.skip("SQLite writes start with BEGIN IMMEDIATE, so no other writer can get in between")
    from sqlalchemy import update

    from kapdesk.db.models import Patient
    from kapdesk.services import patients as service_module

    record = registry.patients.get(registry.patients.search("obr")[0].id)
    real_check = service_module._require_version

    def check_then_lose_the_race(patient, expected):  # type: ignore[no-untyped-def]
        real_check(patient, expected)
        with registry.database.engine.begin() as other_pc:
            other_pc.execute(
                update(Patient)
                .where(Patient.id == record.id)
                .values(email="other@example.com", version=Patient.version + 1)
            )

    monkeypatch.setattr(service_module, "_require_version", check_then_lose_the_race)
    with pytest.raises(ConflictError) as raised:
        registry.patients.update(record.id, record.version, replace(record.as_draft(), email="mine@example.com"))
    assert raised.value.current.email == "other@example.com"  # type: ignore[attr-defined]
    assert registry.patients.get(record.id).email == "other@example.com"


def test_sqlite_write_transactions_take_the_write_lock_up_front(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A second PC's writer waits for ours instead of failing later on a stale snapshot."""
    import sqlite3

    from tests.helpers import open_test_clinic

    clinic = open_test_clinic(f"sqlite:///{tmp_path / 'k.sqlite3'}", tmp_path)
    try:
        with clinic.database.transaction() as session:
            session.execute(text("SELECT count(*) FROM patients"))  # only reads so far
            other = sqlite3.connect(tmp_path / "k.sqlite3", timeout=0.05, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
    finally:
        clinic.close()


def test_archive_hides_restore_returns_and_nothing_is_deleted(registry: Clinic) -> None:
    nunn = registry.patients.get(registry.patients.search("nunn")[0].id)
    archived = registry.patients.archive(nunn.id, nunn.version, "Moved away").value
    assert archived.is_archived and archived.archive_reason == "Moved away"
    assert names(registry.patients.search("nun")) == ["María Núñez"]
    assert names(registry.patients.search("nun", include_archived=True)) == ["María Núñez", "Mark Nunn"]
    assert registry.patients.search("nunn", include_archived=True)[0].archived

    restored = registry.patients.restore(archived.id, archived.version).value
    assert not restored.is_archived and restored.archive_reason == ""
    assert names(registry.patients.search("nun")) == ["María Núñez", "Mark Nunn"]
    with registry.database.reading() as connection:
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 6


def test_archiving_a_record_someone_just_changed_is_refused(registry: Clinic) -> None:
    nunn = registry.patients.get(registry.patients.search("nunn")[0].id)
    registry.patients.update(nunn.id, nunn.version, replace(nunn.as_draft(), email="mark@example.com"))
    with pytest.raises(ConflictError):
        registry.patients.archive(nunn.id, nunn.version, "Duplicate record")
    assert not registry.patients.get(nunn.id).is_archived


def test_a_new_weight_is_dated_today_unless_a_date_is_given(registry: Clinic) -> None:
    record = registry.patients.get(registry.patients.search("obr")[0].id)
    old = registry.patients.update(
        record.id, record.version, replace(record.as_draft(), weight_kg=80.0, weight_recorded_on=date(2025, 1, 10))
    ).value
    assert old.weight_recorded_on == date(2025, 1, 10)  # a date typed with the weight is kept
    new = registry.patients.update(old.id, old.version, replace(old.as_draft(), weight_kg=95.0)).value
    assert (new.weight_kg, new.weight_recorded_on) == (95.0, date(2026, 11, 21))


def test_text_longer_than_its_column_is_refused_the_same_on_both_databases(clinic: Clinic) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clinic.patients.create(draft("Ana", "Ng", pronouns="x" * 41, escort_relationship="y" * 61))
    assert {e.field for e in raised.value.errors} == {"pronouns", "escort_relationship"}
    long_fold = clinic.patients.create(draft("Ana", "ß" * 80)).value  # folds to 160 letters
    assert [p.id for p in clinic.patients.search("ss")] == [long_fold.id]


def test_unknown_patient_is_reported(clinic: Clinic) -> None:
    with pytest.raises(NotFound):
        clinic.patients.get(424242)
