"""The prescriber's signature on a screening: what they are signing, in full, and for "eligible with precautions" a
tick that they have reviewed each precaution. Once signed, the screening never changes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.domain.screening import Result
from kapdesk.domain.screening_record import ScreeningRecord
from kapdesk.services.screening import ScreeningService
from kapdesk.ui.clinical.screening_look import RESULT_COLOURS, box_style, reasons_html
from kapdesk.ui.formatting import show_timestamp
from kapdesk.ui.widgets.message_styles import ERROR_BOX


class SignScreeningDialog(QDialog):
    signed = Signal(object)  # Outcome[ScreeningRecord]

    def __init__(self, service: ScreeningService, record: ScreeningRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._record = record
        result = record.assessment.result
        self.setWindowTitle("Sign this screening?")

        heading = QLabel(
            f"Screening recorded {show_timestamp(record.created_at)} by {escape(record.created_by_name)}:<br>"
            f"<span style='font-size: 16px; font-weight: bold;'>{result.label}</span>"
        )
        heading.setObjectName("heading")
        heading.setStyleSheet(box_style(RESULT_COLOURS[result], "#heading") + " #heading { padding: 8px; }")
        self.reasons = QLabel(reasons_html(record.assessment.reasons))
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.acknowledge = QCheckBox("I have &reviewed these precautions")
        self.acknowledge.setVisible(result is Result.PRECAUTIONS)
        consequence = {
            Result.ELIGIBLE: "Signing makes the patient eligible for dosing until the screening expires.",
            Result.PRECAUTIONS: "Signing makes the patient eligible for dosing, with these precautions, until the "
            "screening expires.",
            Result.NOT_ELIGIBLE: "Signing records that the patient is not eligible: dosing stays blocked.",
        }[result]
        footnote = QLabel(f"{consequence} A signed screening can't be changed; if the facts change, record a new one.")
        footnote.setWordWrap(True)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton("&Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        self.acknowledge.toggled.connect(self._allow)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.reasons)
        layout.addWidget(self.acknowledge)
        layout.addWidget(footnote)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._allow()
        (self.acknowledge if self.acknowledge.isVisibleTo(self) else self.buttons.button(
            QDialogButtonBox.StandardButton.Cancel
        )).setFocus()  # fmt: skip

    def _allow(self) -> None:
        needs = self._record.assessment.result is Result.PRECAUTIONS
        self.sign_button.setEnabled(not needs or self.acknowledge.isChecked())

    def sign(self) -> bool:
        if not self.sign_button.isEnabled():
            return False
        try:
            outcome = self._service.sign(
                self._record.id, self._record.version, acknowledge_precautions=self.acknowledge.isChecked()
            )
        except ValidationFailed as failure:
            self._say(" ".join(e.message for e in failure.errors))
            return False
        except ConflictError as conflict:
            self._say(f"{conflict.message} Read it again before signing; nothing was signed.")
            self.sign_button.setEnabled(False)
            return False
        except KapdeskError as error:
            self._say(f"{error.title}: {error}")
            return False
        self.signed.emit(outcome)
        self.accept()
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
