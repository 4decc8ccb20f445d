"""Staff accounts: who can sign in, in which roles; add, edit, disable or enable, reset a password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.staff import StaffMember
from kapdesk.services.users import UserService
from kapdesk.ui.admin.fields import as_sentence
from kapdesk.ui.admin.staff_dialogs import AddStaffDialog, EditStaffDialog, ResetPasswordDialog
from kapdesk.ui.admin.staff_model import StaffTableModel


class StaffScreen(QWidget):
    listed = Signal(list)  # list[StaffMember], after each successful read

    def __init__(self, users: UserService, settings: QSettings, time_zone: Callable[[], str]) -> None:
        super().__init__()
        self._users = users
        self._settings = settings
        self._time_zone = time_zone  # asked on each refresh: the admin may change it on the Clinic tab
        self.dialog: AddStaffDialog | EditStaffDialog | ResetPasswordDialog | None = None

        self.model = StaffTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Staff accounts")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.status = QLabel()
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.toggle_button = QPushButton("&Disable…")
        self.reset_button = QPushButton("&Reset password…")

        self.add_action = QAction("&Add staff account…", self)
        self.edit_action = QAction("&Edit staff account…", self)
        self.toggle_action = QAction("&Disable staff account…", self)
        self.reset_action = QAction("&Reset staff password…", self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.add_button, self.edit_button, self.toggle_button, self.reset_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        for trigger, slot in (
            (self.add_button.clicked, self.add),
            (self.add_action.triggered, self.add),
            (self.edit_button.clicked, self.edit_selected),
            (self.edit_action.triggered, self.edit_selected),
            (self.toggle_button.clicked, self.toggle_selected),
            (self.toggle_action.triggered, self.toggle_selected),
            (self.reset_button.clicked, self.reset_selected),
            (self.reset_action.triggered, self.reset_selected),
        ):
            trigger.connect(lambda *_, slot=slot: slot())
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self._stale = True  # the list is read when first shown, once someone is signed in
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def forget(self) -> None:
        """Signed out: close any open form and drop the list."""
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self.model.set_rows([], "UTC")
        self.status.setText("")
        self._stale = True
        self._update_actions()

    def refresh(self, select: str | None = None) -> None:
        keep = select or (member.username if (member := self.selected()) else None)
        try:
            members = self._users.list()
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return
        self.model.set_rows(members, self._time_zone())
        self._stale = False
        self.listed.emit(members)
        row = self.model.row_of(keep) if keep else None
        self.table.selectRow(row if row is not None else 0)
        active = sum(1 for m in members if m.active)
        self.status.setText(f"{len(members)} account{'s' if len(members) != 1 else ''}, {active} active")
        self._update_actions()

    def selected(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.member_at(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        member = self.selected()
        for widget in (self.edit_button, self.edit_action, self.toggle_button, self.toggle_action,
                       self.reset_button, self.reset_action):  # fmt: skip
            widget.setEnabled(member is not None)
        enable = member is not None and not member.active
        self.toggle_button.setText("E&nable" if enable else "&Disable…")
        self.toggle_action.setText("E&nable staff account" if enable else "&Disable staff account…")

    # -- actions -----------------------------------------------------------------------------------

    def add(self) -> AddStaffDialog:
        dialog = AddStaffDialog(self._users, self._settings, self.window())
        return self._open(dialog)

    def edit_selected(self) -> EditStaffDialog | None:
        member = self.selected()
        return self._open(EditStaffDialog(self._users, member, self._settings, self.window())) if member else None

    def reset_selected(self) -> ResetPasswordDialog | None:
        member = self.selected()
        if member is None:
            return None
        return self._open(ResetPasswordDialog(self._users, member, self._settings, self.window()))

    def _open(self, dialog):  # type: ignore[no-untyped-def]
        self.dialog = dialog
        dialog.saved.connect(lambda member: self.refresh(select=member.username))
        dialog.open()
        return dialog

    def toggle_selected(self) -> None:
        """Disabling asks first (the person is locked out at once); enabling just does it."""
        member = self.selected()
        if member is None:
            return
        if member.active:
            answer = QMessageBox.question(
                self,
                "Disable staff account",
                f"Disable {member.username} ({member.full_name})? They will not be able to sign in until an "
                "admin enables the account again. Their records and history are kept.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        verb = "disable" if member.active else "enable"
        try:
            outcome = self._users.disable(member.username) if member.active else self._users.enable(member.username)
        except ValidationFailed as invalid:
            reasons = " ".join(as_sentence(e.message) for e in invalid.errors)
            QMessageBox.warning(self, f"Can't {verb} {member.username}", reasons)
            self.refresh()
            return
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            self.refresh()
            return
        self.refresh(select=outcome.value.username)
