"""Seven weekday rows of hours: open or not, from and to. Used for the clinic's hours and a clinician's own."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QWidget

from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.opening_hours import WEEKDAYS
from kapdesk.ui.admin.fields import as_sentence
from kapdesk.ui.admin.schedule_setup.dialog import error_words
from kapdesk.ui.admin.schedule_setup.inputs import QuarterHourEdit
from kapdesk.ui.admin.schedule_setup.save_bar import SaveBar
from kapdesk.ui.widgets.validated_form import ERROR_LABEL_STYLE, INVALID_STYLE

Hours = dict[int, tuple[time, time]]
FALLBACK_TIMES = (time(9), time(17))  # what a newly ticked day offers when no day is open to copy from


class DayRow:
    """One weekday's widgets, with the outline and message that say what is wrong with that day."""

    def __init__(self, weekday: int, open_word: str) -> None:
        name = WEEKDAYS[weekday]
        self.weekday = weekday
        self.label = QLabel(name)
        self.open = QCheckBox(open_word)
        self.open.setAccessibleName(f"{open_word} on {name}")
        self.opens = QuarterHourEdit(f"{name} from")
        self.closes = QuarterHourEdit(f"{name} until")
        self.times = QFrame()
        self.times.setObjectName(f"times_{name.lower()}")
        line = QHBoxLayout(self.times)
        line.setContentsMargins(2, 2, 2, 2)
        line.addWidget(self.opens)
        line.addWidget(QLabel("to"))
        line.addWidget(self.closes)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_LABEL_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.open.toggled.connect(self._enable_times)
        self._enable_times(False)

    def _enable_times(self, on: bool) -> None:
        self.opens.setEnabled(on)
        self.closes.setEnabled(on)

    def set_times(self, hours: tuple[time, time]) -> None:
        self.opens.setTime(QTime(hours[0].hour, hours[0].minute))
        self.closes.setTime(QTime(hours[1].hour, hours[1].minute))

    @property
    def hours(self) -> tuple[time, time]:
        return self.opens.time().toPython(), self.closes.time().toPython()

    def show_error(self, message: str) -> None:
        self.times.setStyleSheet(f"#{self.times.objectName()} {{ {INVALID_STYLE} }}")
        self.error.setText(as_sentence(message))
        self.error.show()
        self.closes.setAccessibleDescription(message)

    def clear_error(self) -> None:
        self.times.setStyleSheet("")
        self.error.hide()
        self.closes.setAccessibleDescription("")

    @property
    def has_error(self) -> bool:
        return not self.error.isHidden()


class WeekHoursEditor(QWidget):
    edited = Signal()  # any tick or time changed by the user

    def __init__(self, open_word: str) -> None:
        super().__init__()
        self.rows = [DayRow(day, open_word) for day in range(7)]
        self._saved: Hours = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(3, 1)
        for row in self.rows:
            line = row.weekday * 2  # the message sits under its day, in a row that takes no room when hidden
            grid.addWidget(row.label, line, 0)
            grid.addWidget(row.open, line, 1)
            grid.addWidget(row.times, line, 2)
            grid.addWidget(row.error, line + 1, 1, 1, 3)
            for signal in (row.open.toggled, row.opens.timeChanged, row.closes.timeChanged):
                signal.connect(lambda *_: self.edited.emit())

    def set_hours(self, hours: Hours) -> None:
        """Show these hours as the saved ones; days not open show the first open day's times, ready to tick."""
        self._saved = dict(hours)
        spare = next((hours[d] for d in sorted(hours)), FALLBACK_TIMES)
        for row in self.rows:
            for widget in (row.open, row.opens, row.closes):
                widget.blockSignals(True)
            row.open.setChecked(row.weekday in hours)
            row.set_times(hours.get(row.weekday, spare))
            for widget in (row.open, row.opens, row.closes):
                widget.blockSignals(False)
            row.opens.setEnabled(row.weekday in hours)
            row.closes.setEnabled(row.weekday in hours)
            row.clear_error()

    def hours(self) -> Hours:
        return {row.weekday: row.hours for row in self.rows if row.open.isChecked()}

    def is_edited(self) -> bool:
        return self.hours() != self._saved

    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Each day's problem at that day's row; returns the ones no day owns. Focus goes to the first."""
        by_field = {WEEKDAYS[row.weekday].lower(): row for row in self.rows}
        unplaced = []
        first: DayRow | None = None
        for row in self.rows:
            row.clear_error()
        for error in errors:
            row = by_field.get(error.field)
            if row is None:
                unplaced.append(error)
                continue
            row.show_error(error.message)
            first = first or row
        if first is not None:
            first.closes.setFocus()
        return unplaced

    def day(self, weekday: int) -> DayRow:
        return self.rows[weekday]


def show_refusal(editor: WeekHoursEditor, bar: SaveBar, error: KapdeskError) -> None:
    """A refused save of weekly hours: errors at their day rows, anything else on the save bar."""
    if isinstance(error, ValidationFailed) and not editor.show_errors(error.errors):
        bar.refused()
        return
    editor.show_errors([])
    bar.refused(f"Not saved: {error_words(error)}")
