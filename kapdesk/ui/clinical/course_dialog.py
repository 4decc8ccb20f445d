"""Start a treatment course for a patient from a protocol template. The service judges everything (dates, people,
eligibility); this form shows each refusal at its field, a screening problem on top, and asks for an override reason
only when the screening says "not eligible" (only a prescriber may give one). Nothing is saved on any error."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.courses import CourseDraft
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.protocols import ProtocolTemplate
from kapdesk.domain.staff import Clinician, Role
from kapdesk.services.courses import CourseService
from kapdesk.ui.session.fields import FieldForm, grow_to_fit
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.message_styles import ERROR_BOX, WARNING_BOX

NOT_PRESCRIBER = (
    "The screening says not eligible: a prescriber must record an override, with the reason, before this course "
    "can be created."
)


class NewCourseDialog(QDialog):
    created = Signal(object)  # Outcome[CourseView]

    def __init__(
        self,
        service: CourseService,
        patient_id: int,
        templates: Sequence[ProtocolTemplate],
        clinicians: Sequence[Clinician],
        today: date,
        *,
        actor_id: int | None,
        may_override: bool,
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """`hint`: what is known of the patient's screening standing, shown on top from the start."""
        super().__init__(parent)
        self._service = service
        self._patient_id = patient_id
        self._templates = {t.id: t for t in templates}
        self._may_override = may_override
        self._hint = hint
        self.override_asked = False  # the service has said the screening needs an override
        self.setWindowTitle("New treatment course")

        self.screening = QLabel(hint)
        self.screening.setWordWrap(True)
        self.screening.setAccessibleName("Screening")
        self.screening.setStyleSheet(WARNING_BOX)
        self.screening.setVisible(bool(hint))

        self.template = QComboBox()
        for template in templates:
            self.template.addItem(template.label, template.id)
        if len(templates) > 1:  # no default: a course on the wrong route is worse than one more click
            self.template.setPlaceholderText("Choose a protocol…")
            self.template.setCurrentIndex(-1)
        self.about = QLabel()
        self.about.setStyleSheet("color: #555555;")
        self.about.setWordWrap(True)
        self.doses = QSpinBox(suffix=" doses")
        self.prescriber = _people(clinicians, Role.PRESCRIBER, actor_id)
        self.therapist = _people(clinicians, Role.THERAPIST, actor_id)
        self.start_on = QDateEdit(calendarPopup=True)
        self.start_on.setDisplayFormat("ddd MM/dd/yyyy")
        self.start_on.setDate(QDate(today.year, today.month, today.day))
        self.goals = _text("What the patient hopes to change")
        self.intentions = _text("Intentions to carry into the sessions")
        self.override = _text("Why this course goes ahead despite the screening")
        self.override.setEnabled(may_override)

        form = QFormLayout()
        self.fields = FieldForm(form)
        self.fields.add("template", "&Protocol", self.template, required=True)
        form.addRow("", self.about)
        self.fields.add("doses", "&Number of doses", self.doses, required=True)
        self.fields.add("prescriber", "P&rescriber", self.prescriber, required=True)
        self.fields.add("therapist", "&Therapist", self.therapist, required=True)
        self.fields.add("start_on", "&Starts on", self.start_on, required=True)
        self.fields.add("goals", "&Goals", self.goals)
        self.fields.add("intentions", "&Intentions", self.intentions)
        self.override_slot = self.fields.add("override", "&Override: not eligible", self.override, required=True)
        form.setRowVisible(self.override_slot, False)
        self._form = form
        self.fields.general.setStyleSheet(ERROR_BOX)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("&Create course", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.screening)
        layout.addLayout(form)
        layout.addWidget(self.fields.general)
        layout.addWidget(self.buttons)

        self.template.currentIndexChanged.connect(self._template_changed)
        self._template_changed()
        self.setMinimumWidth(560)
        self.template.setFocus()

    def chosen_template(self) -> ProtocolTemplate | None:
        return self._templates.get(self.template.currentData())

    def _template_changed(self) -> None:
        template = self.chosen_template()
        self.doses.setEnabled(template is not None)
        if template is None:
            self.about.setText(
                "" if self._templates else "No protocol is offered; an admin sets them up under Protocols."
            )
            return
        spec = template.spec
        self.doses.setRange(spec.doses_min, spec.doses_max)
        self.doses.setValue(spec.doses_min)
        self.doses.setEnabled(spec.doses_min != spec.doses_max)
        phases = ", ".join(p.name for p in spec.phases)
        self.about.setText(
            f"{spec.route.label} · {spec.preparation_sessions} preparation session(s) · {phases} · "
            f"dose {spec.dose_range_text()}"
        )

    def draft(self) -> CourseDraft:
        return CourseDraft(
            patient_id=self._patient_id,
            template_id=self.template.currentData() or 0,
            prescriber_id=self.prescriber.currentData() or 0,
            therapist_id=self.therapist.currentData() or 0,
            goals=self.goals.toPlainText(),
            intentions=self.intentions.toPlainText(),
            start_on=self.start_on.date().toPython(),  # type: ignore[arg-type]
            doses=self.doses.value(),
        )

    def submit(self) -> bool:
        reason = self.override.toPlainText() if self._may_override and self.override_asked else ""
        if self.chosen_template() is None:
            self.fields.show_errors([FieldError("template", "Choose the protocol this course follows.")])
            self.template.setFocus()
            return False
        try:
            outcome = self._service.create(self.draft(), override_reason=reason)
        except ValidationFailed as failure:
            self._show_errors(failure)
            return False
        except KapdeskError as error:
            self.fields.show_errors([])
            self.fields.general.setText(f"{error.title}: {error}")
            self.fields.general.show()
            return False
        self.created.emit(outcome)
        self.accept()
        return True

    def _show_errors(self, failure: ValidationFailed) -> None:
        screening = [e.message for e in failure.errors if e.field == "screening"]
        errors = [e for e in failure.errors if e.field != "screening"]
        if any(e.field == "override" for e in errors):
            self.override_asked = True
            self._form.setRowVisible(self.override_slot, True)
            if not self._may_override:
                errors = [e for e in errors if e.field != "override"]
        self.fields.show_errors(errors)
        if self.override_asked and not self._may_override:
            self.override_slot.show_error(NOT_PRESCRIBER)
            self.override_slot.error.setText(NOT_PRESCRIBER)
        self.screening.setText(" ".join(screening) or self._hint)
        self.screening.setStyleSheet(ERROR_BOX if screening else WARNING_BOX)
        self.screening.setVisible(bool(self.screening.text()))
        if screening and not errors:
            self.create_button.setFocus()
        grow_to_fit(self)

    def reject(self) -> None:
        typed = any(box.toPlainText().strip() for box in (self.goals, self.intentions, self.override))
        if typed and not may_discard(self, "Discard this course?", "The goals and intentions you typed are lost."):
            return
        super().reject()


def _people(clinicians: Sequence[Clinician], role: Role, actor_id: int | None) -> QComboBox:
    combo = QComboBox()
    for clinician in clinicians:
        if clinician.active and role in clinician.roles:
            combo.addItem(clinician.label, clinician.id)
    mine = combo.findData(actor_id)
    if mine >= 0:
        combo.setCurrentIndex(mine)
    return combo


def _text(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(60)
    return box
