from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kapdesk.domain.errors import DemoRefused, SignInFailed
from kapdesk.domain.patients import validate
from kapdesk.domain.staff import Role
from kapdesk.services import demo
from kapdesk.services.clinic import Clinic
from tests.helpers import TODAY, open_test_clinic


def demo_clinic(clinic: Clinic, patients: int, seed: int = 1) -> Clinic:
    """Populate, then sign in as the demo admin (who may read demographics)."""
    clinic.demo.populate(patients=patients, seed=seed, today=TODAY)
    clinic.auth.sign_in("admin", demo.DEMO_PASSWORD)
    return clinic


def test_demo_clinic_has_staff_of_every_role_rooms_and_patients(new_clinic: Clinic) -> None:
    demo_clinic(new_clinic, 120, seed=7)
    with new_clinic.database.reading() as connection:
        roles = {r for (r,) in connection.execute(text("SELECT DISTINCT role FROM user_roles"))}
        kinds = {k for (k,) in connection.execute(text("SELECT DISTINCT kind FROM rooms"))}
        count = connection.execute(text("SELECT count(*) FROM patients")).scalar()
    assert roles == {"admin", "prescriber", "nurse", "therapist", "front_desk"}
    assert kinds == {"dosing", "therapy", "consult"}
    assert count == 120
    assert new_clinic.admin.profile() is not None and not new_clinic.admin.needs_setup()


def test_each_role_has_a_demo_account_that_signs_in_with_the_documented_password(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=3, today=TODAY)
    for role in Role:
        username = "frontdesk" if role is Role.FRONT_DESK else role.value
        assert new_clinic.auth.sign_in(username, demo.DEMO_PASSWORD).actor.roles == {role}
    with pytest.raises(SignInFailed):  # clinicians listed for scheduling have no password
        new_clinic.auth.sign_in("tmorrow", demo.DEMO_PASSWORD)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert demo.DEMO_PASSWORD in readme


def test_demo_creation_is_one_audited_set_up_event_and_the_chain_verifies(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=10, today=TODAY)
    with new_clinic.database.reading() as connection:
        rows = connection.execute(text("SELECT action, username, summary FROM audit_events")).all()
    assert [(r.action, r.username) for r in rows] == [("setup", "demo")]
    assert "10 patients" in rows[0].summary
    assert new_clinic.audit.verify().intact


def test_demo_patients_pass_the_same_rules_as_typed_ones(new_clinic: Clinic) -> None:
    clinic = demo_clinic(new_clinic, 150, seed=3)
    for summary in clinic.patients.search("", include_archived=True, limit=150):
        record = clinic.patients.get(summary.id)
        assert validate(record.as_draft(), TODAY)[1] == []


def test_same_seed_same_clinic(new_clinic: Clinic, tmp_path: Path) -> None:
    other = open_test_clinic(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other")
    try:
        new_clinic.demo.populate(patients=40, seed=11, today=TODAY)
        other.demo.populate(patients=40, seed=11, today=TODAY)
        query = "SELECT chart_number, first_name, last_name, date_of_birth, phone FROM patients ORDER BY chart_number"
        with new_clinic.database.reading() as a, other.database.reading() as b:
            assert [tuple(map(str, r)) for r in a.execute(text(query))] == [
                tuple(map(str, r)) for r in b.execute(text(query))
            ]
    finally:
        other.close()


def test_searching_the_demo_clinic_finds_accented_names(new_clinic: Clinic) -> None:
    found = demo_clinic(new_clinic, 400).patients.search("mu", include_archived=True)
    assert found and all(
        p.last_name.lower().replace("ü", "u").startswith("mu") or p.first_name.lower().startswith("mu") for p in found
    )


def test_demo_refuses_a_database_that_already_has_patients(new_clinic: Clinic) -> None:
    new_clinic.demo.populate(patients=5, today=TODAY)
    with pytest.raises(DemoRefused, match="already holds patients"):
        new_clinic.demo.populate(patients=5, today=TODAY)
    with new_clinic.database.reading() as connection:
        assert connection.execute(text("SELECT count(*) FROM patients")).scalar() == 5


def test_demo_refuses_a_clinic_that_was_set_up(clinic: Clinic) -> None:
    with pytest.raises(DemoRefused):
        clinic.demo.populate(patients=5, today=TODAY)
    assert clinic.users.find("admin").full_name == "Ada Admin"
