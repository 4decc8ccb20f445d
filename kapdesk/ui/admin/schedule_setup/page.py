"""Schedule set-up: rooms, appointment types, clinic hours and closed days, clinicians' hours and time off.

Every tab shows one read of the set-up; each save publishes its Changes, and any set-up change (here or from
another view) re-reads it. Forms with unsaved hours keep what was typed through such a refresh.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QTabWidget

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import KapdeskError
from kapdesk.services.schedule_setup import ScheduleSetupService
from kapdesk.ui.admin.schedule_setup.appointment_types import TypesSection
from kapdesk.ui.admin.schedule_setup.clinic_hours import ClinicHoursSection
from kapdesk.ui.admin.schedule_setup.clinician_hours import ClinicianHoursSection
from kapdesk.ui.admin.schedule_setup.rooms import RoomsSection
from kapdesk.ui.changes import ChangeBus


class ScheduleSetupPage(QTabWidget):
    def __init__(self, service: ScheduleSetupService, bus: ChangeBus, settings: QSettings) -> None:
        super().__init__()
        self._service = service
        self.rooms = RoomsSection(service, settings, bus.publish)
        self.types = TypesSection(service, settings, bus.publish)
        self.clinic_hours = ClinicHoursSection(service, bus.publish)
        self.clinicians = ClinicianHoursSection(service, bus.publish)
        self.addTab(self.rooms, "Rooms")
        self.addTab(self.types, "Appointment types")
        self.addTab(self.clinic_hours, "Clinic hours && closed days")
        self.addTab(self.clinicians, "Clinicians' hours && time off")
        bus.changed.connect(self._changed)
        self._stale = True  # read when first shown, once someone is signed in

    @property
    def sections(self) -> tuple[RoomsSection, TypesSection, ClinicHoursSection, ClinicianHoursSection]:
        return self.rooms, self.types, self.clinic_hours, self.clinicians

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.load()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self.load()

    def forget(self) -> None:
        """Signed out: close the dialogs and drop what was shown, unsaved hours included."""
        for section in self.sections:
            section.forget()
        self._stale = True

    def load(self) -> None:
        try:
            resources = self._service.resources()
            availability = self._service.availability()
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return
        for section in self.sections:
            section.show_setup(resources, availability)
        self._stale = False

    def _changed(self, changes: Changes) -> None:
        if changes.schedule_setup:
            self.invalidate()
