"""The clinic's weekly opening hours and its closed days, in the clinic's own time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.opening_hours import Availability, validate_hours
from kapdesk.domain.wall_clock import zone_words
from kapdesk.services.schedule_setup import ScheduleResources, ScheduleSetupService
from kapdesk.ui.admin.schedule_setup.closed_days import ClosedDaysPanel
from kapdesk.ui.admin.schedule_setup.save_bar import SaveBar
from kapdesk.ui.admin.schedule_setup.week_hours import WeekHoursEditor, show_refusal


def zone_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #555555;")
    return label


def say_zone(label: QLabel, availability: Availability) -> None:
    label.setText(f"Hours are the clinic's local time: {zone_words(availability.time_zone, datetime.now(UTC))}.")


class ClinicHoursSection(QWidget):
    def __init__(self, service: ScheduleSetupService, publish: Callable[[Changes], None]) -> None:
        super().__init__()
        self._service = service
        self._publish = publish
        self._availability: Availability | None = None

        self.zone = zone_label()
        self.hours = WeekHoursEditor("Open")
        hours_box = QGroupBox("Opening hours")
        self.bar = SaveBar(hours_box)
        hours_column = QVBoxLayout(hours_box)
        hours_column.addWidget(self.hours)
        hours_column.addStretch(1)
        hours_column.addWidget(self.bar)
        self.closed_days = ClosedDaysPanel(service, publish)

        boxes = QHBoxLayout()
        boxes.addWidget(hours_box, 0)
        boxes.addWidget(self.closed_days, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.zone)
        layout.addLayout(boxes, 1)

        self.hours.edited.connect(self._edited)
        self.bar.save_button.clicked.connect(self.save)
        self.bar.revert_button.clicked.connect(self.revert)

    def show_setup(self, resources: ScheduleResources, availability: Availability) -> None:
        """Unsaved hours stay as typed when someone else's change refreshes the page."""
        self._availability = availability
        say_zone(self.zone, availability)
        if not self.hours.is_edited():
            self.hours.set_hours(availability.clinic.days)
        self.closed_days.show_days(availability)

    def forget(self) -> None:
        self._availability = None
        self.hours.set_hours({})
        self.bar.say("")
        self.zone.setText("")
        self.closed_days.forget()

    def is_edited(self) -> bool:
        return self.hours.is_edited()

    def _edited(self) -> None:
        if self.hours.is_edited():
            self.bar.edited()
        else:
            self.bar.say("")

    def revert(self) -> None:
        if self._availability is not None:
            self.hours.set_hours(self._availability.clinic.days)
        self.bar.say("")

    def save(self) -> None:
        days = self.hours.hours()
        if errors := validate_hours(days):
            self._refused(ValidationFailed(errors))
            return
        if not self.hours.is_edited():
            self.bar.say("Nothing has changed.")
            return
        try:
            outcome = self._service.set_clinic_hours(days)
        except KapdeskError as error:
            self._refused(error)
            return
        self.hours.set_hours(outcome.value.days)  # the saved hours are now the ones to compare with
        self.bar.saved()
        self._publish(outcome.changes)

    def _refused(self, error: KapdeskError) -> None:
        show_refusal(self.hours, self.bar, error)
