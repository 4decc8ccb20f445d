"""A thin table model over PatientSummary rows; the service does the searching."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.contacts import format_phone
from kapdesk.domain.patients import PatientSummary, age_on
from kapdesk.ui.formatting import show_date

PATIENT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Chart no.", "Name", "Date of birth", "Age", "Phone", "Status")

_Index = QModelIndex | QPersistentModelIndex


class PatientTableModel(QAbstractTableModel):
    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self._rows: list[PatientSummary] = []
        self._today = today or date.today()

    def set_rows(self, rows: list[PatientSummary], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        self._today = today or self._today  # ages stay right past midnight
        self.endResetModel()

    def patient_at(self, row: int) -> PatientSummary:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        return next((i for i, p in enumerate(self._rows) if p.id == patient_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        patient = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(patient, index.column())
        if role == PATIENT_ROLE:
            return patient
        if role == Qt.ItemDataRole.ForegroundRole and patient.archived:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[index.column()]}: {self._text(patient, index.column())}"
        return None

    def _text(self, patient: PatientSummary, column: int) -> str:
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
