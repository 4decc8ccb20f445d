from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from kapdesk.domain.errors import DemoRefused
from kapdesk.domain.patients import validate
from kapdesk.services import demo
from kapdesk.services.clinic import Clinic

TODAY = date(2026, 11, 21)


def test_demo_clinic_has_staff_of_every_role_rooms_and_patients(clinic: Clinic) -> None:
    demo.populate(clinic.database, patients=120, seed=7, today=TODAY)
    with clinic.database.reading() as connection:
        roles = {r for (r,) in connection.execute(text("SELECT DISTINCT role FROM user_roles"))}
        kinds = {k for (k,) in connection.execute(text("SELECT DISTINCT kind FROM rooms"))}
        count = connection.execute(text("SELECT count(*) FROM patients")).scalar()
    assert roles == {"admin", "prescriber", "nurse", "therapist", "front_desk"}
    assert kinds == {"dosing", "therapy", "consult"}
    assert count == 120


def test_demo_patients_pass_the_same_rules_as_typed_ones(clinic: Clinic) -> None:
    demo.populate(clinic.database, patients=150, seed=3, today=TODAY)
    for summary in clinic.patients.search("", include_archived=True, limit=150):
        record = clinic.patients.get(summary.id)
        assert validate(record.as_draft(), TODAY)[1] == []


def test_same_seed_same_clinic(clinic: Clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kapdesk.services.clinic import open_clinic

    other = open_clinic(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "b")
    try:
        demo.populate(clinic.database, patients=40, seed=11, today=TODAY)
        demo.populate(other.database, patients=40, seed=11, today=TODAY)
        query = "SELECT chart_number, first_name, last_name, date_of_birth, phone FROM patients ORDER BY chart_number"
        with clinic.database.reading() as a, other.database.reading() as b:
            assert [tuple(map(str, r)) for r in a.execute(text(query))] == [
                tuple(map(str, r)) for r in b.execute(text(query))
            ]
    finally:
        other.close()


def test_searching_the_demo_clinic_finds_accented_names(clinic: Clinic) -> None:
    demo.populate(clinic.database, patients=400, seed=1, today=TODAY)
    found = clinic.patients.search("mu", include_archived=True)
    assert found and all(
        p.last_name.lower().replace("ü", "u").startswith("mu") or p.first_name.lower().startswith("mu") for p in found
    )


def test_demo_refuses_a_database_that_already_has_patients(clinic: Clinic) -> None:
    demo.populate(clinic.database, patients=5, today=TODAY)
    with pytest.raises(DemoRefused, match="already holds patients"):
        demo.populate(clinic.database, patients=5, today=TODAY)
    with clinic.database.reading() as connection:
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 5
