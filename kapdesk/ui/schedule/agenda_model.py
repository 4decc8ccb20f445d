"""The calendar as a list: one row per appointment, local times in the clinic's zone, warnings in words."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.appointments import Appointment
from kapdesk.ui.formatting import show_date
from kapdesk.ui.schedule import colours
from kapdesk.ui.widgets.rows_model import RowsTableModel

APPOINTMENT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Date", "Time", "Patient", "Kind", "Clinicians", "Room", "Status", "Warning")


class AgendaModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, APPOINTMENT_ROLE, self._cell, self._look)
        self._zone = ZoneInfo("UTC")
        self._flags: dict[int, str] = {}

    def set_rows(self, rows: list[Appointment], zone: ZoneInfo, flags: dict[int, str] | None = None) -> None:
        def keep_context() -> None:
            self._zone = zone
            self._flags = dict(flags or {})

        self._replace(sorted(rows, key=lambda a: (a.starts_at, a.id)), keep_context)

    def appointment_at(self, row: int) -> Appointment:
        return self._rows[row]

    def row_of(self, appointment_id: int) -> int | None:
        return self._find(lambda a: a.id == appointment_id)

    def _cell(self, appointment: Appointment, column: int) -> str:
        starts = appointment.starts_at.astimezone(self._zone)
        ends = appointment.ends_at.astimezone(self._zone)
        match column:
            case 0:
                return show_date(starts.date())
            case 1:
                return f"{starts:%H:%M}–{ends:%H:%M}"
            case 2:
                return appointment.patient_name
            case 3:
                return appointment.kind.label
            case 4:
                return ", ".join(appointment.clinician_names)
            case 5:
                return appointment.room_name
            case 6:
                return appointment.status.label
            case _:
                return self._flags.get(appointment.id, "")

    def _look(self, appointment: Appointment, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and not appointment.holds_time:
            return QBrush(colours.MUTED_TEXT)  # cancelled rows recede, as on the calendar
        if role == Qt.ItemDataRole.ForegroundRole and appointment.id in self._flags:
            return QBrush(QColor(colours.WARNING))
        if role == Qt.ItemDataRole.ToolTipRole and appointment.cancel_reason:
            return f"{appointment.status.label}: {appointment.cancel_reason}"
        return None
