"""Days the clinic is closed (holidays, training days): list, add with a reason, reopen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import FieldError, KapdeskError
from kapdesk.domain.opening_hours import Availability
from kapdesk.services.schedule_setup import ScheduleSetupService
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.admin.schedule_setup.dialog import error_words
from kapdesk.ui.admin.schedule_setup.inputs import DATE_FORMAT, rows_table, selected_row
from kapdesk.ui.admin.schedule_setup.save_bar import SAVED_STYLE
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.rows_model import RowsTableModel
from kapdesk.ui.widgets.validated_form import add_row

DAY_ROLE = Qt.ItemDataRole.UserRole + 1
REASON_MAX = 120  # what the service keeps
ClosedDay = tuple[date, str, bool]  # day, reason, already past


class ClosedDaysModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(("Date", "Reason"), DAY_ROLE, _cell, _look)

    def set_rows(self, days: dict[date, str], today: date) -> None:
        self._replace([(day, reason, day < today) for day, reason in sorted(days.items())])

    def day_at(self, row: int) -> date:
        return self._rows[row][0]

    def row_of(self, day: date) -> int | None:
        return self._find(lambda item: item[0] == day)


def _cell(item: ClosedDay, column: int) -> str:
    day, reason, _past = item
    return f"{day:%a} {show_date(day)}" if column == 0 else reason


def _look(item: ClosedDay, role: int) -> object:
    if role == Qt.ItemDataRole.ForegroundRole and item[2]:
        return QBrush(QColor("#777777"))
    return None


class ClosedDaysPanel(QGroupBox):
    def __init__(self, service: ScheduleSetupService, publish: Callable[[Changes], None]) -> None:
        super().__init__("Closed days")
        self._service = service
        self._publish = publish
        self._closed: dict[date, str] = {}
        self._today = date.today()
        self._fresh = True  # the date field starts at the clinic's today when first filled

        self.model = ClosedDaysModel()
        self.table = rows_table(self.model, "Closed days", stretch=1)
        self.reopen_button = QPushButton("Re&open")
        self.reopen_button.setToolTip("Take the selected day off the list: the clinic keeps its usual hours then")

        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DATE_FORMAT)
        self.day.setAccessibleName("Day to close")
        self.day.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText("e.g. Thanksgiving")
        self.reason.setAccessibleName("Reason")
        self.close_button = QPushButton("C&lose this day")
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.slots = {"day": MessageSlot(self.day, "Day"), "reason": MessageSlot(self.reason, "Reason")}
        form = QFormLayout()
        add_row(form, "&Day", self.slots["day"], required=True)
        add_row(form, "Rea&son", self.slots["reason"])

        under_table = QHBoxLayout()
        under_table.addWidget(self.status, 1)
        under_table.addWidget(self.reopen_button)
        adding = QHBoxLayout()
        adding.addStretch(1)
        adding.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.addWidget(self.table, 1)
        column.addLayout(under_table)
        column.addWidget(self.form_error)
        column.addLayout(form)
        column.addLayout(adding)

        self.close_button.clicked.connect(self.close_day)
        self.reason.returnPressed.connect(self.close_day)
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def show_days(self, availability: Availability) -> None:
        keep = self.selected()
        today = datetime.now(UTC).astimezone(availability.zone).date()
        if self._fresh:
            self.day.setDate(QDate(today.year, today.month, today.day))
            self._fresh = False
        self._today = today
        self._closed = dict(availability.closed_days)
        self.model.set_rows(self._closed, today)
        row = self.model.row_of(keep) if keep else None
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def forget(self) -> None:
        self._closed = {}
        self._fresh = True
        self.model.set_rows({}, self._today)
        self.reason.clear()
        self.status.setText("")
        show_field_errors(self.slots, [], self.form_error, focus=False)
        self._update_buttons()

    def selected(self) -> date | None:
        row = selected_row(self.table)
        return self.model.day_at(row) if row is not None else None

    def _update_buttons(self) -> None:
        self.reopen_button.setEnabled(self.selected() is not None)

    def close_day(self) -> None:
        day: date = self.day.date().toPython()
        if day < self._today:
            self._refused([FieldError("day", "That day has already passed; choose today or a later day.")])
            return
        reason = self.reason.text().strip()
        if day in self._closed and self._closed[day] == reason:
            self._refused([FieldError("day", "The clinic is already closed that day.")])
            return
        updating = day in self._closed
        try:
            outcome = self._service.set_closed_day(day, reason)
        except KapdeskError as error:
            self._refused([FieldError("", error_words(error))])
            return
        show_field_errors(self.slots, [], self.form_error, focus=False)
        self.reason.clear()
        self._done(f"{show_date(day)}: reason changed." if updating else f"Closed on {show_date(day)}.")
        self._publish(outcome.changes)
        row = self.model.row_of(day)
        if row is not None:
            self.table.selectRow(row)

    def reopen_selected(self) -> None:
        day = self.selected()
        if day is None:
            return
        try:
            outcome = self._service.set_closed_day(day, "", closed=False)
        except KapdeskError as error:
            QMessageBox.warning(self, "Can't reopen the day", error_words(error))
            return
        self._done(f"Open again on {show_date(day)} (usual hours).")
        self._publish(outcome.changes)

    def _done(self, text: str) -> None:
        self.status.setStyleSheet(SAVED_STYLE)
        self.status.setText(text)

    def _refused(self, errors: list[FieldError]) -> None:
        self.status.setText("")
        show_field_errors(self.slots, errors, self.form_error)
