"""The forms behind a consent's signature and its withdrawal: signing on screen (the pad, the patient's typed name,
their agreement to sign electronically, a witness), recording a paper signature, and revoking a signed consent.

Each problem is shown at its field; nothing is saved until the service accepts the whole form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.changes import Outcome
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.patient_documents import (
    NAME_MAX,
    PatientDocument,
    check_electronic_signature,
    typed_name_matches,
)
from kapdesk.services.documents import DocumentService, Ready
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, clear_field_errors, outlined, show_field_errors
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.confirm import may_proceed
from kapdesk.ui.widgets.message_styles import WARNING_BOX
from kapdesk.ui.widgets.signature_pad import SignaturePad
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row


def _date_edit(value: date, earliest: date, latest: date) -> QDateEdit:
    edit = QDateEdit(calendarPopup=True)
    edit.setDisplayFormat("ddd MM/dd/yyyy")
    edit.setDateRange(QDate(earliest.year, earliest.month, earliest.day), QDate(latest.year, latest.month, latest.day))
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def _outlined_slot(widget: QWidget, label: str) -> OutlinedSlot:
    """For a checkbox, a date or the pad: the red outline goes on a frame around it."""
    frame = outlined(widget)
    return OutlinedSlot(frame, label, widget, frame)


class _DocumentForm(QDialog):
    """A small form: field slots keyed by the service's field names, and a line for what fits no field."""

    saved = Signal(object)  # the service's Outcome

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.slots: dict[str, FieldSlot] = {}
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.intro)
        self.layout_.addWidget(self.form_error)

    def finish_layout(self, ok_text: str, *before_form: QWidget) -> QPushButton:
        for widget in before_form:
            self.layout_.addWidget(widget)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.buttons)
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        return self.ok_button

    submit: Callable[[], bool]  # each form's own checks and service call, run by its OK button

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.slots, errors, self.form_error)

    def apply(self, call: Callable[[], Outcome[object]]) -> bool:
        clear_field_errors(self.slots, self.form_error)
        try:
            outcome = call()
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except KapdeskError as error:  # changed elsewhere meanwhile, refused, or signed out
            self.show_errors([FieldError("", f"{error.title}: {error}")])
            return False
        self.saved.emit(outcome)
        self.accept()
        return True


class SignOnScreenDialog(_DocumentForm):
    """The patient signs the consent for their current course's route on the pad; the signed consent is made and
    kept in one step (its PDF carries the drawing, the typed name and the time)."""

    def __init__(
        self, service: DocumentService, patient_id: int, ready: Ready, witness: str, parent: QWidget | None = None
    ):
        super().__init__(
            "Sign the consent on screen",
            f"<b>{escape(ready.title)}</b> ({escape(ready.template_code)} version {ready.template_version})<br>Go "
            "through this consent with the patient first (print or preview it from the Documents tab). They sign "
            "in the box, type their full name and tick that they agree to sign electronically; the staff member "
            "watching signs as witness.",
            parent,
        )
        self._service, self._patient_id, self.ready = service, patient_id, ready
        self.pad = SignaturePad()
        self.typed_name = QLineEdit()
        self.typed_name.setMaxLength(NAME_MAX)
        self.typed_name.setAccessibleName("Patient's full name")
        self.typed_name.setPlaceholderText("The patient types their own full name")
        self.agreed = QCheckBox("I &agree to sign this consent electronically")
        self.witness = QLineEdit(witness)
        self.witness.setMaxLength(NAME_MAX)
        self.witness.setAccessibleName("Witness")
        self.slots["signature"] = _outlined_slot(self.pad, "Signature")
        self.slots["typed_name"] = MessageSlot(self.typed_name, "Full name")
        self.slots["agreed"] = _outlined_slot(self.agreed, "Agreement")
        self.slots["witness"] = MessageSlot(self.witness, "Witness")
        add_row(self.form, "Patient's &signature", self.slots["signature"], required=True)
        add_row(self.form, "Patient's &full name", self.slots["typed_name"], required=True)
        add_row(self.form, "", self.slots["agreed"], required=False)
        add_row(self.form, "&Witness", self.slots["witness"], required=True)
        self.sign_button = self.finish_layout("Sign &consent")
        self.pad.changed.connect(lambda: self.slots["signature"].clear_error())
        self.agreed.toggled.connect(lambda _on: self.slots["agreed"].clear_error())
        self.setMinimumWidth(620)
        self.typed_name.setFocus()

    def submit(self) -> bool:
        png = self.pad.png()
        typed, agreed, witness = self.typed_name.text(), self.agreed.isChecked(), self.witness.text()
        errors = check_electronic_signature(typed, agreed, png, witness)
        if self.pad.too_small():
            errors = [e for e in errors if e.field != "signature"]
            errors.append(
                FieldError("signature", "That is too small to be a signature: clear it and sign across the box.")
            )
        if errors:  # the same rule the service applies: said at once, before a PDF is made
            clear_field_errors(self.slots, self.form_error)
            self.show_errors(errors)
            return False
        patient = self.ready.patient
        if not typed_name_matches(typed, patient.first_name, patient.last_name, patient.preferred_name) and not (
            may_proceed(
                self,
                "A different name?",
                f"The name typed, “{typed.strip()}”, is not the name on the record ({patient.first_name} "
                f"{patient.last_name}). Sign with it anyway (say, a legal name the record doesn't show yet)?",
            )
        ):
            self.typed_name.setFocus()
            return False
        return self.apply(
            lambda: self._service.sign_on_screen(
                self._patient_id,
                signature_png=png,
                typed_name=typed,
                agreed=agreed,
                witness=witness,
                template_id=self.ready.template_id,
            )
        )


