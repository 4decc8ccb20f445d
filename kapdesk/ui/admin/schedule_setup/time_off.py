"""One clinician's time off: current and upcoming periods in clinic time; add one, withdraw one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.opening_hours import TimeOff
from kapdesk.domain.staff import Clinician
from kapdesk.domain.wall_clock import day_start, to_local, to_utc
from kapdesk.services.schedule_setup import ScheduleSetupService
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.admin.schedule_setup.dialog import error_words
from kapdesk.ui.admin.schedule_setup.inputs import WallClockEdit, rows_table, selected_row
from kapdesk.ui.admin.schedule_setup.save_bar import SAVED_STYLE
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.rows_model import RowsTableModel
from kapdesk.ui.widgets.validated_form import add_row

OFF_ROLE = Qt.ItemDataRole.UserRole + 1
REASON_MAX = 120  # what the service keeps
DAY = timedelta(days=1)
GAP_MESSAGE = "The clocks go forward then, so that time doesn't exist; choose a time an hour later."


def period_words(off: TimeOff, zone: ZoneInfo) -> tuple[str, str]:
    """From and to in clinic time. Whole days read as days: "Tue 12/01/2026" to "Fri 12/04/2026 (whole day)"."""
    start, end = to_local(off.starts_at, zone), to_local(off.ends_at, zone)
    if start.time() == end.time() == time(0) and end > start:
        last = (end - DAY).date()
        return f"{start:%a} {show_date(start.date())}", f"{last:%a} {show_date(last)} (whole day)"
    return (f"{start:%a} {show_date(start.date())} {start:%H:%M}", f"{end:%a} {show_date(end.date())} {end:%H:%M}")


class TimeOffModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(("From", "To", "Reason"), OFF_ROLE, self._cell)
        self._zone = ZoneInfo("UTC")

    def set_rows(self, periods: list[TimeOff], zone: ZoneInfo) -> None:
        def use_zone() -> None:
            self._zone = zone

        self._replace(sorted(periods, key=lambda off: off.starts_at), use_zone)

    def period_at(self, row: int) -> TimeOff:
        return self._rows[row]

    def row_of(self, time_off_id: int) -> int | None:
        return self._find(lambda off: off.id == time_off_id)

    def _cell(self, off: TimeOff, column: int) -> str:
        return off.reason if column == 2 else period_words(off, self._zone)[column]


class TimeOffPanel(QGroupBox):
    def __init__(self, service: ScheduleSetupService, publish: Callable[[Changes], None]) -> None:
        super().__init__("Time off")
        self._service = service
        self._publish = publish
        self._clinician: Clinician | None = None
        self._zone = ZoneInfo("UTC")
        self._fresh = True  # the dates start at tomorrow's working day when first filled

        self.model = TimeOffModel()
        self.table = rows_table(self.model, "Current and upcoming time off", stretch=2)
        self.withdraw_button = QPushButton("&Withdraw…")
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.starts = WallClockEdit("Time off from")
        self.ends = WallClockEdit("Time off until")
        self.whole_days = QCheckBox("W&hole days")
        self.whole_days.setToolTip("From the start of the first day to the end of the last")
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText("e.g. Vacation, conference")
        self.reason.setAccessibleName("Reason for time off")
        self.add_button = QPushButton("Add &time off")
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.slots = {
            "start": MessageSlot(self.starts, "From"),
            "end": MessageSlot(self.ends, "Until"),
            "reason": MessageSlot(self.reason, "Reason"),
        }
        form = QFormLayout()
        add_row(form, "&From", self.slots["start"], required=True)
        add_row(form, "&Until", self.slots["end"], required=True)
        form.addRow("", self.whole_days)
        add_row(form, "Rea&son", self.slots["reason"])

        under_table = QHBoxLayout()
        under_table.addWidget(self.status, 1)
        under_table.addWidget(self.withdraw_button)
        adding = QHBoxLayout()
        adding.addStretch(1)
        adding.addWidget(self.add_button)
        column = QVBoxLayout(self)
        column.addWidget(QLabel("Current and upcoming:"))
        column.addWidget(self.table, 1)
        column.addLayout(under_table)
        column.addWidget(self.form_error)
        column.addLayout(form)
        column.addLayout(adding)

        self.whole_days.toggled.connect(self._whole_days)
        self.add_button.clicked.connect(self.add)
        self.reason.returnPressed.connect(self.add)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def show_periods(self, clinician: Clinician | None, time_off: tuple[TimeOff, ...], zone: ZoneInfo) -> None:
        """Periods that haven't ended yet; past ones matter to nobody setting up the calendar."""
        keep = off.id if (off := self.selected()) and clinician == self._clinician else None
        if clinician != self._clinician:
            show_field_errors(self.slots, [], self.form_error, focus=False)
            self.status.setText("")
        self._clinician, self._zone = clinician, zone
        self.setTitle(f"Time off for {clinician.full_name}" if clinician else "Time off")
        now = datetime.now(UTC)
        mine = [o for o in time_off if clinician and o.user_id == clinician.id and o.ends_at > now]
        self.model.set_rows(mine, zone)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectRow(row)
        if self._fresh:
            tomorrow = to_local(now, zone).date() + DAY
            self.starts.set_wall_clock(datetime.combine(tomorrow, time(9)))
            self.ends.set_wall_clock(datetime.combine(tomorrow, time(17)))
            self._fresh = False
        self.setEnabled(clinician is not None)
        self._update_buttons()

    def forget(self) -> None:
        self._clinician = None
        self._fresh = True
        self.model.set_rows([], self._zone)
        self.reason.clear()
        self.status.setText("")
        show_field_errors(self.slots, [], self.form_error, focus=False)

    def selected(self) -> TimeOff | None:
        row = selected_row(self.table)
        return self.model.period_at(row) if row is not None else None

    def _update_buttons(self) -> None:
        self.withdraw_button.setEnabled(self.selected() is not None)

    def _whole_days(self, whole: bool) -> None:
        self.starts.show_time(not whole)
        self.ends.show_time(not whole)

    def typed_period(self) -> tuple[datetime | None, datetime | None, list[FieldError]]:
        """The typed period as UTC instants, or the reasons it can't be one."""
        start, end = self.starts.wall_clock(), self.ends.wall_clock()
        if self.whole_days.isChecked():
            starts_at, ends_at = day_start(start.date(), self._zone), day_start(end.date() + DAY, self._zone)
        else:
            starts_at, ends_at = to_utc(start, self._zone), to_utc(end, self._zone)
        errors = [FieldError(field, GAP_MESSAGE) for field, at in (("start", starts_at), ("end", ends_at)) if not at]
        return starts_at, ends_at, errors

    def add(self) -> None:
        clinician = self._clinician
        if clinician is None:
            return
        starts_at, ends_at, errors = self.typed_period()
        if errors:
            self._refused(errors)
            return
        try:
            outcome = self._service.add_time_off(clinician.id, starts_at, ends_at, self.reason.text())  # type: ignore[arg-type]
        except ValidationFailed as invalid:
            self._refused(invalid.errors)
            return
        except KapdeskError as error:
            self._refused([FieldError("", error_words(error))])
            return
        show_field_errors(self.slots, [], self.form_error, focus=False)
        self.reason.clear()
        self._done(f"Time off added for {clinician.full_name}.")
        self._publish(outcome.changes)
        row = self.model.row_of(outcome.value.id)
        if row is not None:
            self.table.selectRow(row)

    def withdraw_selected(self) -> None:
        off, clinician = self.selected(), self._clinician
        if off is None or clinician is None:
            return
        start, end = period_words(off, self._zone)
        answer = QMessageBox.question(
            self,
            "Withdraw time off",
            f"Withdraw {clinician.full_name}'s time off from {start} to {end}? They can be booked then again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            outcome = self._service.cancel_time_off(off.id)
        except KapdeskError as error:
            QMessageBox.warning(self, "Can't withdraw the time off", error_words(error))
            return
        self._done("Time off withdrawn.")
        self._publish(outcome.changes)

    def _done(self, text: str) -> None:
        self.status.setStyleSheet(SAVED_STYLE)
        self.status.setText(text)

    def _refused(self, errors: list[FieldError]) -> None:
        self.status.setText("")
        show_field_errors(self.slots, errors, self.form_error)
