"""Staff accounts, first-run set-up, the clinic profile and settings."""

from __future__ import annotations

import pytest

from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.errors import ConflictError, KapdeskError, NotFound, SignInFailed, ValidationFailed
from kapdesk.domain.settings import AUTO_LOCK_MINUTES
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.helpers import ADMIN, PASSWORD, PROFILE, add_user


def fields(error: ValidationFailed) -> set[str]:
    return {e.field for e in error.errors}


def test_set_up_checks_everything_at_once_and_saves_nothing_on_error(new_clinic: Clinic) -> None:
    bad = ClinicProfile("", "", "12", "Mars/Olympus")
    with pytest.raises(ValidationFailed) as raised:
        new_clinic.admin.set_up(bad, "A B", "", "short")
    assert fields(raised.value) == {"name", "phone", "time_zone", "username", "full_name", "password"}
    assert new_clinic.admin.needs_setup() and new_clinic.admin.profile() is None


def test_set_up_makes_the_profile_and_an_admin_who_can_sign_in(new_clinic: Clinic) -> None:
    new_clinic.admin.set_up(PROFILE, "Dana", "Dana Whit", PASSWORD)
    profile = new_clinic.admin.profile()
    assert profile is not None and profile.phone == "+15035550100" and profile.time_zone == "America/Los_Angeles"
    assert new_clinic.auth.sign_in("dana", PASSWORD).actor.roles == {Role.ADMIN}
    with pytest.raises(KapdeskError, match="already been set up"):
        new_clinic.admin.set_up(PROFILE, "eve", "Eve", PASSWORD)


def test_adding_staff_validates_and_refuses_taken_usernames(clinic: Clinic) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clinic.users.add("kim", "Kim", frozenset(), "password1234")
    assert fields(raised.value) == {"roles", "password"}
    clinic.users.add("Kim", "Kim Lee", frozenset({Role.NURSE, Role.FRONT_DESK}), PASSWORD, credentials="RN")
    kim = clinic.users.find("kim")
    assert kim.roles == {Role.NURSE, Role.FRONT_DESK} and kim.credentials == "RN" and kim.can_sign_in
    with pytest.raises(ValidationFailed, match="already taken"):
        clinic.users.add("kim", "Another Kim", frozenset({Role.NURSE}), PASSWORD)
    assert [m.username for m in clinic.users.list()] == [ADMIN, "kim"]


def test_changing_roles_uses_the_version_and_is_checked(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    kim = clinic.users.find("kim")
    changed = clinic.users.change(kim.id, kim.version, "Kim Lee", frozenset({Role.NURSE})).value
    assert changed.roles == {Role.NURSE} and changed.full_name == "Kim Lee"
    with pytest.raises(ConflictError):
        clinic.users.change(kim.id, kim.version, "Kim Old", frozenset({Role.THERAPIST}))


def test_the_last_admin_can_not_be_removed_or_disabled(clinic: Clinic) -> None:
    admin = clinic.users.find(ADMIN)
    with pytest.raises(ValidationFailed, match="last active admin"):
        clinic.users.change(admin.id, admin.version, "Ada", frozenset({Role.FRONT_DESK}))
    add_user(clinic, "second", Role.ADMIN)
    with pytest.raises(ValidationFailed, match="your own account"):
        clinic.users.disable(ADMIN)
    clinic.auth.sign_in("second", PASSWORD)
    clinic.users.disable(ADMIN)
    with pytest.raises(ValidationFailed, match="last active admin"):
        second = clinic.users.find("second")
        clinic.users.change(second.id, second.version, "Second", frozenset({Role.NURSE}))


def test_disabling_keeps_the_account_and_its_history(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    clinic.users.disable("kim")
    assert not clinic.users.find("kim").active
    assert [m.username for m in clinic.users.list(include_disabled=False)] == [ADMIN]
    with pytest.raises(NotFound):
        clinic.users.disable("nobody")


def test_a_reset_password_is_checked_like_any_other(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    with pytest.raises(ValidationFailed, match="12 characters"):
        clinic.users.reset_password("kim", "short")
    clinic.auth.sign_in("kim", PASSWORD)  # unchanged


def test_settings_have_limits_and_changes_are_kept(clinic: Clinic) -> None:
    assert clinic.admin.settings()[AUTO_LOCK_MINUTES] == 10
    with pytest.raises(ValidationFailed, match="between 1 and 30"):
        clinic.admin.change_settings({"auto_lock_minutes": "31"})
    with pytest.raises(ValidationFailed, match="no such setting"):
        clinic.admin.change_settings({"colour": "blue"})
    assert clinic.admin.change_settings({"auto_lock_minutes": "20"}).value[AUTO_LOCK_MINUTES] == 20
    assert clinic.admin.settings()[AUTO_LOCK_MINUTES] == 20


def test_profile_updates_are_validated(clinic: Clinic) -> None:
    with pytest.raises(ValidationFailed):
        clinic.admin.update_profile(ClinicProfile("", "", "", "UTC"))
    clinic.admin.update_profile(ClinicProfile("Cedar KAP", "2 Oak Ave", "", "America/Chicago"))
    assert clinic.admin.profile() == ClinicProfile("Cedar KAP", "2 Oak Ave", "", "America/Chicago")


def test_a_draft_belongs_to_its_author(clinic: Clinic) -> None:
    draft_id = clinic.drafts.save("patient", None, None, "New patient", {"first_name": "Ha"})
    add_user(clinic, "kim", Role.FRONT_DESK)
    result = clinic.auth.sign_in("kim", PASSWORD)
    assert result.drafts == []
    with pytest.raises(NotFound):
        clinic.drafts.resume(draft_id)
    back = clinic.auth.sign_in(ADMIN, PASSWORD)
    assert [d.label for d in back.drafts] == ["New patient"]
    assert clinic.drafts.resume(draft_id).fields == {"first_name": "Ha"}
    assert clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []


def test_wrong_password_for_a_known_user(clinic: Clinic) -> None:
    with pytest.raises(SignInFailed):
        clinic.auth.sign_in(ADMIN, PASSWORD + "x")


def test_a_long_note_draft_is_kept_whole(clinic: Clinic) -> None:
    from kapdesk.domain.notes import BODY_MAX

    body = ("line with “quotes” and a tab\t\n" * 1000)[:BODY_MAX]  # JSON-escapes to far more than it holds
    draft_id = clinic.drafts.save("patient", None, None, "New patient", {"address": body})
    assert clinic.drafts.resume(draft_id).fields == {"address": body}
