"""The intake's small forms: add a medication or an allergy, end an entry with a date, record vitals. Each shows a
problem under its field and closes only once the service has saved; whatever goes wrong, what was typed stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.changes import Outcome
from kapdesk.domain.dates import DATE_HINT, parse_user_date
from kapdesk.domain.errors import ConflictError, FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.intake import DETAIL_MAX, NAME_MAX, MedicationClass, item_for_allergy
from kapdesk.domain.wall_clock import to_local, to_utc
from kapdesk.services.intake import IntakeService
from kapdesk.ui.admin.fields import MessageSlot, show_field_errors
from kapdesk.ui.admin.schedule_setup.inputs import WallClockEdit
from kapdesk.ui.clinical.intake_models import class_words
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.validated_form import add_row

GAP_MESSAGE = "The clocks go forward then, so that time doesn't exist; choose a time an hour later."


class EntryDialog(QDialog):
    """A form of labelled fields that calls one service method on Save. Subclasses add fields with `field` and
    implement `submit`, raising ValidationFailed for what can't even be read (a date that isn't one)."""

    saved = Signal(object)  # Outcome

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.slots: dict[str, MessageSlot] = {}
        self.form = QFormLayout()
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_error)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def field(
        self, name: str, caption: str, editor: QWidget, required: bool = False, value: QWidget | None = None
    ) -> QWidget:
        """`value` is the part of `editor` that holds the text, where the error outline goes."""
        self.slots[name] = slot = MessageSlot(editor, caption.replace("&", ""), value)
        editor.setAccessibleName(caption.replace("&", ""))
        add_row(self.form, caption, slot, required)
        return editor

    def date_field(self, name: str, caption: str, value: date | None = None, required: bool = False) -> QLineEdit:
        edit = QLineEdit(show_date(value))
        edit.setPlaceholderText(DATE_HINT)
        self.field(name, caption, edit, required)
        return edit

    submit: Callable[[], Outcome[object]]  # each dialog's own call to the service, made by `save`

    def save(self) -> bool:
        try:
            outcome = self.submit()
        except ValidationFailed as failure:
            show_field_errors(self.slots, failure.errors, self.form_error)
            return False
        except ConflictError as conflict:  # the list behind the form is out of date: reloading it is the way on
            self.show_problem(f"{conflict.message} Close this form; the list shows what is on record now.")
            return False
        except KapdeskError as error:
            self.show_problem(f"{error.title}: {error}")
            return False
        self.saved.emit(outcome)
        self.accept()
        return True

    def show_problem(self, text: str) -> None:
        show_field_errors(self.slots, [FieldError("", text)], self.form_error)


def read_dates(**texts: str) -> dict[str, date | None]:
    """Dates as typed; ValidationFailed naming each field whose text isn't one."""
    values: dict[str, date | None] = {}
    errors = []
    for name, text in texts.items():
        try:
            values[name] = parse_user_date(text)
        except ValueError as error:
            errors.append(FieldError(name, f"The date {error}."))
    if errors:
        raise ValidationFailed(errors)
    return values


class MedicationDialog(EntryDialog):
    def __init__(self, service: IntakeService, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Add medication", parent)
        self._service, self._patient_id = service, patient_id
        self.name = self.field("name", "&Medication", QLineEdit(), required=True)
        self.name.setMaxLength(NAME_MAX)
        self.dose = self.field("dose", "D&ose", QLineEdit())
        self.dose.setMaxLength(DETAIL_MAX)
        self.dose.setPlaceholderText("as taken, e.g. 0.5 mg at night")
        self.med_class = self.field("med_class", "&Class", QComboBox(), required=True)
        for med_class in (MedicationClass.OTHER, *(c for c in MedicationClass if c is not MedicationClass.OTHER)):
            self.med_class.addItem(class_words(med_class), med_class.value)
        self.started_on = self.date_field("started_on", "&Started on")
        self.name.setFocus()

    def submit(self) -> Outcome[object]:
        started_on = read_dates(started_on=self.started_on.text())["started_on"]
        return self._service.add_medication(
            self._patient_id,
            self.name.text(),
            self.dose.text(),
            MedicationClass(self.med_class.currentData()),
            started_on=started_on,
        )


class AllergyDialog(EntryDialog):
    def __init__(self, service: IntakeService, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Add allergy", parent)
        self._service, self._patient_id = service, patient_id
        self.substance = self.field("substance", "&Substance", QLineEdit(), required=True)
        self.substance.setMaxLength(NAME_MAX)
        self.reaction = self.field("reaction", "&Reaction", QLineEdit())
        self.reaction.setMaxLength(DETAIL_MAX)
        self.reaction.setPlaceholderText("e.g. hives, anaphylaxis")
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8e1b1b; font-weight: bold;")
        self.form.addRow("", self.warning)
        self.substance.textChanged.connect(self._warn)
        self._warn()
        self.substance.setFocus()

    def _warn(self) -> None:
        item = item_for_allergy(self.substance.text())
        self.warning.setText(f"{item.label}: this blocks dosing until a prescriber overrides." if item else "")
        self.warning.setVisible(item is not None)

    def submit(self) -> Outcome[object]:
        return self._service.add_allergy(self._patient_id, self.substance.text(), self.reaction.text())


class EndDialog(EntryDialog):
    """Resolve a diagnosis, stop a medication or remove an allergy: one date, today unless changed."""

    def __init__(
        self,
        title: str,
        what: str,
        field_name: str,
        caption: str,
        today: date,
        end: Callable[[date], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._field, self._end = field_name, end
        intro = QLabel(f"{what}\nIt stays on the record, struck through.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.when = self.date_field(field_name, caption, today, required=True)
        self.when.setFocus()
        self.when.selectAll()

    def submit(self) -> Outcome[object]:
        return self._end(read_dates(**{self._field: self.when.text()})[self._field])  # type: ignore[arg-type,return-value]


class VitalsDialog(EntryDialog):
    """Baseline readings; pulse and oxygen saturation may be left empty."""

    def __init__(
        self, service: IntakeService, patient_id: int, zone: ZoneInfo, now: datetime, parent: QWidget | None = None
    ) -> None:
        super().__init__("Record vitals", parent)
        self._service, self._patient_id, self._zone = service, patient_id, zone
        self.numbers: dict[str, QLineEdit] = {}
        for name, caption, unit, required in (
            ("systolic", "S&ystolic", "mmHg", True),
            ("diastolic", "&Diastolic", "mmHg", True),
            ("heart_rate", "&Heart rate", "beats a minute", False),
            ("spo2", "Sp&O2", "%", False),
        ):
            edit = QLineEdit()
            edit.setValidator(QIntValidator(0, 999, edit))
            edit.setPlaceholderText(unit)
            self.numbers[name] = self.field(name, caption, edit, required)  # type: ignore[assignment]
        self.taken_at = WallClockEdit("Taken at")
        self.taken_at.set_wall_clock(to_local(now, zone))
        self.field("taken_at", "&Taken at", self.taken_at, required=True)
        self.numbers["systolic"].setFocus()

    def submit(self) -> Outcome[object]:
        values = {name: int(edit.text()) if edit.text() else None for name, edit in self.numbers.items()}
        taken_at = to_utc(self.taken_at.wall_clock(), self._zone)
        if taken_at is None:
            raise ValidationFailed([FieldError("taken_at", GAP_MESSAGE)])
        return self._service.record_vitals(self._patient_id, taken_at=taken_at, **values)
