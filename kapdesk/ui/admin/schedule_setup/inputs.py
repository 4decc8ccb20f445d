"""The inputs the set-up screens share: quarter-hour times, limited spin boxes, plain read-only tables."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QHeaderView,
    QSpinBox,
    QTableView,
    QTimeEdit,
)

from kapdesk.ui.widgets.rows_model import RowsTableModel

DATE_FORMAT = "MM/dd/yyyy"  # as kapdesk shows dates everywhere (ui/formatting.py)
STEP_MINUTES = 15
LAST_QUARTER = 23 * 60 + 45
TYPING_ROOM = 9999  # how far past its limits a number may be typed, so a wrong one is explained, not swallowed


def _quarter_step(edit: QDateTimeEdit, steps: int) -> bool:
    """Move the minutes by whole quarter hours (08:05 goes up to 08:15, down to 08:00); False if the cursor
    is not in the minutes, for the edit's own stepping."""
    if edit.currentSection() != QDateTimeEdit.Section.MinuteSection:
        return False
    minutes = edit.time().hour() * 60 + edit.time().minute()
    quarter = minutes // STEP_MINUTES if steps > 0 else -(-minutes // STEP_MINUTES)
    moved = min(max((quarter + steps) * STEP_MINUTES, 0), LAST_QUARTER)
    edit.setTime(QTime(moved // 60, moved % 60))
    return True


class QuarterHourEdit(QTimeEdit):
    """A 24-hour time whose minute arrows move in quarter hours (any minute may still be typed)."""

    def __init__(self, accessible_name: str) -> None:
        super().__init__()
        self.setDisplayFormat("HH:mm")
        self.setAccessibleName(accessible_name)

    def stepBy(self, steps: int) -> None:
        if not _quarter_step(self, steps):
            super().stepBy(steps)


class WallClockEdit(QDateTimeEdit):
    """A date and 24-hour time on the clinic's wall clock, with a calendar and quarter-hour minute arrows.

    The edit works in UTC so it never skips or doubles an hour of this computer's own zone; the caller
    reads it as a naive clinic time and converts it with the clinic's zone.
    """

    def __init__(self, accessible_name: str) -> None:
        super().__init__()
        self.setTimeZone(QTimeZone.utc())
        self.setCalendarPopup(True)
        self._kept_time = QTime(0, 0)
        self.show_time(True)
        self.setAccessibleName(accessible_name)
        # As wide as a date and time, in either format: stretched reads badly, and its size hint is not
        # recomputed when the format drops the time.
        self.setFixedWidth(self.sizeHint().width())

    def show_time(self, shown: bool) -> None:
        if not shown:
            self._kept_time = self.time()  # a format without the time resets it to midnight
        self.setDisplayFormat(f"{DATE_FORMAT} HH:mm" if shown else DATE_FORMAT)
        if shown:
            self.setTime(self._kept_time)

    def wall_clock(self) -> datetime:
        value = self.dateTime()
        return datetime.combine(value.date().toPython(), value.time().toPython())

    def set_wall_clock(self, value: datetime) -> None:
        self.setDateTime(QDateTime(QDate(value.year, value.month, value.day),
                                   QTime(value.hour, value.minute), QTimeZone.utc()))  # fmt: skip

    def stepBy(self, steps: int) -> None:
        if not _quarter_step(self, steps):
            super().stepBy(steps)


class LimitedSpinBox(QSpinBox):
    """Arrows stay within the limits; typing may go beyond them so Save can say what the limits are.

    A spin box ranged to the limits would silently refuse the keystroke that makes "1000", leaving "100".
    """

    def __init__(self, minimum: int, maximum: int, step: int, suffix: str, accessible_name: str) -> None:
        super().__init__()
        self.limits = (minimum, maximum)
        self.setRange(0, max(TYPING_ROOM, maximum))
        self.setSingleStep(step)
        self.setSuffix(suffix)
        self.setAccessibleName(accessible_name)

    def stepBy(self, steps: int) -> None:
        low, high = self.limits
        self.setValue(min(max(self.value() + steps * self.singleStep(), low), high))

    def stepEnabled(self) -> QSpinBox.StepEnabledFlag:
        low, high = self.limits
        flags = QSpinBox.StepEnabledFlag.StepNone
        if self.value() > low:
            flags |= QSpinBox.StepEnabledFlag.StepDownEnabled
        if self.value() < high:
            flags |= QSpinBox.StepEnabledFlag.StepUpEnabled
        return flags


def rows_table(model: RowsTableModel, accessible_name: str, stretch: int) -> QTableView:
    """A single-selection, read-only table of `model`; column `stretch` takes the spare width."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons; arrows move between rows
    table.setAccessibleName(accessible_name)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def selected_row(table: QTableView) -> int | None:
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else None
