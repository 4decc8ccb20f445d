"""Discontinue a course: the reason is required, and the dialog says which booked sessions will be cancelled."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.courses import CourseStatus, SessionState
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.services.courses import CourseService
from kapdesk.ui.clinical.course_details import show_field_error
from kapdesk.ui.clinical.course_timeline import show_when
from kapdesk.ui.widgets.message_styles import ERROR_BOX, WARNING_BOX
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row


class DiscontinueDialog(QDialog):
    discontinued = Signal(object)  # Outcome[CourseView]

    def __init__(
        self, service: CourseService, view: CourseView, zone: ZoneInfo, now: datetime, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._course = view.course
        self.setWindowTitle("Discontinue course")
        ahead = [
            s
            for s in self._course.sessions
            if s.state is SessionState.BOOKED and s.starts_at is not None and s.starts_at > now
        ]
        self.consequence = QLabel()
        self.consequence.setWordWrap(True)
        self.consequence.setStyleSheet(WARNING_BOX)
        if ahead:
            listed = "".join(f"<br>• {s.key.label} — {show_when(s.starts_at, zone)}" for s in ahead)
            self.consequence.setText(
                f"The {len(ahead)} booked session{'s' if len(ahead) != 1 else ''} still to come will be "
                f"cancelled:{listed}"
            )
        else:
            self.consequence.setText("No booked session is still to come; nothing will be cancelled.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why the course stops (patient's choice, adverse event, no response…)")
        self.reason.setFixedHeight(70)
        self.reason_slot = FieldSlot(self.reason, "Reason")
        form = QFormLayout()
        add_row(form, "&Reason", self.reason_slot, required=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("&Discontinue course", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>Discontinue {escape(self._course.label)}?</b>"))
        layout.addWidget(self.consequence)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.reason.setFocus()

    def submit(self) -> bool:
        self.reason_slot.clear_error()
        self.message.hide()
        try:
            outcome = self._service.set_status(
                self._course.id, self._course.version, CourseStatus.DISCONTINUED, self.reason.toPlainText()
            )
        except ValidationFailed as failure:
            for error in failure.errors:
                if error.field == "reason":
                    show_field_error(self.reason_slot, error.message)
                    self.reason.setFocus()
                else:
                    self._say(error.message)
            return False
        except KapdeskError as error:  # a conflict, or refused
            self._say(f"{error.title}: {error}")
            return False
        self.discontinued.emit(outcome)
        self.accept()
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
