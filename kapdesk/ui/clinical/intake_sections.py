"""The intake tab's boxes: a list with its buttons, weight and height (kept on the patient), and baseline vitals."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout

from kapdesk.domain.intake import Intake, Vitals
from kapdesk.domain.screening import Limits, vitals_flags
from kapdesk.domain.wall_clock import to_local
from kapdesk.ui.admin.schedule_setup.inputs import rows_table, selected_row
from kapdesk.ui.clinical.intake_models import EntriesModel
from kapdesk.ui.formatting import show_date

MOST_ROWS = 6  # a list grows to this many rows before it scrolls
HINT_STYLE = "color: #555555;"
FLAG_STYLE = "color: #b71c1c; font-weight: bold;"
EARLIER_SHOWN = 3


class ListSection(QGroupBox):
    """A titled list of entries with its buttons underneath, as tall as its rows (up to MOST_ROWS)."""

    def __init__(self, title: str, model: EntriesModel, stretch: int, buttons: list[QPushButton]) -> None:
        """`stretch` is the column that takes the spare width."""
        super().__init__(title)
        self.model = model
        self.table: QTableView = rows_table(model, title, stretch)
        self.empty = QLabel(f"No {title.lower()} recorded.")
        self.empty.setStyleSheet(HINT_STYLE)
        row = QHBoxLayout()
        row.addWidget(self.empty)
        row.addStretch(1)
        for button in buttons:
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def show_rows(self, rows: list[Any]) -> None:
        keep = entry.id if (entry := self.selected()) else None
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        shown = min(max(len(rows), 1), MOST_ROWS)
        height = (
            self.table.horizontalHeader().sizeHint().height() + shown * self.table.verticalHeader().defaultSectionSize()
        )
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectRow(row)

    def selected(self) -> Any:
        row = selected_row(self.table)
        return self.model.entry_at(row) if row is not None else None


class MeasuresBox(QGroupBox):
    """Weight and height with the dates they were taken; they belong to the patient's details."""

    def __init__(self) -> None:
        super().__init__("Weight && height")
        self.values = QLabel()
        self.values.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel("Edited with “Edit details…” at the top of the chart.")
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.values)
        layout.addWidget(hint)

    def show_intake(self, intake: Intake) -> None:
        def measure(name: str, value: float | None, unit: str, on: date | None) -> str:
            if value is None:
                return f"{name}: not recorded"
            return f"{name}: {value:g} {unit}" + (f" (recorded {show_date(on)})" if on else "")

        self.values.setText(
            measure("Weight", intake.weight_kg, "kg", intake.weight_recorded_on)
            + "\n"
            + measure("Height", intake.height_cm, "cm", intake.height_recorded_on)
        )


class VitalsBox(QGroupBox):
    """The latest reading in bold with what in it is past the clinic's limits, a few earlier ones under it, times
    on the clinic's clock."""

    def __init__(self, zone: ZoneInfo, limits: Limits, record: QPushButton) -> None:
        super().__init__("Baseline vitals")
        self._zone = zone
        self._limits = limits
        self.latest = QLabel()
        self.latest.setWordWrap(True)
        self.latest.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(FLAG_STYLE)
        self.flags.setAccessibleName("Vitals past the clinic's limits")
        self.earlier = QLabel()
        self.earlier.setStyleSheet(HINT_STYLE)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.latest)
        layout.addWidget(self.flags)
        layout.addWidget(self.earlier)
        layout.addLayout(row)

    def show_vitals(self, vitals: tuple[Vitals, ...]) -> None:
        if not vitals:
            self.latest.setText("None recorded yet.")
            self.flags.hide()
            self.earlier.hide()
            return
        self.latest.setText(f"<b>{self.words(vitals[0])}</b>")
        flags = vitals_flags(vitals[0], self._limits)
        self.flags.setText("\n".join(f"⚠ {flag}." for flag in flags))
        self.flags.setVisible(bool(flags))
        earlier = [self.words(v) for v in vitals[1 : 1 + EARLIER_SHOWN]]
        self.earlier.setText("Earlier:\n" + "\n".join(earlier))
        self.earlier.setVisible(bool(earlier))

    def words(self, v: Vitals) -> str:
        parts = [f"BP {v.systolic}/{v.diastolic} mmHg"]
        parts += [f"pulse {v.heart_rate}/min"] if v.heart_rate is not None else []
        parts += [f"SpO2 {v.spo2}%"] if v.spo2 is not None else []
        taken = to_local(v.taken_at, self._zone)
        return f"{' · '.join(parts)} — {show_date(taken.date())} {taken:%H:%M}"
