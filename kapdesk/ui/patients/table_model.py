"""A thin table model over PatientSummary rows; the service does the searching."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.contacts import format_phone
from kapdesk.domain.patients import PatientSummary, age_on
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.rows_model import RowsTableModel

PATIENT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Chart no.", "Name", "Date of birth", "Age", "Phone", "Status")


class PatientTableModel(RowsTableModel):
    def __init__(self, today: date | None = None) -> None:
        super().__init__(COLUMNS, PATIENT_ROLE, self._cell, self._look)
        self._today = today or date.today()

    def set_rows(self, rows: list[PatientSummary], today: date | None = None) -> None:
        def keep_today() -> None:
            self._today = today or self._today  # ages stay right past midnight

        self._replace(rows, keep_today)

    def patient_at(self, row: int) -> PatientSummary:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        return self._find(lambda p: p.id == patient_id)

    def _look(self, patient: PatientSummary, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and patient.archived:
            return QBrush(QColor("#777777"))
        return None

    def _cell(self, patient: PatientSummary, column: int) -> str:
        match column:
            case 0:
                return patient.chart_number
            case 1:
                return patient.display_name
            case 2:
                return show_date(patient.date_of_birth)
            case 3:
                return str(age_on(patient.date_of_birth, self._today))
            case 4:
                return format_phone(patient.phone)
            case _:
                return "Archived" if patient.archived else "Active"
