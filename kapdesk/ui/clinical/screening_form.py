"""Record a new eligibility screening or revise an unsigned one. The result is previewed live with the same pure rule
the service stores (`assess`), so the screener sees every reason as they tick; problems show at their field and
nothing is saved until everything reads."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import ConflictError, FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.screening import Answers, Limits, Pregnancy, assess
from kapdesk.domain.screening_record import ScreeningRecord, ScreeningSigned
from kapdesk.services.screening import ScreeningService
from kapdesk.ui.clinical.screening_fields import AnswerFields
from kapdesk.ui.clinical.screening_look import RESULT_COLOURS, box_style, reasons_html
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.message_styles import ERROR_BOX


class ScreeningForm(QDialog):
    saved = Signal(object)  # Outcome[ScreeningRecord]

    def __init__(
        self,
        service: ScreeningService,
        patient_id: int,
        answers: Answers,
        limits: Limits,
        *,
        pregnancy_asked: bool,
        record: ScreeningRecord | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """A new screening starting from `answers` (the service's prefill), or a revision of `record`. `limits`
        are the clinic's, so the preview agrees with what saving stores."""
        super().__init__(parent)
        self._service = service
        self._patient_id = patient_id
        self._limits = limits
        self._record = record
        self._settings = settings
        self.setWindowTitle("Revise screening" if record else "New eligibility screening")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()
        self.fields = AnswerFields(answers, record, pregnancy_asked=pregnancy_asked)

        self.preview = QFrame()
        self.preview.setObjectName("preview")
        self.preview_title = QLabel()
        self.preview_title.setStyleSheet("font-size: 16px; font-weight: bold; border: none;")
        self.preview_reasons = QLabel()
        self.preview_reasons.setWordWrap(True)
        self.preview_reasons.setStyleSheet("border: none;")
        self.preview_reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_layout = QVBoxLayout(self.preview)
        preview_layout.addWidget(self.preview_title)
        preview_layout.addWidget(self.preview_reasons)

        self.summary = QLabel()
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;")
        self.summary.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.fields)
        layout.addWidget(self.preview)
        layout.addLayout(footer)

        self.fields.changed.connect(self._preview)
        self._initial = self.fields.state()
        self._preview()
        if settings is None or not restore_geometry(self, settings, "screening_form"):
            self.resize(self.sizeHint())
        next(iter(self.fields.checks.values())).setFocus()  # the checklist first, in reading order

    # -- the live result -----------------------------------------------------------------------------

    def _preview(self) -> None:
        answers = self.fields.answers()
        assessment = assess(answers, self._limits)
        self.preview.setStyleSheet(box_style(RESULT_COLOURS[assessment.result], "#preview"))
        pending = []
        if answers.systolic is None or answers.diastolic is None:
            pending.append("the blood pressure")
        if self.fields.pregnancy_asked and answers.pregnancy is Pregnancy.NOT_ASKED:
            pending.append("the pregnancy question")
        waiting = f" — still to enter: {' and '.join(pending)}" if pending else ""
        self.preview_title.setText(f"{assessment.result.label}{waiting}")
        self.preview_reasons.setText(reasons_html(assessment.reasons))

    # -- saving --------------------------------------------------------------------------------------

    def show_errors(self, errors: list[FieldError]) -> None:
        unplaced = self.fields.show_errors(errors)
        self.show_message(" ".join(e.message for e in unplaced))
        count = len(errors)
        self.summary.setText(f"{count} problem{'s' if count != 1 else ''} to put right before saving.")
        self.summary.setVisible(bool(errors))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def save(self) -> bool:
        if not self.save_button.isEnabled():  # Ctrl+S after the screening was signed elsewhere
            return False
        answers = self.fields.answers()
        enrolled_on, unreadable = self.fields.rems_enrolled_on() if answers.rems_enrolled else (None, [])
        if unreadable:
            self.show_errors(unreadable)
            return False
        details = {
            "notes": self.fields.notes.toPlainText(),
            "rems_enrolled_on": enrolled_on,
            "rems_patient_id": self.fields.rems_id.text() if answers.rems_enrolled else "",
        }
        try:
            if self._record is None:
                outcome = self._service.record(self._patient_id, answers, **details)  # type: ignore[arg-type]
            else:
                record = self._record
                outcome = self._service.revise(record.id, record.version, answers, **details)  # type: ignore[arg-type]
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except ConflictError as conflict:
            current: ScreeningRecord = conflict.current  # type: ignore[assignment]
            if current.signed:
                self._signed_meanwhile()
            else:
                self._record = current  # saving again replaces their answers with this form's, knowingly
                self.show_message(f"{conflict.message} {conflict.remedy} Save again to replace their answers.")
            return False
        except ScreeningSigned:
            self._signed_meanwhile()
            return False
        except KapdeskError as error:  # refused, locked, gone: say so and keep what was entered
            self.show_message(f"{error.title}: {error}")
            return False
        self.show_errors([])
        self._initial = self.fields.state()
        self.saved.emit(outcome)
        self.accept()
        return True

    def _signed_meanwhile(self) -> None:
        self.show_message(
            "A prescriber signed this screening on another computer, so it can no longer change and nothing you "
            "entered was saved. Record a new screening if the facts have changed."
        )
        self.save_button.setEnabled(False)

    # -- closing -------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.fields.state() != self._initial

    def reject(self) -> None:
        if (
            self.isVisible()
            and self.dirty
            and not may_discard(self, "Discard this screening?", "What you entered has not been saved. Discard it?")
        ):
            return
        super().reject()

    def done(self, result: int) -> None:
        if self._settings is not None:
            save_geometry(self, self._settings, "screening_form")
        super().done(result)
