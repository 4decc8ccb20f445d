"""Marking a measure entered in error: a reason is required; the measure stays on the record, struck through."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kapdesk.domain.errors import ConflictError, FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.outcomes import REASON_MAX, Measure, OutcomeService
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.widgets.validated_form import add_row


class EnteredInErrorDialog(QDialog):
    saved = Signal(object)  # Outcome[Measure]

    def __init__(self, service: OutcomeService, measure: Measure, zone: ZoneInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Entered in error")
        self._service, self._measure = service, measure
        taken = to_local(measure.taken_at, zone)
        intro = QLabel(
            f"Mark the {measure.instrument} taken {taken:%m/%d/%Y %H:%M} as entered in error.\n"
            "It stays on the record, struck through, and no longer counts towards scores or due measures."
        )
        intro.setWordWrap(True)
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText("e.g. another patient's form, typed twice, wrong date")
        self.reason.setAccessibleName("Reason")
        self.slots = {"reason": MessageSlot(self.reason, "Reason")}
        form = QFormLayout()
        add_row(form, "&Reason", self.slots["reason"], required=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form_error)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus()

    def save(self) -> bool:
        try:
            outcome = self._service.mark_entered_in_error(self._measure.id, self._measure.version, self.reason.text())
        except ValidationFailed as failure:
            show_field_errors(self.slots, failure.errors, self.form_error)
            return False
        except ConflictError as conflict:  # the list behind the form is out of date: reloading it is the way on
            self._problem(f"{conflict.message} Close this form; the list shows what is on record now.")
            return False
        except KapdeskError as error:
            self._problem(f"{error.title}: {error}")
            return False
        self.saved.emit(outcome)
        self.accept()
        return True

    def _problem(self, text: str) -> None:
        show_field_errors(self.slots, [FieldError("", text)], self.form_error)
