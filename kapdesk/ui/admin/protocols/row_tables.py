"""The two small tables of a protocol: its phases (a run of doses at one rhythm) and the measures it asks for.

Each is a grid of inputs, one line per row, so Tab walks across a row and on to the next; a line is added
below and removed by its own button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.protocols import INSTRUMENTS, MAX_DOSES, MeasureDue, Phase, Timing
from kapdesk.ui.admin.schedule_setup.inputs import LimitedSpinBox

HEADER_STYLE = "color: #555555; font-weight: bold;"


class RowTable(QWidget):
    """A header line, one line of inputs per row, and an Add button under them."""

    edited = Signal()
    restacked = Signal()  # a line added or removed: the tab order around the table changes

    def __init__(self, headers: tuple[str, ...], add_text: str, what: str, add_blank: Callable[[], None]) -> None:
        super().__init__()
        self._what = what
        self._add_blank = add_blank
        self._lines: list[list[QWidget]] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(3)
        for column, header in enumerate(headers):
            label = QLabel(header)
            label.setStyleSheet(HEADER_STYLE)
            self.grid.addWidget(label, 0, column)
        self.grid.setColumnStretch(0, 1)
        self.empty = QLabel(f"No {what}s.")
        self.empty.setStyleSheet("color: #555555;")
        self.add_button = QPushButton(add_text)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.grid)
        column.addWidget(self.empty)
        column.addWidget(self.add_button)
        column.addStretch(1)

    @property
    def row_count(self) -> int:
        return len(self._lines)

    def clear(self) -> None:
        for line in self._lines:
            for widget in line:
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self._lines = []
        self.empty.show()

    def _append(self, inputs: list[QWidget]) -> None:
        number = len(self._lines) + 1
        remove = QPushButton("Remove")
        remove.setAutoDefault(False)
        remove.setAccessibleName(f"Remove {self._what} {number}")
        line = [*inputs, remove]
        remove.clicked.connect(lambda: self.remove_row(self._lines.index(line)))
        for column, widget in enumerate(line):
            self.grid.addWidget(widget, number, column)
            widget.show()  # now, not at the next event loop pass, so Add can put the cursor in it
        self._lines.append(line)
        self.empty.hide()
        self._restack()

    def remove_row(self, index: int) -> None:
        line = self._lines.pop(index)
        focus_next = self._lines[min(index, len(self._lines) - 1)][0] if self._lines else self.add_button
        for widget in line:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        # Lay the remaining lines out again, so no gap is left where the removed one was.
        for number, remaining in enumerate(self._lines, start=1):
            for column, widget in enumerate(remaining):
                self.grid.addWidget(widget, number, column)
        self.empty.setVisible(not self._lines)
        self._restack()
        focus_next.setFocus()
        self.edited.emit()

    def chain(self) -> list[QWidget]:
        """Tab order: along each line, line by line, then the Add button."""
        return [widget for line in self._lines for widget in line] + [self.add_button]

    def _restack(self) -> None:
        self.restacked.emit()

    def _add_clicked(self) -> None:
        self._add_blank()
        self._lines[-1][0].setFocus()
        self.edited.emit()

    def _watch(self, widget: QLineEdit | QSpinBox | QDoubleSpinBox | QComboBox) -> QWidget:
        """Report any change typed into `widget` as an edit of the table."""
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self.edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.edited)
        else:
            widget.valueChanged.connect(self.edited)
        return widget


class PhasesTable(RowTable):
    def __init__(self) -> None:
        headers = ("Phase", "Fewest doses", "Most doses", "Per week", "")
        super().__init__(headers, "Add &phase", "phase", lambda: self.add_phase(Phase("", 1, 1, 1)))

    def set_phases(self, phases: tuple[Phase, ...]) -> None:
        self.clear()
        for phase in phases:
            self.add_phase(phase)

    def add_phase(self, phase: Phase) -> None:
        number = self.row_count + 1
        name = QLineEdit(phase.name)
        name.setAccessibleName(f"Phase {number} name")
        name.setMaxLength(80)
        fewest = LimitedSpinBox(1, MAX_DOSES, 1, "", f"Phase {number} fewest doses")
        fewest.setValue(phase.doses_min)
        most = LimitedSpinBox(1, MAX_DOSES, 1, "", f"Phase {number} most doses")
        most.setValue(phase.doses_max)
        per_week = QDoubleSpinBox()
        per_week.setAccessibleName(f"Phase {number} doses per week")
        per_week.setDecimals(2)
        per_week.setRange(0, 99)
        per_week.setSingleStep(0.5)
        per_week.setValue(phase.per_week)
        self._append([self._watch(w) for w in (name, fewest, most, per_week)])

    def phases(self) -> tuple[Phase, ...]:
        return tuple(
            Phase(name.text(), fewest.value(), most.value(), per_week.value())  # type: ignore[attr-defined]
            for name, fewest, most, per_week, _remove in self._lines
        )


class MeasuresTable(RowTable):
    def __init__(self) -> None:
        super().__init__(
            ("Measure", "When", ""),
            "Add &measure",
            "measure",
            lambda: self.add_measure(MeasureDue(INSTRUMENTS[0], Timing.BEFORE_EACH_DOSE)),
        )

    def set_measures(self, measures: tuple[MeasureDue, ...]) -> None:
        self.clear()
        for measure in measures:
            self.add_measure(measure)

    def add_measure(self, measure: MeasureDue) -> None:
        number = self.row_count + 1
        instrument = QComboBox()
        instrument.setAccessibleName(f"Measure {number}")
        instrument.addItems(INSTRUMENTS)
        instrument.setCurrentIndex(INSTRUMENTS.index(measure.instrument) if measure.instrument in INSTRUMENTS else 0)
        timing = QComboBox()
        timing.setAccessibleName(f"Measure {number} timing")
        for choice in Timing:
            timing.addItem(choice.label, choice.value)  # Qt hands a StrEnum back as a plain str
        timing.setCurrentIndex(list(Timing).index(measure.timing))
        self._append([self._watch(instrument), self._watch(timing)])

    def measures(self) -> tuple[MeasureDue, ...]:
        return tuple(
            MeasureDue(instrument.currentText(), Timing(timing.currentData()))  # type: ignore[attr-defined]
            for instrument, timing, _remove in self._lines
        )
