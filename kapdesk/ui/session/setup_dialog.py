"""First run: the clinic's own details and the first admin account, then that admin is signed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.clinic_profile import PROFILE_MAX_LENGTHS, ClinicProfile, time_zone_names, validate_profile
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.passwords import MIN_LENGTH, check_password
from kapdesk.domain.staff import Role, check_new_user
from kapdesk.ui.session.fields import FieldForm, align_labels, password_edit
from kapdesk.ui.session.time_zone import local_time_zone

if TYPE_CHECKING:
    from kapdesk.services.auth import SignInResult
    from kapdesk.services.clinic import Clinic

PASSWORD_HINT = f"At least {MIN_LENGTH} characters; a few unrelated words make a good one."


class SetupDialog(QDialog):
    """Accepted once the clinic exists and its admin is signed in (`sign_in_result`). Rejected: the user quit, or
    another computer finished set-up first (`already_set_up`), in which case signing in is next."""

    def __init__(self, clinic: Clinic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clinic = clinic
        self.sign_in_result: SignInResult | None = None
        self.already_set_up = False
        self.setWindowTitle("Set up kapdesk")
        self.setMinimumWidth(560)

        intro = QLabel(
            "<b>Welcome to kapdesk.</b><br>Enter your clinic's details and create the first admin account. "
            "The admin adds the rest of the staff afterwards."
        )
        intro.setWordWrap(True)

        clinic_box = QGroupBox("Clinic")
        self.clinic_form = FieldForm(QFormLayout(clinic_box))
        self.name = QLineEdit()
        self.name.setMaxLength(PROFILE_MAX_LENGTHS["name"])
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.phone = QLineEdit()
        self.phone.setMaxLength(PROFILE_MAX_LENGTHS["phone"])
        self.time_zone = _time_zone_combo()

        admin_box = QGroupBox("First admin account")
        self.admin_form = FieldForm(QFormLayout(admin_box))
        self.username = QLineEdit()
        self.username.setMaxLength(32)
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(120)
        self.password = password_edit()
        self.confirm = password_edit()

        self.clinic_form.add("name", "Clinic name", self.name, required=True)
        self.clinic_form.add("address", "Address", self.address)
        self.clinic_form.add("phone", "Phone", self.phone)
        self.clinic_form.add("time_zone", "Time zone", self.time_zone, required=True)
        self.admin_form.add("username", "Username", self.username, required=True)
        self.admin_form.add("full_name", "Full name", self.full_name, required=True)
        self.admin_form.add("password", "Password", self.password, required=True)
        self.admin_form.add("confirm", "Confirm password", self.confirm, required=True)
        self.password.setToolTip(PASSWORD_HINT)
        hint = QLabel(PASSWORD_HINT)
        hint.setStyleSheet("color: palette(mid);")
        hint.setWordWrap(True)
        self.admin_form.form.addRow("", hint)
        align_labels(self.clinic_form.form, self.admin_form.form)
        self.username.setPlaceholderText("e.g. dwhitfield")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.set_up_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.set_up_button.setText("Set up clinic")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.clinic_form.general)
        layout.addWidget(clinic_box)
        layout.addWidget(admin_box)
        layout.addWidget(self.admin_form.general)
        layout.addWidget(QLabel("* required"))
        layout.addWidget(self.buttons)
        self.name.setFocus()

    def profile(self) -> ClinicProfile:
        return ClinicProfile(
            self.name.text(), self.address.toPlainText(), self.phone.text(), self.time_zone.currentText()
        )

    def problems(self) -> list[FieldError]:
        """The same rules the service applies, checked first so every problem shows at once."""
        username = self.username.text().strip().lower()
        errors = validate_profile(self.profile())[1]
        errors += check_new_user(username, self.full_name.text(), frozenset({Role.ADMIN}))
        problem = check_password(self.password.text(), username=username, full_name=self.full_name.text())
        if problem:
            errors.append(FieldError("password", problem.message))
        elif self.confirm.text() != self.password.text():
            errors.append(FieldError("confirm", "does not match the password"))
        return errors

    def show_errors(self, errors: list[FieldError]) -> None:
        self.clinic_form.show_errors([e for e in errors if e.field in self.clinic_form.slots])
        self.admin_form.show_errors([e for e in errors if e.field not in self.clinic_form.slots])
        first = self.clinic_form.first_error() or self.admin_form.first_error()
        if first is not None:
            form = self.clinic_form if first in self.clinic_form.slots else self.admin_form
            form.slots[first].input.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> bool:
        errors = self.problems()
        if errors:
            self.show_errors(errors)
            return False
        username = self.username.text().strip().lower()
        try:
            self._clinic.admin.set_up(self.profile(), username, self.full_name.text(), self.password.text())
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except KapdeskError as error:
            QMessageBox.information(self, "Already set up", str(error))
            self.already_set_up = True
            self.reject()
            return False
        self.show_errors([])
        try:
            self.sign_in_result = self._clinic.auth.sign_in(username, self.password.text())
        except KapdeskError as error:  # set up, but signing in failed (e.g. the audit key): sign in next
            QMessageBox.warning(self, error.title, str(error))
            self.already_set_up = True
            self.reject()
            return False
        self.accept()
        return True


def _time_zone_combo() -> QComboBox:
    """All zones, type to filter (“chicago” finds America/Chicago); the machine's zone chosen if it is known."""
    names = time_zone_names()
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(names)
    completer = QCompleter(names, combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    local = local_time_zone(set(names))
    combo.setCurrentIndex(names.index(local) if local else -1)
    combo.setEditText(local)
    combo.lineEdit().setPlaceholderText("e.g. America/Chicago")
    return combo
