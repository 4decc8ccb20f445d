"""The audit trail's filter bar: who, which patient, what, and when. Nothing is queried until Apply."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from kapdesk.domain.audit import Action
from kapdesk.domain.errors import FieldError
from kapdesk.domain.staff import StaffMember
from kapdesk.ui.admin.fields import MessageSlot, clear_field_errors, show_field_errors

ANYONE = "Anyone"
ANY_ACTION = "Any action"
DATE_FORMAT = "MM/dd/yyyy"
DEFAULT_DAYS_BACK = 30


class AuditFilters(QGroupBox):
    applied = Signal()  # the user asked for these filters (Apply, Enter, or Reset)

    def __init__(self) -> None:
        super().__init__("Filter events")
        # Editable: the trail also names accounts that aren't staff ("setup", "cli:<name>"), so any name can be typed.
        self.user = QComboBox()
        self.user.setEditable(True)
        self.user.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.user.setMinimumContentsLength(16)
        self.user.setAccessibleName("User")
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("Chart no., e.g. KD-000123")
        self.patient.setClearButtonEnabled(True)
        self.patient.setAccessibleName("Patient chart number")
        self.action = QComboBox()
        self.action.addItem(ANY_ACTION, "")
        for action in sorted(Action, key=lambda a: a.label):
            self.action.addItem(action.label, action.value)
        self.action.setAccessibleName("Action")
        self.use_start = QCheckBox("&From")
        self.use_end = QCheckBox("&To")
        self.start = self._date_edit("From date")
        self.end = self._date_edit("To date")
        self.apply_button = QPushButton("&Apply")
        self.apply_button.setDefault(True)
        self.reset_button = QPushButton("Rese&t")

        self.error = QLabel()  # errors for a field the bar has no slot for
        self.error.hide()
        self.slots: dict[str, MessageSlot] = {
            "user": MessageSlot(self.user, "User"),
            "patient": MessageSlot(self.patient, "Patient"),
            "action": MessageSlot(self.action, "Action"),
            "start": MessageSlot(self.start, "Start date"),
            "end": MessageSlot(self.end, "End date"),
        }
        grid = QGridLayout(self)
        captions = {
            "user": self._caption("&User", self.user),
            "patient": self._caption("&Patient", self.patient),
            "action": self._caption("Actio&n", self.action),
            "start": self.use_start,
            "end": self.use_end,
        }
        for column, (key, caption) in enumerate(captions.items()):
            grid.addWidget(caption, 0, column)
            grid.addWidget(self.slots[key], 1, column)
        grid.addWidget(self.apply_button, 1, 5)
        grid.addWidget(self.reset_button, 1, 6)
        grid.addWidget(self.error, 2, 0, 1, 7)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 2)
        self.setTabOrder(self.user, self.patient)
        self.setTabOrder(self.patient, self.action)
        self.setTabOrder(self.action, self.use_start)
        self.setTabOrder(self.use_start, self.start)
        self.setTabOrder(self.start, self.use_end)
        self.setTabOrder(self.use_end, self.end)
        self.setTabOrder(self.end, self.apply_button)

        self.use_start.toggled.connect(self.start.setEnabled)
        self.use_end.toggled.connect(self.end.setEnabled)
        self.apply_button.clicked.connect(self.applied)
        self.reset_button.clicked.connect(self.reset)
        self.patient.returnPressed.connect(self.applied)
        self.user.lineEdit().returnPressed.connect(self.applied)
        self.set_time_zone("UTC")

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _date_edit(name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setAccessibleName(name)
        edit.setEnabled(False)
        return edit

    def set_users(self, members: list[StaffMember]) -> None:
        typed = self.user.currentText()
        self.user.clear()
        self.user.addItem(ANYONE, "")
        for member in members:
            self.user.addItem(f"{member.username} ({member.full_name})", member.username)
        self.user.setCurrentText(typed or ANYONE)

    def set_time_zone(self, zone: str) -> None:
        """Dates are the clinic's dates: 'today' at the front desk, not on the server or in UTC."""
        self._today = datetime.now(ZoneInfo(zone)).date()
        self._default_dates()

    # -- values ------------------------------------------------------------------------------------

    @property
    def username(self) -> str:
        text = self.user.currentText().strip()
        found = self.user.findText(text)
        return str(self.user.itemData(found)) if found >= 0 else text

    @property
    def action_value(self) -> str:
        return str(self.action.currentData() or "")

    @property
    def start_date(self) -> date | None:
        return self.start.date().toPython() if self.use_start.isChecked() else None  # type: ignore[return-value]

    @property
    def end_date(self) -> date | None:
        return self.end.date().toPython() if self.use_end.isChecked() else None  # type: ignore[return-value]

    def reset(self) -> None:
        self.clear()
        self.applied.emit()

    def clear(self) -> None:
        """Back to "everything", without asking for it (a signed-out screen must not query)."""
        self.user.setCurrentIndex(0)
        self.user.setCurrentText(ANYONE)
        self.patient.clear()
        self.action.setCurrentIndex(0)
        self.use_start.setChecked(False)
        self.use_end.setChecked(False)
        self._default_dates()
        self.clear_errors()

    def _default_dates(self) -> None:
        """Unticked dates wait at the last month, so ticking one starts from a useful day."""
        if not self.use_start.isChecked():
            self.start.setDate(_qdate(self._today - timedelta(days=DEFAULT_DAYS_BACK)))
        if not self.use_end.isChecked():
            self.end.setDate(_qdate(self._today))

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.slots, errors, self.error)

    def clear_errors(self) -> None:
        clear_field_errors(self.slots, self.error)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
