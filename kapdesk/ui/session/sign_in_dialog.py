"""Signing in: a username and a password, and the service's words when that fails."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import AuditKeyProblem, KapdeskError, SignInFailed
from kapdesk.services.audit_trail import KeyStatus
from kapdesk.ui.session.fields import grow_to_fit, password_edit
from kapdesk.ui.widgets.message_styles import ERROR_BOX

if TYPE_CHECKING:
    from kapdesk.services.auth import SignInResult
    from kapdesk.services.clinic import Clinic

PROBLEM_STYLE = "QFrame { background: #fdecea; border: 1px solid #e0a3a3; border-radius: 4px; }"


class SignInDialog(QDialog):
    """Accepted once someone is signed in (`sign_in_result`). `switching`: another person takes over a locked
    screen, and cancelling goes back to it; otherwise cancelling quits kapdesk."""

    def __init__(
        self, clinic: Clinic, parent: QWidget | None = None, *, switching: bool = False, hint: str = ""
    ) -> None:
        """`hint` is shown under the prompt (the demo clinic names its accounts there)."""
        super().__init__(parent)
        self._clinic = clinic
        self.sign_in_result: SignInResult | None = None
        self.setWindowTitle("Switch user" if switching else "Sign in to kapdesk")
        self.setMinimumWidth(420)

        profile = None
        with contextlib.suppress(KapdeskError):  # the clinic's name is a courtesy; signing in works without it
            profile = clinic.admin.profile()
        heading = QLabel(f"<b>{profile.name}</b>" if profile and profile.name else "<b>kapdesk</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        prompt = QLabel(
            "Sign in as yourself. The current user's unsaved work is kept for them."
            if switching
            else "Sign in with your kapdesk username and password."
        )
        prompt.setWordWrap(True)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setStyleSheet("color: #6a1b9a;")
        self.hint.setVisible(bool(hint))

        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.password = password_edit()
        self.password.setAccessibleName("Password")
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            if isinstance(label, QLabel):
                label.setBuddy(form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget())

        self.message = QLabel()
        self.message.setStyleSheet(ERROR_BOX)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in problem")
        self.message.hide()

        # When the audit key is wrong or missing nobody can sign in here: say why and what fixes it.
        self.key_problem = QFrame()
        self.key_problem.setStyleSheet(PROBLEM_STYLE)
        self.key_problem_text = QLabel()
        self.key_problem_text.setWordWrap(True)
        self.key_problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.key_problem).addWidget(self.key_problem_text)
        self.key_problem.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("Cancel" if switching else "Quit")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(prompt)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.key_problem)
        layout.addWidget(self.buttons)
        self.username.setFocus()
        self._check_audit_key()

    def _check_audit_key(self) -> None:
        try:
            status = self._clinic.trail.key_status()
        except AuditKeyProblem as problem:
            self._show_key_problem(problem)
            return
        if status in (KeyStatus.MISSING, KeyStatus.WRONG):
            self._show_key_problem(self._clinic.trail.problem(status))

    def _show_key_problem(self, problem: AuditKeyProblem) -> None:
        self.key_problem_text.setText(f"<b>{problem.title}.</b> {problem.message}<br><br>{problem.remedy}")
        self.key_problem.show()
        self.message.hide()
        grow_to_fit(self)
        for widget in (self.username, self.password, self.sign_in_button):
            widget.setEnabled(False)
        self.cancel_button.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        grow_to_fit(self)

    def submit(self) -> bool:
        username = self.username.text().strip()
        if not username:
            self.show_message("Enter your username.")
            self.username.setFocus()
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a password check takes a moment
        try:
            self.sign_in_result = self._clinic.auth.sign_in(username, self.password.text())
        except AuditKeyProblem as problem:
            self._show_key_problem(problem)
            return False
        except KapdeskError as error:  # wrong password or unknown user (one message), a wait, a disabled account
            self.show_message(str(error))
            self.password.clear()
            (self.password if isinstance(error, SignInFailed) else self.username).setFocus()
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.password.clear()
        self.accept()
        return True
