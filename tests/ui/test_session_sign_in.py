"""Signing in through the real dialog: what each refusal says, and what happens after a password reset."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kapdesk.domain.errors import AccountDisabled, SignInFailed
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.session.controller import SessionController
from kapdesk.ui.session.password_dialog import ChangePasswordDialog
from kapdesk.ui.session.sign_in_dialog import SignInDialog
from tests.helpers import ADMIN, PASSWORD, add_user
from tests.ui.session_steps import registry, sign_in

WRONG_PASSWORD_TEXT = str(SignInFailed())


def test_signing_in_shows_the_patients_and_who_is_signed_in(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    assert session.window.nav.count() == 0 and session.window.cover is session.lock_screen
    sign_in(qtbot, session, ADMIN)
    assert session.dialog is None
    assert session.window.user_label.text() == "Ada Admin (Admin)"
    assert registry(session).table.isVisible()
    assert session.window.session_menu.menuAction().isVisible()
    assert session.lock_action.isEnabled() and session.idle.running


def test_a_wrong_password_is_explained_in_the_dialog_which_stays(
    qtbot, session: SessionController, sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    dialog = sign_in(qtbot, session, ADMIN, "not my password at all")
    assert dialog.isVisible() and session.dialog is dialog
    assert dialog.message.text() == WRONG_PASSWORD_TEXT and dialog.message.isVisible()
    assert dialog.username.text() == ADMIN and dialog.password.text() == ""  # type the password again
    assert session.actor is None and session.window.nav.count() == 0

    sign_in(qtbot, session, "nobody-here", "not my password at all")
    assert dialog.message.text() == WRONG_PASSWORD_TEXT  # an unknown user reads exactly the same

    sign_in(qtbot, session, ADMIN)
    assert not dialog.isVisible() and sqlite_clinic.access.actor.username == ADMIN


def test_after_repeated_failures_the_dialog_says_how_long_to_wait(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        sign_in(qtbot, session, ADMIN, "not my password at all")
    dialog = sign_in(qtbot, session, ADMIN, PASSWORD)  # even the right password waits its turn
    assert dialog.isVisible() and session.actor is None
    assert dialog.message.text().startswith("Too many unsuccessful attempts for this username. Try again in 5 seconds")


def test_a_disabled_account_is_told_so(qtbot, session: SessionController, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    sqlite_clinic.users.disable("kim")
    dialog = sign_in(qtbot, session, "kim")
    assert dialog.isVisible()
    assert dialog.message.text() == str(AccountDisabled())


def test_without_the_audit_key_the_dialog_explains_the_remedy_and_nobody_can_sign_in(  # type: ignore[no-untyped-def]
    start_session, sqlite_clinic: Clinic
) -> None:
    key = sqlite_clinic.trail.key_file.path
    key.unlink()
    session = start_session(sqlite_clinic)
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog)
    assert dialog.key_problem.isVisible()
    text = dialog.key_problem_text.text()
    assert "has no audit key" in text and f"Copy the file {key.name}" in text
    assert not dialog.username.isEnabled() and not dialog.sign_in_button.isEnabled()
    assert dialog.cancel_button.isEnabled()  # quitting is the one thing left to do


def test_cancelling_sign_in_quits(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog) and dialog.cancel_button.text() == "Quit"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not session.window.isVisible()


@pytest.fixture
def reset_kim(sqlite_clinic: Clinic) -> Clinic:
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    sqlite_clinic.users.reset_password("kim", "temporary password 42")
    return sqlite_clinic


def test_a_reset_password_must_be_changed_before_anything_shows(
    qtbot, session: SessionController, reset_kim: Clinic
) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, session, "kim", "temporary password 42")
    dialog = session.dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    assert session.window.nav.count() == 0 and session.window.screens.currentWidget() is session.lock_screen

    qtbot.keyClicks(dialog.current, "not the temporary one")
    qtbot.keyClicks(dialog.new, "kim picks a phrase")
    qtbot.keyClicks(dialog.confirm, "kim picks a phrase")
    dialog.submit()
    assert dialog.isVisible()
    assert dialog.fields.slots["current_password"].error.text() == "Current password is not your current password."

    dialog.current.setText("temporary password 42")
    dialog.submit()
    assert not dialog.isVisible()
    assert session.window.user_label.text() == "Kim (Front desk)"
    assert registry(session).table.isVisible()
    assert not reset_kim.auth.sign_in("kim", "kim picks a phrase").must_change_password


def test_refusing_to_change_a_reset_password_signs_out(qtbot, session: SessionController, reset_kim: Clinic) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, session, "kim", "temporary password 42")
    dialog = session.dialog
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.reject()
    assert reset_kim.access.current is None and session.actor is None
    assert isinstance(session.dialog, SignInDialog) and session.dialog.isVisible()  # the next person, please
    assert session.window.nav.count() == 0


def test_change_password_from_the_session_menu(qtbot, session: SessionController, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, session, ADMIN)
    session.password_action.trigger()
    dialog = session.dialog
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.current.setText(PASSWORD)
    dialog.new.setText("a brand new phrase")
    dialog.confirm.setText("a brand new phrase!")
    dialog.submit()
    assert dialog.fields.slots["confirm"].has_error and dialog.isVisible()
    dialog.confirm.setText("a brand new phrase")
    dialog.submit()
    assert not dialog.isVisible()
    assert sqlite_clinic.auth.sign_in(ADMIN, "a brand new phrase").actor.username == ADMIN


def test_an_admin_signing_in_is_warned_when_the_audit_trail_was_tampered_with(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, sqlite_clinic: Clinic
) -> None:
    import sqlite3

    from kapdesk.ui.session.chain_check import TITLE

    path = sqlite_clinic.database.engine.url.database
    with sqlite3.connect(path) as db:  # as someone holding the file would: triggers first
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("UPDATE audit_events SET summary = 'nothing to see' WHERE id = 2")
    sign_in(qtbot, session, ADMIN)
    qtbot.waitUntil(lambda: session.chain_check.warning is not None, timeout=5000)
    box = session.chain_check.warning
    assert box is not None and box.windowTitle() == TITLE and box.isVisible()
    assert "broken at event 2" in box.text()
    box.close()


def test_front_desk_is_not_shown_the_trail_check(qtbot, session: SessionController, sqlite_clinic: Clinic) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from kapdesk.domain.staff import Role
    from tests.helpers import add_user

    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    with sqlite3.connect(sqlite_clinic.database.engine.url.database) as db:
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("UPDATE audit_events SET summary = 'nothing to see' WHERE id = 2")
    sign_in(qtbot, session, "kim")
    qtbot.wait(300)
    assert session.chain_check.warning is None


def test_a_real_clinic_never_shows_the_demo_accounts(qtbot, session: SessionController) -> None:  # type: ignore[no-untyped-def]
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    assert not dialog.hint.isVisible() and dialog.hint.text() == ""
