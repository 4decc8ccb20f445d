"""What a person does at the session screens, as steps the session tests share."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kapdesk.ui.patients.registry import PatientRegistry
from kapdesk.ui.session.controller import SessionController
from kapdesk.ui.session.sign_in_dialog import SignInDialog
from tests.helpers import PASSWORD
from tests.ui.conftest import FakeClock


def sign_in(qtbot, session: SessionController, username: str, password: str = PASSWORD) -> SignInDialog:  # type: ignore[no-untyped-def]
    """Type into the sign-in dialog that is showing and press Enter."""
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog) and dialog.isVisible(), "no sign-in dialog is showing"
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    return dialog


def registry(session: SessionController) -> PatientRegistry:
    page = session.window.pages.widget(1)
    assert isinstance(page, PatientRegistry)
    return page


def idle_for(session: SessionController, clock: FakeClock, minutes: float) -> None:
    """Nobody touches anything for this long, then the periodic check runs."""
    clock.advance(minutes * 60)
    session.idle.check()


def unlock_with(qtbot, session: SessionController, password: str) -> None:  # type: ignore[no-untyped-def]
    screen = session.lock_screen
    assert screen.password.isVisible()
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
