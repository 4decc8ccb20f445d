"""Each clinician's working hours (the clinic's, or their own) and their time off."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.opening_hours import Availability, validate_hours
from kapdesk.domain.staff import Clinician
from kapdesk.services.schedule_setup import ScheduleResources, ScheduleSetupService
from kapdesk.ui.admin.schedule_setup.clinic_hours import say_zone, zone_label
from kapdesk.ui.admin.schedule_setup.save_bar import SaveBar
from kapdesk.ui.admin.schedule_setup.time_off import TimeOffPanel
from kapdesk.ui.admin.schedule_setup.week_hours import Hours, WeekHoursEditor, show_refusal
from kapdesk.ui.widgets.confirm import may_discard

NO_CLINICIANS = "No clinicians yet: give a staff account a clinical role (Admin ▸ Staff accounts) to set their hours."


class ClinicianHoursSection(QWidget):
    def __init__(self, service: ScheduleSetupService, publish: Callable[[Changes], None]) -> None:
        super().__init__()
        self._service = service
        self._publish = publish
        self._availability: Availability | None = None
        self._clinicians: list[Clinician] = []
        self._shown: Clinician | None = None  # whose hours the form holds
        self._saved_own: Hours | None = None  # their saved own hours; None when they work the clinic's

        self.clinician = QComboBox()
        self.clinician.setAccessibleName("Clinician")
        self.clinician.setMinimumContentsLength(24)
        picker_label = QLabel("&Clinician")
        picker_label.setBuddy(self.clinician)
        self.zone = zone_label()
        self.empty = QLabel(NO_CLINICIANS)
        self.empty.setWordWrap(True)
        self.empty.hide()

        hours_box = QGroupBox("Working hours")
        self.follows_clinic = QRadioButton("Works the clinic's &hours")
        self.own_hours = QRadioButton("&Own hours")
        modes = QButtonGroup(self)
        modes.addButton(self.follows_clinic)
        modes.addButton(self.own_hours)
        self.hours = WeekHoursEditor("Works")
        self.bar = SaveBar(hours_box)
        hours_column = QVBoxLayout(hours_box)
        hours_column.addWidget(self.follows_clinic)
        hours_column.addWidget(self.own_hours)
        hours_column.addWidget(self.hours)
        hours_column.addStretch(1)
        hours_column.addWidget(self.bar)
        self.hours_box = hours_box
        self.time_off = TimeOffPanel(service, publish)

        picker = QHBoxLayout()
        picker.addWidget(picker_label)
        picker.addWidget(self.clinician)
        picker.addWidget(self.zone, 1)
        boxes = QHBoxLayout()
        boxes.addWidget(hours_box, 0)
        boxes.addWidget(self.time_off, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addWidget(self.empty)
        layout.addLayout(boxes, 1)

        self.clinician.currentIndexChanged.connect(self._picked)
        self.own_hours.toggled.connect(self._mode_changed)
        self.hours.edited.connect(self._edited)
        self.bar.save_button.clicked.connect(self.save)
        self.bar.revert_button.clicked.connect(self.revert)

    # -- what is shown -------------------------------------------------------------------------------

    def show_setup(self, resources: ScheduleResources, availability: Availability) -> None:
        """Refresh the lists; unsaved hours stay as typed (the clinician stays picked)."""
        self._availability = availability
        say_zone(self.zone, availability)
        self._clinicians = [c for c in resources.clinicians if c.active]
        keep = self._shown.id if self._shown else None
        self.clinician.blockSignals(True)
        self.clinician.clear()
        for clinician in self._clinicians:
            self.clinician.addItem(clinician.label, clinician.id)
        index = self.clinician.findData(keep) if keep is not None else -1
        self.clinician.setCurrentIndex(index if index >= 0 else 0)
        self.clinician.blockSignals(False)
        current = self._current()
        if current is None or current.id != keep or not self.is_edited():
            self._show(current)
        else:
            self._shown = current  # the same person, perhaps renamed; their typed hours stay
            self.time_off.show_periods(current, availability.time_off, availability.zone)
        self.empty.setVisible(not self._clinicians)
        self.hours_box.setEnabled(bool(self._clinicians))

    def forget(self) -> None:
        self._availability = None
        self._clinicians = []
        self._shown = None
        self._saved_own = None
        self.clinician.blockSignals(True)
        self.clinician.clear()
        self.clinician.blockSignals(False)
        self.hours.set_hours({})
        self.bar.say("")
        self.zone.setText("")
        self.time_off.forget()

    def _current(self) -> Clinician | None:
        index = self.clinician.currentIndex()
        return self._clinicians[index] if 0 <= index < len(self._clinicians) else None

    def _show(self, clinician: Clinician | None) -> None:
        """Load this clinician's saved hours and time off into the form."""
        availability = self._availability
        if availability is None:
            return
        self._shown = clinician
        own = availability.working.get(clinician.id) if clinician else None
        self._saved_own = dict(own.days) if own is not None else None
        self._set_mode(self._saved_own)
        self.time_off.show_periods(clinician, availability.time_off, availability.zone)

    def _set_mode(self, own: Hours | None) -> None:
        for button in (self.own_hours, self.follows_clinic):
            button.blockSignals(True)
        (self.own_hours if own is not None else self.follows_clinic).setChecked(True)
        for button in (self.own_hours, self.follows_clinic):
            button.blockSignals(False)
        self._show_hours(own)

    def _show_hours(self, own: Hours | None) -> None:
        """Own hours to edit, or the clinic's for reference (greyed: they follow whatever the clinic sets)."""
        clinic = self._availability.clinic.days if self._availability else {}
        self.hours.set_hours(own if own is not None else clinic)
        self.hours.setEnabled(own is not None)

    # -- editing -------------------------------------------------------------------------------------

    def typed_own(self) -> Hours | None:
        return self.hours.hours() if self.own_hours.isChecked() else None

    def is_edited(self) -> bool:
        return self._shown is not None and self.typed_own() != self._saved_own

    def _picked(self, _index: int) -> None:
        """Switching clinician with unsaved hours asks first; Cancel keeps the form and the clinician."""
        if self.is_edited() and self._shown is not None:
            name = self._shown.full_name
            if not may_discard(self, "Unsaved working hours", f"{name}'s working hours have changed and are not "
                               "saved. Discard the changes and show another clinician?"):  # fmt: skip
                self.clinician.blockSignals(True)
                self.clinician.setCurrentIndex(self.clinician.findData(self._shown.id))
                self.clinician.blockSignals(False)
                return
        self.bar.say("")
        self._show(self._current())

    def _mode_changed(self, own: bool) -> None:
        # Own hours start from the clinic's, which the form already shows; the clinic's are never edited here.
        if own:
            self.hours.setEnabled(True)
        else:
            self._show_hours(None)
        self._edited()

    def _edited(self) -> None:
        if self.is_edited():
            self.bar.edited()
        else:
            self.bar.say("")

    def revert(self) -> None:
        self._set_mode(self._saved_own)
        self.bar.say("")

    def save(self) -> None:
        clinician = self._shown
        if clinician is None:
            return
        own = self.typed_own()
        if own is not None and (errors := validate_hours(own)):
            self._refused(ValidationFailed(errors))
            return
        if not self.is_edited():
            self.bar.say("Nothing has changed.")
            return
        try:
            outcome = self._service.set_working_hours(clinician.id, own)
        except KapdeskError as error:
            self._refused(error)
            return
        self._saved_own = own  # the saved hours are now the ones to compare with
        self.bar.saved()
        self._publish(outcome.changes)

    def _refused(self, error: KapdeskError) -> None:
        show_refusal(self.hours, self.bar, error)