class PaperSignatureDialog(_DocumentForm):
    """A printed consent came back signed: the day the patient signed it and who witnessed it."""

    def __init__(
        self,
        service: DocumentService,
        document: PatientDocument,
        made_on: date,
        today: date,
        witness: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Record the paper signature",
            f"<b>{escape(document.title)}</b>, printed {show_date(made_on)}.<br>Record the day the patient signed "
            "the printed copy and who witnessed it. kapdesk keeps the PDF exactly as it was printed; file the "
            "signed paper as your clinic does.",
            parent,
        )
        self._service, self._document = service, document
        self.signed_on = _date_edit(today, min(made_on, today), today)
        self.signed_on.setAccessibleName("Signed on")
        self.witness = QLineEdit(witness)
        self.witness.setMaxLength(NAME_MAX)
        self.witness.setAccessibleName("Witness")
        self.slots["signed_on"] = _outlined_slot(self.signed_on, "Signed on")
        self.slots["witness"] = MessageSlot(self.witness, "Witness")
        add_row(self.form, "Signed &on", self.slots["signed_on"], required=True)
        add_row(self.form, "&Witness", self.slots["witness"], required=True)
        self.finish_layout("&Record signature")
        self.setMinimumWidth(480)
        self.witness.setFocus()

    def submit(self) -> bool:
        document, signed_on = self._document, self.signed_on.date().toPython()
        return self.apply(
            lambda: self._service.record_wet_signature(document.id, document.version, signed_on, self.witness.text())
        )


class RevokeDialog(_DocumentForm):
    """The patient withdraws a signed consent: the day and their reason. Dosing by its route is then refused at
    check-in until a new consent is signed."""

    def __init__(
        self,
        service: DocumentService,
        document: PatientDocument,
        signed_on: date,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        route = document.route.label if document.route is not None else "this route"
        super().__init__("Revoke consent", f"<b>Revoke {escape(document.title)}?</b>", parent)
        self._service, self._document = service, document
        self.consequence = QLabel(
            f"Once revoked, no dosing session by {route} can be checked in until the patient signs a new consent. "
            "The revoked consent stays on the record."
        )
        self.consequence.setWordWrap(True)
        self.consequence.setStyleSheet(WARNING_BOX)
        self.revoked_on = _date_edit(today, min(signed_on, today), today)
        self.revoked_on.setAccessibleName("Withdrawn on")
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why the patient withdrew consent (their words are fine)")
        self.slots["revoked_on"] = _outlined_slot(self.revoked_on, "Withdrawn on")
        self.slots["reason"] = MessageSlot(self.reason, "Reason")
        add_row(self.form, "Withdrawn &on", self.slots["revoked_on"], required=True)
        add_row(self.form, "&Reason", self.slots["reason"], required=True)
        self.finish_layout("Re&voke consent", self.consequence)
        self.setMinimumWidth(500)
        self.reason.setFocus()

    def submit(self) -> bool:
        text = self.reason.toPlainText()
        document, revoked_on = self._document, self.revoked_on.date().toPython()
        return self.apply(lambda: self._service.revoke(document.id, document.version, revoked_on, text))
