"""Exporting the schedule as an iCalendar file, as `kapdesk export ics` does: dates, whose, and how much to say."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.services.clinic import Clinic
from kapdesk.services.schedule_setup import ScheduleResources
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.pdf_output import save_file
from kapdesk.ui.widgets.validated_form import add_row


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day), calendarPopup=True)
    edit.setDisplayFormat("MM/dd/yyyy")
    return edit


class ExportDialog(QDialog):
    def __init__(self, clinic: Clinic, resources: ScheduleResources, first: date, last: date, parent: QWidget) -> None:
        super().__init__(parent)
        self._clinic = clinic
        self.setWindowTitle("Export calendar")
        self.first = _date_edit(first)
        self.last = _date_edit(last)
        self.who = QComboBox()
        self.who.addItem("Whole clinic", None)
        for clinician in resources.clinicians:
            self.who.addItem(clinician.label, clinician.username)
        self.names = QCheckBox("Full patient names (otherwise initials only; keep such a file private)")
        self.error = QLabel(wordWrap=True)
        self.error.hide()
        self.slots = {"from": MessageSlot(self.first, "From"), "to": MessageSlot(self.last, "To")}
        form = QFormLayout()
        add_row(form, "From", self.slots["from"])
        add_row(form, "To", self.slots["to"])
        form.addRow("Whose", self.who)
        form.addRow("", self.names)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Writes an .ics file that Outlook, Google Calendar and Apple Calendar can import.", wordWrap=True)
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def export(self) -> None:
        first, last = self.first.date().toPython(), self.last.date().toPython()
        try:
            data = self._clinic.schedule_print.export_ics(
                first,  # type: ignore[arg-type]
                last,  # type: ignore[arg-type]
                clinician_username=self.who.currentData(),
                include_names=self.names.isChecked(),
            )
        except ValidationFailed as error:
            show_field_errors(self.slots, error.errors, self.error)
            return
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, error.message)
            return
        if save_file(self, data, f"kapdesk-{first}-to-{last}.ics", "iCalendar files (*.ics)") is not None:
            self.accept()
