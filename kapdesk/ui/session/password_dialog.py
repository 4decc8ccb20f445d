"""Changing one's own password: asked for after an admin's reset, or chosen from the Session menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.passwords import check_password
from kapdesk.ui.session.fields import FieldForm, password_edit
from kapdesk.ui.session.setup_dialog import PASSWORD_HINT

if TYPE_CHECKING:
    from kapdesk.domain.access import Actor
    from kapdesk.services.clinic import Clinic


class ChangePasswordDialog(QDialog):
    """`required`: the account's password was reset, so kapdesk can't be used until this succeeds."""

    def __init__(self, clinic: Clinic, actor: Actor, parent: QWidget | None = None, *, required: bool = False):
        super().__init__(parent)
        self._clinic = clinic
        self._actor = actor
        self.setWindowTitle("Choose a new password" if required else "Change password")
        self.setMinimumWidth(540)
        intro = QLabel(
            f"{actor.display_name}, your password was set by an admin. Choose a new one that only you know "
            "before you continue."
            if required
            else "Choose a new password for your kapdesk account."
        )
        intro.setWordWrap(True)
        self.fields = FieldForm(QFormLayout())
        self.current = password_edit()
        self.new = password_edit()
        self.confirm = password_edit()
        self.fields.add("current_password", "Current password", self.current, required=True)
        self.fields.add("new_password", "New password", self.new, required=True)
        self.fields.add("confirm", "Confirm new password", self.confirm, required=True)
        hint = QLabel(PASSWORD_HINT)
        hint.setWordWrap(True)
        self.fields.form.addRow("", hint)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change password")
        if required:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Sign out")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fields.general)
        layout.addLayout(self.fields.form)
        layout.addWidget(self.buttons)
        self.current.setFocus()

    def problems(self) -> list[FieldError]:
        errors = []
        if not self.current.text():
            errors.append(FieldError("current_password", "is required"))
        problem = check_password(self.new.text(), username=self._actor.username, full_name=self._actor.full_name)
        if problem:
            errors.append(FieldError("new_password", problem.message))
        elif self.confirm.text() != self.new.text():
            errors.append(FieldError("confirm", "does not match the new password"))
        return errors

    def submit(self) -> bool:
        errors = self.problems()
        if errors:
            self.fields.show_errors(errors)
            return False
        try:
            self._clinic.auth.change_password(self.current.text(), self.new.text())
        except ValidationFailed as failure:
            self.fields.show_errors(failure.errors)
            return False
        except KapdeskError as error:
            self.fields.show_errors([FieldError("", str(error))])
            return False
        self.accept()
        return True
