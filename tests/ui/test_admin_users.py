"""Staff accounts as the clinic admin manages them: add, edit, disable, enable, reset a password."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from kapdesk.domain.errors import SignInFailed
from kapdesk.domain.staff import Role, StaffMember
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import attach_admin, may_administer
from kapdesk.ui.admin.staff_dialogs import AddStaffDialog, EditStaffDialog, ResetPasswordDialog
from kapdesk.ui.admin.staff_screen import StaffScreen
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow
from tests.helpers import ADMIN, PASSWORD, add_user, open_test_clinic, sign_in_as

NEW_PASSWORD = "maple river lantern quietly"


@pytest.fixture
def screen(qtbot, settings: QSettings, sqlite_clinic: Clinic) -> StaffScreen:  # type: ignore[no-untyped-def]
    add_user(sqlite_clinic, "jlee", Role.THERAPIST)
    add_user(sqlite_clinic, "mnurse", Role.NURSE)
    sqlite_clinic.users.disable("mnurse")
    window = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(window)
    area = attach_admin(window, sqlite_clinic, ChangeBus(window))
    window.show()
    qtbot.waitExposed(window)
    area.setCurrentWidget(area.staff)
    return area.staff


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every question is answered Yes; every warning is recorded as (title, text) instead of waiting for a click."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *rest: shown.append((title, text)))
    return shown


def row(screen: StaffScreen, username: str) -> dict[str, str]:
    index = screen.model.row_of(username)
    assert index is not None, f"{username} is not listed"
    model = screen.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {h: model.index(index, c).data() for c, h in enumerate(headers)}


def select(screen: StaffScreen, username: str) -> StaffMember:
    index = screen.model.row_of(username)
    assert index is not None
    screen.table.selectRow(index)
    member = screen.selected()
    assert member is not None and member.username == username
    return member


def member(clinic: Clinic, username: str) -> StaffMember:
    return next(m for m in clinic.users.list() if m.username == username)


def open_add(qtbot, screen: StaffScreen) -> AddStaffDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert isinstance(dialog, AddStaffDialog) and dialog.isVisible()
    return dialog


def fill(qtbot, dialog: AddStaffDialog, username: str, name: str, password: str, confirm: str | None = None) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.full_name, name)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClicks(dialog.confirm, password if confirm is None else confirm)


def test_lists_every_account_with_its_roles_status_and_last_sign_in(screen: StaffScreen) -> None:
    assert [screen.model.member_at(r).username for r in range(screen.model.rowCount())] == ["admin", "jlee", "mnurse"]
    assert row(screen, "admin")["Roles"] == "Admin"
    assert row(screen, "admin")["Status"] == "Active"
    assert row(screen, "admin")["Last sign-in"] != "Never"
    assert row(screen, "jlee") | {"Last sign-in": ""} == {
        "Username": "jlee", "Name": "Jlee", "Credentials": "", "Roles": "Therapist", "Status": "Active",
        "Last sign-in": "",
    }  # fmt: skip
    assert row(screen, "jlee")["Last sign-in"] == "Never"
    assert row(screen, "mnurse")["Status"] == "Disabled"
    assert screen.status.text() == "3 accounts, 2 active"


def test_a_short_password_is_explained_under_the_password_and_adds_nobody(  # type: ignore[no-untyped-def]
    qtbot, screen: StaffScreen, sqlite_clinic: Clinic
) -> None:
    dialog = open_add(qtbot, screen)
    fill(qtbot, dialog, "pdoc", "Pat Doc", "short pass")
    dialog.role_boxes[Role.PRESCRIBER].setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    assert dialog.isVisible()
    password = dialog.slots["password"]
    assert password.has_error
    assert password.error.isVisible()
    assert password.error.text().startswith("Use at least 12 characters (this has 10).")
    assert [name for name, slot in dialog.slots.items() if slot.has_error] == ["password"]
    assert "pdoc" not in {m.username for m in sqlite_clinic.users.list()}
    assert screen.model.row_of("pdoc") is None


def test_mistyped_confirmation_sends_nothing_and_says_so(qtbot, screen: StaffScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    dialog = open_add(qtbot, screen)
    fill(qtbot, dialog, "pdoc", "Pat Doc", NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    dialog.save()
    assert dialog.slots["confirm"].error.text() == "The two passwords don't match."
    assert dialog.slots["roles"].error.text() == "Choose at least one role."  # the other problems show at once
    assert "pdoc" not in {m.username for m in sqlite_clinic.users.list()}


def test_adding_an_account_lists_and_selects_it(qtbot, screen: StaffScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    dialog = open_add(qtbot, screen)
    fill(qtbot, dialog, "PDoc", "Pat Doc", NEW_PASSWORD)
    qtbot.keyClicks(dialog.credentials, "MD")
    dialog.role_boxes[Role.PRESCRIBER].setChecked(True)
    dialog.role_boxes[Role.ADMIN].setChecked(True)
    dialog.save()

    assert not dialog.isVisible()
    added = member(sqlite_clinic, "pdoc")
    assert added.roles == {Role.PRESCRIBER, Role.ADMIN} and added.credentials == "MD"
    assert screen.selected() == added
    assert row(screen, "pdoc")["Roles"] == "Admin, Prescriber"
    sqlite_clinic.auth.sign_in("pdoc", NEW_PASSWORD)  # the password typed in the form is the one that works


def test_a_taken_username_is_refused_under_the_username(qtbot, screen: StaffScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    dialog = open_add(qtbot, screen)
    fill(qtbot, dialog, "jlee", "Another Lee", NEW_PASSWORD)
    dialog.role_boxes[Role.NURSE].setChecked(True)
    dialog.save()
    assert dialog.slots["username"].error.text() == "“jlee” is already taken."
    assert member(sqlite_clinic, "jlee").full_name == "Jlee"


def test_editing_changes_name_credentials_and_roles(qtbot, screen: StaffScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    select(screen, "jlee")
    dialog = screen.edit_selected()
    assert isinstance(dialog, EditStaffDialog)
    dialog.full_name.setText("Jordan Lee")
    dialog.credentials.setText("LCSW")
    dialog.role_boxes[Role.FRONT_DESK].setChecked(True)
    dialog.save()
    assert not dialog.isVisible()
    saved = member(sqlite_clinic, "jlee")
    assert (saved.full_name, saved.credentials, saved.roles) == (
        "Jordan Lee",
        "LCSW",
        {Role.THERAPIST, Role.FRONT_DESK},
    )
    assert row(screen, "jlee")["Roles"] == "Therapist, Front desk"


def test_an_edit_made_elsewhere_meanwhile_is_never_overwritten(
    qtbot, screen: StaffScreen, sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    select(screen, "jlee")
    dialog = screen.edit_selected()
    assert isinstance(dialog, EditStaffDialog)
    dialog.full_name.setText("Mine")
    theirs = member(sqlite_clinic, "jlee")
    sqlite_clinic.users.change(theirs.id, theirs.version, "Theirs", frozenset({Role.NURSE}), "RN")

    dialog.save()
    assert dialog.isVisible()
    assert dialog.conflict.isVisible()
    assert "jlee's account was changed on another computer" in dialog.conflict.text()
    assert "Nothing you typed has been saved" in dialog.conflict.text()
    assert (dialog.full_name.text(), dialog.credentials.text(), dialog.roles) == ("Theirs", "RN", {Role.NURSE})
    assert member(sqlite_clinic, "jlee").full_name == "Theirs"

    dialog.full_name.setText("Mine after all")  # saving again, knowingly, over the version now shown
    dialog.save()
    assert not dialog.isVisible()
    assert member(sqlite_clinic, "jlee").full_name == "Mine after all"
    assert member(sqlite_clinic, "jlee").roles == {Role.NURSE}


def test_the_last_admin_cannot_drop_the_admin_role(qtbot, screen: StaffScreen, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    select(screen, ADMIN)
    dialog = screen.edit_selected()
    assert isinstance(dialog, EditStaffDialog)
    dialog.role_boxes[Role.ADMIN].setChecked(False)
    dialog.role_boxes[Role.THERAPIST].setChecked(True)
    dialog.save()
    assert dialog.isVisible()
    assert dialog.slots["roles"].error.text() == "This is the clinic's last active admin; add another admin first."
    assert member(sqlite_clinic, ADMIN).roles == {Role.ADMIN}


def test_an_admin_whose_role_was_removed_on_another_pc_is_refused_at_once(  # type: ignore[no-untyped-def]
    qtbot, screen: StaffScreen, sqlite_clinic: Clinic, answers: list[tuple[str, str]], tmp_path: Path
) -> None:
    # Bob, an admin, is signed in at this PC. At the other PC, someone takes Bob's admin role away. Bob's
    # screen still offers Disable; the clinic must refuse it because Bob is no longer an admin.
    add_user(sqlite_clinic, "bob", Role.ADMIN)
    sign_in_as(sqlite_clinic, "bob")
    other_pc = open_test_clinic(f"sqlite:///{tmp_path / 'kapdesk.sqlite3'}", tmp_path)
    try:
        sign_in_as(other_pc, ADMIN)
        bob = member(other_pc, "bob")
        other_pc.users.change(bob.id, bob.version, "Bob", frozenset({Role.THERAPIST}))
    finally:
        other_pc.close()

    select(screen, ADMIN)
    qtbot.mouseClick(screen.toggle_button, Qt.MouseButton.LeftButton)
    assert len(answers) == 1 and "not allowed to manage staff accounts" in answers[0][1]
    assert member(sqlite_clinic, ADMIN).active
    assert row(screen, ADMIN)["Status"] == "Active"


def test_you_cannot_disable_yourself(qtbot, screen: StaffScreen, sqlite_clinic: Clinic, answers) -> None:  # type: ignore[no-untyped-def]
    select(screen, ADMIN)
    screen.toggle_button.click()
    assert answers == [("Can't disable admin", "You can't disable your own account.")]
    assert member(sqlite_clinic, ADMIN).active


def test_disable_asks_first_and_enable_brings_the_account_back(  # type: ignore[no-untyped-def]
    qtbot, screen: StaffScreen, sqlite_clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def decline(_parent, _title, text, *rest):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", decline)
    select(screen, "jlee")
    assert screen.toggle_button.text() == "&Disable…"
    screen.toggle_button.click()
    assert asked and asked[0].startswith("Disable jlee (Jlee)?")
    assert member(sqlite_clinic, "jlee").active  # declined: nothing happened

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    screen.toggle_button.click()
    assert not member(sqlite_clinic, "jlee").active
    assert row(screen, "jlee")["Status"] == "Disabled"
    assert screen.toggle_button.text() == "E&nable"  # still selected, now offering the way back

    screen.toggle_button.click()  # enabling needs no question
    assert member(sqlite_clinic, "jlee").active
    assert row(screen, "jlee")["Status"] == "Active"


def test_reset_password_checks_the_new_one_and_sets_a_temporary_password(  # type: ignore[no-untyped-def]
    qtbot, screen: StaffScreen, sqlite_clinic: Clinic
) -> None:
    select(screen, "jlee")
    dialog = screen.reset_selected()
    assert isinstance(dialog, ResetPasswordDialog)
    qtbot.keyClicks(dialog.password, "jlee12345678")
    qtbot.keyClicks(dialog.confirm, "jlee12345678")
    dialog.save()
    assert dialog.slots["password"].error.text() == "The password must not contain your name or username."
    assert not member(sqlite_clinic, "jlee").must_change_password

    for edit in (dialog.password, dialog.confirm):
        edit.setText(NEW_PASSWORD)
    dialog.save()
    assert not dialog.isVisible()
    assert row(screen, "jlee")["Status"] == "Active (temporary password)"
    with pytest.raises(SignInFailed):
        sqlite_clinic.auth.sign_in("jlee", PASSWORD)
    assert sqlite_clinic.auth.sign_in("jlee", NEW_PASSWORD).must_change_password


def test_the_area_is_offered_to_admins_only(sqlite_clinic: Clinic) -> None:
    assert may_administer(sqlite_clinic.access.actor)
    sign_in_as(sqlite_clinic, "jlee", Role.THERAPIST, Role.PRESCRIBER)
    assert not may_administer(sqlite_clinic.access.actor)
