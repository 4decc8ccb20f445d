"""Booking a new appointment or opening a booked one: what it is, when, where, who, and what stands in its way.

A clash is answered in the dialog with what is in the way and buttons for the next free slots; hours warnings
ask for a reason, which is saved with the appointment. Nothing is saved until the service accepts the whole of it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.appointments import Appointment, Status, may_move_to
from kapdesk.domain.changes import Outcome
from kapdesk.domain.clashes import BookingConflict, OutsideHours
from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.domain.readiness import Readiness, State, describe
from kapdesk.domain.series import Repeat, Scope
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.schedule.booking_form import BookingFields
from kapdesk.ui.session.drafts import DraftRequest
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.validated_form import add_row

PROBLEM_STYLE = "background: #fff4e5; border: 1px solid #f0a202; border-radius: 4px; padding: 6px;"
READY_STYLE = "background: #eef5ee; border: 1px solid #9cc59c; border-radius: 4px; padding: 6px;"
STATUS_ACTIONS = (  # button text, the status it sets
    ("Check in", Status.ARRIVED),
    ("Completed", Status.COMPLETED),
    ("No-show", Status.NO_SHOW),
    ("Undo check-in", Status.SCHEDULED),
)


class BookingDialog(QDialog):
    """New (`appointment` None, with a suggested start, clinician and room) or existing."""

    def __init__(
        self,
        clinic: Clinic,
        bus: ChangeBus,
        settings: QSettings,
        zone: ZoneInfo,
        *,
        appointment: Appointment | None = None,
        readiness: Readiness | None = None,
        integration_warning: str = "",
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        clinician_id: int | None = None,
        room_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clinic = clinic
        self._bus = bus
        self._settings = settings
        self.appointment = appointment
        self.saved: list[Appointment] = []
        self.setWindowTitle("Appointment" if appointment else "Book an appointment")
        self.setMinimumWidth(560)
        self.fields = fields = BookingFields(clinic.schedule_setup.resources(), zone, clinic.patients.search)
        if appointment is not None:
            fields.fill_existing(appointment)
        elif starts_at is not None:
            fields.fill_new(starts_at, ends_at, clinician_id, room_id)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.slots: dict[str, MessageSlot] = {}
        for name, caption, widget, required in (
            ("patient", "Patient", fields.patient, True),
            ("type", "Kind", fields.type, True),
            ("clinicians", "Clinicians", fields.clinicians, True),
            ("room", "Room", fields.room, True),
            ("start", "When", fields.times, True),
            ("notes", "Notes", fields.notes, False),
        ):
            slot = MessageSlot(widget, caption, None if name != "start" else fields.start)
            self.slots[name] = slot
            add_row(form, caption, slot, required)
        self.slots["end"] = self.slots["start"]  # the end sits on the same row
        if appointment is None:
            self.slots["repeat"] = MessageSlot(fields.repeat_row, "Repeat")
            add_row(form, "Repeat", self.slots["repeat"])
        self.scope = QComboBox()
        self.scope.addItem("Only this appointment", Scope.ONE)
        self.scope.addItem("This and the following ones", Scope.FOLLOWING)
        if appointment is not None and appointment.series_id:
            form.addRow("Apply to", self.scope)

        self.problem = QLabel(wordWrap=True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        self.slot_buttons = QVBoxLayout()  # one free slot per line: day, time and room stay readable
        self.reason = QLineEdit(placeholderText="Why book it anyway? (kept with the appointment)")
        self.reason.setAccessibleName("Reason for booking outside hours")
        self.reason.hide()
        self.slots["reason"] = MessageSlot(self.reason, "Reason")
        self.slots["reason"].hide()
        self.form_error = QLabel(wordWrap=True)
        self.form_error.hide()

        layout = QVBoxLayout(self)
        if appointment is not None:
            layout.addWidget(self._status_panel(appointment, readiness, integration_warning))
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(self.slot_buttons)
        layout.addWidget(self.slots["reason"])
        layout.addWidget(self.form_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if appointment is not None and (not appointment.holds_time or appointment.status is Status.COMPLETED):
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        restore_geometry(self, settings, "booking_dialog")
        (fields.type if appointment else fields.patient).setFocus()
        self._as_opened = self._typed()

    def _typed(self) -> tuple[object, ...]:
        """What the user has entered, to tell whether closing would throw anything away."""
        f = self.fields
        return (f.draft(), f.repeat.isChecked(), f.every.value(), f.count.value(), self.reason.text())

    def _keeps_edits(self, doing: str) -> bool:
        """True if there is nothing unsaved, or the user agrees to drop it before `doing`."""
        return self._typed() == self._as_opened or may_discard(
            self, "Unsaved changes", f"Your changes to this appointment aren't saved. Discard them and {doing}?"
        )

    def draft_request(self) -> DraftRequest | None:
        """What to keep if someone else signs in now (DraftSource); None when nothing is unsaved."""
        if self._typed() == self._as_opened:
            return None
        texts = self.fields.texts() | {"appointment_id": str(self.appointment.id) if self.appointment else ""}
        patient = self.fields.patient.patient_id
        label = f"Appointment: {self.fields.patient.text() or 'no patient chosen yet'}"
        version = self.appointment.version if self.appointment else None
        return DraftRequest("appointment", patient, version, label[:200], texts)

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)

    def reject(self) -> None:
        if self._keeps_edits("close"):
            save_geometry(self, self._settings, "booking_dialog")
            super().reject()

    # -- saving ----------------------------------------------------------------------------------------

    def save(self) -> None:
        draft = self.fields.draft()
        reason = self.reason.text() if self.reason.isVisible() else ""
        try:
            if self.appointment is None:
                repeat = (
                    Repeat(self.fields.every.value(), self.fields.count.value())
                    if self.fields.repeat.isChecked()
                    else None
                )
                outcome = self._clinic.booking.book(draft, repeat=repeat, override_reason=reason)
            else:
                outcome = self._clinic.booking.change(
                    self.appointment.id,
                    self.appointment.version,
                    draft,
                    scope=Scope(self.scope.currentData()),
                    override_reason=reason,
                )
        except ValidationFailed as error:
            self._show_problem("")
            show_field_errors(self.slots, error.errors, self.form_error)
            if self.fields.patient.patient_id is None and any(e.field == "patient" for e in error.errors):
                self.slots["patient"].error.setText("Choose the patient from the list that appears as you type.")
            return
        except BookingConflict as error:
            self._show_conflict(error)
            return
        except OutsideHours as error:
            self._show_problem(f"{error.message}\nTo book it anyway, say why below and save again.")
            self.slots["reason"].show()
            self.reason.show()
            self.reason.setFocus()
            return
        except ConflictError as error:
            QMessageBox.warning(self, error.title, f"{error.message}\n\n{error.remedy}\nClose and open it again.")
            return
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, f"{error.message}\n\n{error.remedy}".strip())
            return
        self._done(outcome)

    def _done(self, outcome: Outcome[list[Appointment]]) -> None:
        self.saved = outcome.value
        self._bus.publish(outcome.changes)
        save_geometry(self, self._settings, "booking_dialog")
        self.accept()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        while self.slot_buttons.count():
            widget = self.slot_buttons.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def _show_conflict(self, error: BookingConflict) -> None:
        zone = self.fields.zone
        offer = "Free slots:" if error.suggestions else "No free slot in the next two weeks with these people."
        self._show_problem(f"{error.message}\n{offer}")
        rooms = {r.id: r.name for r in self.fields.resources.rooms}
        for slot in error.suggestions:
            start = slot.starts_at.astimezone(zone)
            button = QPushButton(f"Take {start:%a %m/%d at %H:%M} in {rooms.get(slot.room_id, '')}")
            button.setStyleSheet("text-align: left; padding: 3px 8px;")
            button.clicked.connect(lambda _=False, s=slot: self._take(s.starts_at, s.room_id))
            self.slot_buttons.addWidget(button)

    def _take(self, starts_at: datetime, room_id: int) -> None:
        self.fields.move_to(starts_at, room_id)
        self._show_problem("")

    # -- an existing appointment's status --------------------------------------------------------------

    def _status_panel(self, appointment: Appointment, readiness: Readiness | None, warning: str) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        state = appointment.status.label
        if appointment.cancel_reason:
            state += f" — {appointment.cancel_reason}"
        if appointment.override_reason:
            state += f"   (booked outside hours: {appointment.override_reason})"
        layout.addWidget(QLabel(f"<b>Status:</b> {state}"))
        notes = []
        if readiness is not None:
            for requirement in readiness.requirements:
                mark = "✔" if requirement.state is State.MET else "✘"
                notes.append(f"{mark} {describe(requirement)}")
        if warning:
            notes.append(f"⚠ {warning}")
        if notes:
            ready = QLabel("\n".join(notes), wordWrap=True)
            missing = readiness is not None and bool(readiness.lacking)
            ready.setStyleSheet(PROBLEM_STYLE if missing or warning else READY_STYLE)
            ready.setAccessibleName("Readiness")
            layout.addWidget(ready)
        actions = QHBoxLayout()
        for text, status in STATUS_ACTIONS:
            if may_move_to(appointment.status, status):
                button = QPushButton(text)
                button.clicked.connect(lambda _=False, s=status: self.set_status(s))
                actions.addWidget(button)
        if may_move_to(appointment.status, Status.CANCELLED):
            cancel = QPushButton("Cancel appointment…")
            cancel.clicked.connect(self.cancel_appointment)
            actions.addWidget(cancel)
        actions.addStretch(1)
        layout.addLayout(actions)
        return panel

    def set_status(self, status: Status) -> None:
        assert self.appointment is not None
        if not self._keeps_edits(f"mark it {status.label.lower()}"):
            return
        try:
            outcome = self._clinic.booking.set_status(self.appointment.id, self.appointment.version, status)
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, f"{error.message}\n\n{error.remedy}".strip())
            return
        self._done(Outcome([outcome.value], outcome.changes))

    def cancel_appointment(self) -> None:
        assert self.appointment is not None
        if not self._keeps_edits("cancel it"):
            return
        reason, ok = QInputDialog.getText(self, "Cancel appointment", "Why is it cancelled?")
        if not ok:
            return
        try:
            outcome = self._clinic.booking.cancel(
                self.appointment.id, self.appointment.version, reason, scope=Scope(self.scope.currentData())
            )
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, f"{error.message}\n\n{error.remedy}".strip())
            return
        self._done(outcome)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Enter in the patient search picks from the list; it must not save a half-filled form.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.fields.patient.hasFocus():
            return
        super().keyPressEvent(event)
