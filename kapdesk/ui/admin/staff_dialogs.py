"""Adding and changing staff accounts, and resetting a password. Problems show under the field they concern."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.changes import Outcome
from kapdesk.domain.errors import ConflictError, FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.passwords import MIN_LENGTH, check_password
from kapdesk.domain.staff import Role, StaffMember, check_new_user
from kapdesk.services.users import UserService
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, show_field_errors
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.validated_form import add_row

PASSWORD_HINT = f"At least {MIN_LENGTH} characters. A few unrelated words make a good one."
MISMATCH = FieldError("confirm", "The two passwords don't match.")
CONFLICT_STYLE = "background: #fff4e5; border: 1px solid #f0a202; border-radius: 4px; padding: 6px;"


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


def _form_error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.hide()
    return label


class _Dialog(QDialog):
    """Shared bones: a form, an error line for problems no field owns, OK/Cancel, remembered geometry."""

    saved = Signal(object)  # StaffMember

    def __init__(self, title: str, settings: QSettings, key: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._settings = settings
        self._key = key
        self.slots: dict[str, MessageSlot] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_error = _form_error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.setMinimumWidth(520)

    def _finish_layout(self, save: Callable[[], None]) -> None:
        """Each dialog saves in its own way; Save (and Enter) runs `save`."""
        self.buttons.accepted.connect(save)
        self.layout_.addWidget(self.form_error)
        self.layout_.addLayout(self.form)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.buttons)
        restore_geometry(self, self._settings, self._key)

    def _add(self, name: str, caption: str, widget: QWidget, required: bool = False) -> MessageSlot:
        slot = MessageSlot(widget, caption)
        self.slots[name] = slot
        add_row(self.form, caption, slot, required)
        return slot

    def _roles_box(self, chosen: frozenset[Role]) -> QFrame:
        box = QFrame()
        box.setObjectName("roles")
        grid = QGridLayout(box)
        grid.setContentsMargins(4, 4, 4, 4)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for i, role in enumerate(Role):
            check = QCheckBox(role.label)
            check.setChecked(role in chosen)
            self.role_boxes[role] = check
            grid.addWidget(check, i // 3, i % 3)
        slot = OutlinedSlot(box, "Roles", next(iter(self.role_boxes.values())), box)
        self.slots["roles"] = slot
        add_row(self.form, "Roles", slot, required=True)
        return box

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, check in self.role_boxes.items() if check.isChecked())

    def _submit(
        self, call: Callable[[], Outcome[StaffMember]], conflict: Callable[[ConflictError], None] | None = None
    ) -> None:
        """Run the service call; close with the saved account, or show why not and keep everything typed."""
        try:
            outcome = call()
        except ConflictError as error:
            if conflict is None:
                self.show_errors([FieldError("", str(error))])
            else:
                conflict(error)
            return
        except ValidationFailed as invalid:
            self.show_errors(invalid.errors)
            return
        except KapdeskError as error:
            self.show_errors([FieldError("", str(error))])
            return
        self.saved.emit(outcome.value)
        self.accept()

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.slots, errors, self.form_error)
        self.adjustSize()  # grow to fit the messages rather than clip them

    def done(self, result: int) -> None:
        save_geometry(self, self._settings, self._key)
        super().done(result)


class AddStaffDialog(_Dialog):
    def __init__(self, users: UserService, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__("Add staff account", settings, "add_staff_dialog", parent)
        self._users = users
        self.username = QLineEdit()
        self.username.setPlaceholderText("e.g. jlee")
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(120)
        self.credentials = QLineEdit()
        self.credentials.setMaxLength(40)
        self.credentials.setPlaceholderText("e.g. MD, NP, LCSW")
        self.password = _password_edit("Password")
        self.password.setPlaceholderText(PASSWORD_HINT)
        self.password.setToolTip(PASSWORD_HINT)
        self.confirm = _password_edit("Confirm password")
        self._add("username", "Username", self.username, required=True)
        self._add("full_name", "Full name", self.full_name, required=True)
        self._add("credentials", "Credentials", self.credentials)
        self._roles_box(frozenset())
        self._add("password", "Password", self.password, required=True)
        self._add("confirm", "Confirm password", self.confirm, required=True)
        for widget, name in ((self.username, "Username"), (self.full_name, "Full name"),
                             (self.credentials, "Credentials")):  # fmt: skip
            widget.setAccessibleName(name)
        self._finish_layout(self.save)
        self.username.setFocus()

    def save(self) -> None:
        username, name, password = self.username.text(), self.full_name.text(), self.password.text()
        if password != self.confirm.text():
            # Nothing goes to the service with a mistyped password, but every other problem is shown at once.
            errors = check_new_user(username.strip().lower(), name, self.roles)
            if problem := check_password(password, username=username, full_name=name):
                errors.append(FieldError("password", problem.message))
            self.show_errors([*errors, MISMATCH])
            return
        self._submit(lambda: self._users.add(username, name, self.roles, password, credentials=self.credentials.text()))


class EditStaffDialog(_Dialog):
    def __init__(
        self, users: UserService, member: StaffMember, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Edit {member.username}", settings, "edit_staff_dialog", parent)
        self._users = users
        self.member = member
        self.conflict = QLabel()
        self.conflict.setWordWrap(True)
        self.conflict.setStyleSheet(CONFLICT_STYLE)
        self.conflict.hide()
        self.layout_.addWidget(self.conflict)
        self.form.addRow("Username", QLabel(f"<b>{member.username}</b>"))
        self.full_name = QLineEdit(member.full_name)
        self.full_name.setMaxLength(120)
        self.full_name.setAccessibleName("Full name")
        self.credentials = QLineEdit(member.credentials)
        self.credentials.setMaxLength(40)
        self.credentials.setAccessibleName("Credentials")
        self._add("full_name", "Full name", self.full_name, required=True)
        self._add("credentials", "Credentials", self.credentials)
        self._roles_box(member.roles)
        self._finish_layout(self.save)
        self.full_name.setFocus()

    def save(self) -> None:
        self._submit(
            lambda: self._users.change(
                self.member.id, self.member.version, self.full_name.text(), self.roles, self.credentials.text()
            ),
            conflict=self._load_theirs,  # the dialog shows their version and the admin saves again
        )

    def _load_theirs(self, conflict: ConflictError) -> None:
        """Show what the other computer saved; the admin re-applies their change to it and saves again."""
        current = conflict.current
        assert isinstance(current, StaffMember)
        self.member = current
        self.full_name.setText(current.full_name)
        self.credentials.setText(current.credentials)
        for role, check in self.role_boxes.items():
            check.setChecked(role in current.roles)
        self.show_errors([])
        self.conflict.setText(
            f"{conflict.message} Nothing you typed has been saved. The form now shows their version: "
            "make your change again and press Save."
        )
        self.conflict.show()


class ResetPasswordDialog(_Dialog):
    def __init__(
        self, users: UserService, member: StaffMember, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Reset password for {member.username}", settings, "reset_password_dialog", parent)
        self._users = users
        self.member = member
        note = QLabel(
            f"Give {member.full_name or member.username} this temporary password in person. "
            "They will be asked to choose their own the next time they sign in."
        )
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.password = _password_edit("New password")
        self.password.setPlaceholderText(PASSWORD_HINT)
        self.confirm = _password_edit("Confirm new password")
        self._add("password", "New password", self.password, required=True)
        self._add("confirm", "Confirm", self.confirm, required=True)
        self._finish_layout(self.save)
        self.password.setFocus()

    def save(self) -> None:
        if self.password.text() != self.confirm.text():
            self.show_errors([MISMATCH])
            return
        self._submit(lambda: self._users.reset_password(self.member.username, self.password.text()))
