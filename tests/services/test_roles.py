"""Each service refuses the roles the permission table does not allow, and records the refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.errors import NotSignedIn, PermissionDenied
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.permissions import GRANTS, Permission, may_read_note
from kapdesk.domain.staff import Role
from kapdesk.services.audit import AuditQuery
from kapdesk.services.clinic import Clinic
from tests.helpers import PROFILE, sign_in_as

DRAFT = PatientDraft(first_name="Role", last_name="Test", date_of_birth=date(1980, 1, 1))

# Every permission-guarded service call, with the permission it needs.
GUARDED: dict[str, tuple[Permission, Callable[[Clinic], object]]] = {
    "search patients": (Permission.VIEW_DEMOGRAPHICS, lambda c: c.patients.search("te")),
    "register a patient": (Permission.EDIT_DEMOGRAPHICS, lambda c: c.patients.create(DRAFT)),
    "add a staff account": (
        Permission.MANAGE_USERS,
        lambda c: c.users.add("newbie", "New Bie", frozenset({Role.NURSE}), "a long enough phrase"),
    ),
    "disable an account": (Permission.MANAGE_USERS, lambda c: c.users.disable("admin")),
    "reset a password": (Permission.MANAGE_USERS, lambda c: c.users.reset_password("admin", "a long enough phrase")),
    "change the clinic profile": (
        Permission.MANAGE_CLINIC,
        lambda c: c.admin.update_profile(ClinicProfile("X Clinic", "", "", PROFILE.time_zone)),
    ),
    "change settings": (Permission.MANAGE_CLINIC, lambda c: c.admin.change_settings({"auto_lock_minutes": "5"})),
    "read the audit trail": (Permission.VIEW_AUDIT, lambda c: c.audit.events(AuditQuery())),
}
CASES = [(role, call) for role in Role for call in GUARDED]


@pytest.mark.parametrize(("role", "call"), CASES, ids=[f"{r.value}-{c}" for r, c in CASES])
def test_each_role_gets_exactly_what_the_table_grants(sqlite_clinic: Clinic, role: Role, call: str) -> None:
    """The permission check comes before any database work, so one database is enough here."""
    clinic = sqlite_clinic
    permission, action = GUARDED[call]
    sign_in_as(clinic, f"user_{role.value}", role)
    if permission in GRANTS[role]:
        action(clinic)
        return
    with pytest.raises(PermissionDenied, match=permission.label):
        action(clinic)
    with clinic.database.reading() as connection:
        last = connection.execute(
            text("SELECT action, username, outcome, summary FROM audit_events ORDER BY id DESC")
        ).first()
    assert tuple(last) == ("denied", f"user_{role.value}", "denied", f"refused: {permission.label}")


def test_front_desk_never_gets_clinical_permissions() -> None:
    assert Permission.VIEW_CLINICAL not in GRANTS[Role.FRONT_DESK]
    assert Permission.WRITE_CLINICAL not in GRANTS[Role.FRONT_DESK]
    assert Permission.VIEW_DEMOGRAPHICS in GRANTS[Role.FRONT_DESK]


def test_several_roles_add_up(clinic: Clinic) -> None:
    sign_in_as(clinic, "both", Role.FRONT_DESK, Role.ADMIN)
    clinic.audit.events(AuditQuery())  # admin's
    clinic.patients.create(DRAFT)  # front desk's


@pytest.mark.parametrize("role", list(Role))
def test_psychotherapy_notes_are_for_their_author_alone(role: Role) -> None:
    author, someone_else = 7, 8
    author_may = may_read_note(author, {role}, author_id=author, psychotherapy=True)
    assert author_may == (role is Role.THERAPIST)  # only a therapist writes them, and only they read them back
    assert not may_read_note(someone_else, {role, Role.THERAPIST}, author_id=author, psychotherapy=True)
    assert may_read_note(someone_else, {role}, author_id=author, psychotherapy=False) == (
        Permission.VIEW_CLINICAL in GRANTS[role]
    )


def test_nobody_signed_in_can_do_nothing(new_clinic: Clinic) -> None:
    with pytest.raises(NotSignedIn):
        new_clinic.patients.search("")
    with pytest.raises(NotSignedIn):
        new_clinic.users.list()


def test_disabling_or_changing_roles_takes_effect_on_other_computers_at_once(
    db_url: str,
    tmp_path,
    backend: str,  # type: ignore[no-untyped-def]
) -> None:
    from kapdesk.domain.errors import AccountDisabled
    from tests.helpers import PASSWORD, add_user, open_test_clinic, set_up

    desk = set_up(open_test_clinic(db_url, tmp_path))
    add_user(desk, "nina", Role.FRONT_DESK, Role.ADMIN)
    desk.auth.sign_in("nina", PASSWORD)
    office = open_test_clinic(db_url, tmp_path, workstation="office-pc")
    try:
        office.auth.sign_in("admin", PASSWORD)
        desk.audit.events(AuditQuery())  # nina is an admin too, for now
        nina = office.users.find("nina")
        office.users.change(nina.id, nina.version, "Nina", frozenset({Role.FRONT_DESK}))
        with pytest.raises(PermissionDenied):
            desk.audit.events(AuditQuery())  # her open session lost the role at its next action
        desk.patients.search("")
        office.users.disable("nina")
        with pytest.raises(AccountDisabled):
            desk.patients.search("")
        desk.auth.lock("idle")  # locking still works for a disabled account
        with desk.database.reading() as connection:
            last = connection.execute(text("SELECT action, username FROM audit_events ORDER BY id DESC")).all()[:2]
        assert [tuple(r) for r in last] == [("lock", "nina"), ("denied", "nina")]
    finally:
        office.close()
        desk.close()
