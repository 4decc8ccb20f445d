"""The chart's Appointments tab: every appointment of one patient, newest first, with status and warnings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import KapdeskError
from kapdesk.services.calendar import CalendarService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.schedule.agenda_model import AgendaModel


class PatientAppointments(QWidget):
    """Oldest first, scrolled to the next one to come. Loads when shown, and when appointments change while
    it is shown: each load is an audited read."""

    def __init__(self, calendar: CalendarService, zone_name: str, patient_id: int, bus: ChangeBus) -> None:
        super().__init__()
        self._calendar = calendar
        self._zone = ZoneInfo(zone_name)
        self.patient_id = patient_id
        self.model = AgendaModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._stale = True
        bus.changed.connect(self._changed)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self._stale:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        try:
            appointments = self._calendar.for_patient(self.patient_id)
        except KapdeskError as error:
            self.summary.setText(error.message)
            return
        self._stale = False
        self.model.set_rows(appointments, self._zone)
        now = self._calendar.now()
        upcoming = sorted((a for a in appointments if a.holds_time and a.starts_at >= now), key=lambda a: a.starts_at)
        if upcoming:  # past ones above, the next one in view
            row = self.model.row_of(upcoming[0].id)
            self.table.scrollTo(self.model.index(row or 0, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self.summary.setText(f"{len(appointments)} appointments · {len(upcoming)} to come")

    def _changed(self, changes: Changes) -> None:
        if changes.appointments:
            self._stale = True
            if self.isVisible():
                self.reload()
