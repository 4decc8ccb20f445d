"""The inputs of a screening: the absolute and relative checklists, baseline vitals, the pregnancy question (only where
it applies), flagged medication classes, the route considered with REMS enrollment for esketamine, and notes. Each
input shows its own problem under it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.appointments import Route
from kapdesk.domain.dates import DATE_HINT, parse_user_date
from kapdesk.domain.errors import FieldError
from kapdesk.domain.intake import FLAGGED_CLASSES, MedicationClass
from kapdesk.domain.screening import Answers, Pregnancy
from kapdesk.domain.screening_items import ABSOLUTE_ITEMS, DERIVED_ITEMS, RELATIVE_ITEMS, Item
from kapdesk.domain.screening_record import REMS_ID_MAX, ScreeningRecord
from kapdesk.ui.formatting import show_date
from kapdesk.ui.widgets.validated_form import ERROR_LABEL_STYLE, INVALID_STYLE

_PREGNANCY_CHOICES = (
    (Pregnancy.NOT_ASKED, "— not answered —"),
    (Pregnancy.NOT_PREGNANT, "Not pregnant or breastfeeding"),
    (Pregnancy.PREGNANT, "Pregnant"),
    (Pregnancy.BREASTFEEDING, "Breastfeeding"),
)


class AnswerFields(QWidget):
    changed = Signal()  # any answer changed: time to preview the result again

    def __init__(self, answers: Answers, record: ScreeningRecord | None, *, pregnancy_asked: bool) -> None:
        super().__init__()
        self.pregnancy_asked = pregnancy_asked
        # Pregnancy and uncontrolled hypertension come from their own answers; if the intake implies them they
        # ride along with the answers, named under the checklist.
        self._derived = answers.items & DERIVED_ITEMS
        self._errors: dict[str, tuple[list[QWidget], QLabel]] = {}
        self.checks: dict[Item, QCheckBox] = {}
        self.meds: dict[MedicationClass, QCheckBox] = {}

        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self._absolute_box())
        left.addWidget(self._checklist("Relative contraindications (eligible with precautions)", RELATIVE_ITEMS))
        left.addStretch(1)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        for box in (self._baseline_box(), self._medication_box(), self._route_box(), self._notes_box()):
            right.addWidget(box)
        right.addStretch(1)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self._fill(answers, record)
        for check in (*self.checks.values(), *self.meds.values(), self.rems_enrolled):
            check.toggled.connect(self.changed)
        for edit in (self.systolic, self.diastolic, self.heart_rate, self.spo2):
            edit.textChanged.connect(self.changed)
        self.pregnancy.currentIndexChanged.connect(self.changed)
        self.route.currentIndexChanged.connect(self._route_changed)
        self.rems_enrolled.toggled.connect(self._rems_toggled)

    # -- layout ------------------------------------------------------------------------------------

    def _absolute_box(self) -> QGroupBox:
        box = self._checklist(
            "Absolute contraindications (not eligible)", [i for i in ABSOLUTE_ITEMS if i not in DERIVED_ITEMS]
        )
        self.derived_note = QLabel()
        self.derived_note.setWordWrap(True)
        self.derived_note.setStyleSheet("color: #8e1b1b;")
        hint = QLabel("Pregnancy and uncontrolled hypertension follow from the answers on the right.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555;")
        box.layout().addWidget(self.derived_note)
        box.layout().addWidget(hint)
        return box

    def _checklist(self, title: str, items: list[Item] | tuple[Item, ...]) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        for item in items:
            self.checks[item] = check = QCheckBox(item.label)
            column.addWidget(check)
        return box

    def _baseline_box(self) -> QGroupBox:
        box = QGroupBox("Baseline")
        form = QFormLayout(box)
        self.systolic, self.diastolic = _number("Systolic"), _number("Diastolic")
        pressure = _line(self.systolic, QLabel("/"), self.diastolic, QLabel("mmHg"))
        bp_error = self._error_label("systolic", [self.systolic])
        self._errors["diastolic"] = ([self.diastolic], bp_error)  # one message under both halves
        _add_row(form, "&Blood pressure *", self.systolic, pressure, bp_error)
        self.heart_rate, self.spo2 = _number("Heart rate"), _number("SpO2")
        heart_error = self._error_label("heart_rate", [self.heart_rate])
        _add_row(form, "&Heart rate", self.heart_rate, _line(self.heart_rate, QLabel("bpm")), heart_error)
        _add_row(form, "S&pO2", self.spo2, _line(self.spo2, QLabel("%")), self._error_label("spo2", [self.spo2]))
        self.pregnancy = QComboBox()
        self.pregnancy.setAccessibleName("Pregnant or breastfeeding")
        for value, text in _PREGNANCY_CHOICES:
            self.pregnancy.addItem(text, value.value)
        pregnancy_error = self._error_label("pregnancy", [self.pregnancy])
        self.pregnancy_caption = _add_row(
            form, "Pre&gnant or breastfeeding? *", self.pregnancy, _line(self.pregnancy), pregnancy_error
        )
        return box

    def _medication_box(self) -> QGroupBox:
        box = QGroupBox("Current medications flagged for review")
        grid = QGridLayout(box)
        for index, med_class in enumerate(FLAGGED_CLASSES):
            self.meds[med_class] = check = QCheckBox(med_class.label)
            check.setToolTip(med_class.concern.capitalize())
            grid.addWidget(check, index // 2, index % 2)
        return box

    def _route_box(self) -> QGroupBox:
        box = QGroupBox("Route considered")
        form = QFormLayout(box)
        self.route = QComboBox()
        self.route.setAccessibleName("Route considered")
        self.route.addItem("Not decided yet", "")
        for route in Route:
            self.route.addItem(route.label.capitalize(), route.value)
        caption = QLabel("&Route")
        caption.setBuddy(self.route)
        form.addRow(caption, self.route)
        self.rems = QWidget()
        rems_form = QFormLayout(self.rems)
        rems_form.setContentsMargins(0, 0, 0, 0)
        self.rems_enrolled = QCheckBox("Patient is &enrolled in the Spravato REMS")
        rems_form.addRow(self.rems_enrolled)
        self.rems_date = QLineEdit()
        self.rems_date.setPlaceholderText(DATE_HINT)
        self.rems_date.setAccessibleName("REMS enrollment date")
        date_error = self._error_label("rems_enrolled_on", [self.rems_date])
        _add_row(rems_form, "Enrolled &on", self.rems_date, _line(self.rems_date), date_error)
        self.rems_id = QLineEdit()
        self.rems_id.setMaxLength(REMS_ID_MAX)
        self.rems_id.setAccessibleName("REMS patient ID")
        id_error = self._error_label("rems_patient_id", [self.rems_id])
        _add_row(rems_form, "REMS patient &ID", self.rems_id, _line(self.rems_id), id_error)
        form.addRow(self.rems)
        return box

    def _notes_box(self) -> QGroupBox:
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setFixedHeight(60)
        box = QGroupBox("&Notes")
        column = QVBoxLayout(box)
        column.addWidget(self.notes)
        column.addWidget(self._error_label("notes", [self.notes]))
        return box

    def _error_label(self, field: str, inputs: list[QWidget]) -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_LABEL_STYLE)
        label.setWordWrap(True)
        label.hide()
        self._errors[field] = (inputs, label)
        return label

    # -- values --------------------------------------------------------------------------------------

    def _fill(self, answers: Answers, record: ScreeningRecord | None) -> None:
        for item, check in self.checks.items():
            check.setChecked(item in answers.items)
        for med_class, check in self.meds.items():
            check.setChecked(med_class in answers.medication_classes)
        for edit, value in (
            (self.systolic, answers.systolic),
            (self.diastolic, answers.diastolic),
            (self.heart_rate, answers.heart_rate),
            (self.spo2, answers.spo2),
        ):
            edit.setText("" if value is None else str(value))
        self.pregnancy.setCurrentIndex(self.pregnancy.findData(answers.pregnancy.value))
        self.route.setCurrentIndex(self.route.findData(answers.route.value if answers.route else ""))
        self.rems_enrolled.setChecked(answers.rems_enrolled)
        if record is not None:
            self.rems_date.setText(show_date(record.rems_enrolled_on))
            self.rems_id.setText(record.rems_patient_id)
            self.notes.setPlainText(record.notes)
        derived = "; ".join(item.label for item in Item if item in self._derived)
        self.derived_note.setText(f"On the intake record: {derived}." if derived else "")
        self.derived_note.setVisible(bool(derived))
        self._set_pregnancy_shown(self.pregnancy_asked or answers.pregnancy is not Pregnancy.NOT_ASKED)
        self._route_changed()

    def answers(self) -> Answers:
        route = Route(self.route.currentData()) if self.route.currentData() else None
        return Answers(
            items=frozenset(item for item, check in self.checks.items() if check.isChecked()) | self._derived,
            systolic=_read_number(self.systolic),
            diastolic=_read_number(self.diastolic),
            heart_rate=_read_number(self.heart_rate),
            spo2=_read_number(self.spo2),
            pregnancy=Pregnancy(self.pregnancy.currentData()),
            medication_classes=frozenset(c for c, check in self.meds.items() if check.isChecked()),
            route=route,
            rems_enrolled=route is Route.ESKETAMINE and self.rems_enrolled.isChecked(),
        )

    def rems_enrolled_on(self) -> tuple[date | None, list[FieldError]]:
        try:
            return parse_user_date(self.rems_date.text()), []
        except ValueError as error:
            return None, [FieldError("rems_enrolled_on", f"The enrollment date {error}.")]

    def state(self) -> tuple[object, ...]:
        """Everything as typed, to tell whether anything is unsaved."""
        return (self.answers(), self.rems_date.text(), self.rems_id.text(), self.notes.toPlainText())

    # -- behaviour -----------------------------------------------------------------------------------

    def _route_changed(self) -> None:
        self.rems.setVisible(self.route.currentData() == Route.ESKETAMINE.value)
        self._rems_toggled()

    def _rems_toggled(self) -> None:
        for edit in (self.rems_date, self.rems_id):
            edit.setEnabled(self.rems_enrolled.isChecked())
        self.changed.emit()

    def _set_pregnancy_shown(self, shown: bool) -> None:
        self.pregnancy_caption.setVisible(shown)
        self.pregnancy.parentWidget().setVisible(shown)

    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Mark each error at its field; returns those that belong to no field here."""
        for inputs, label in self._errors.values():
            for widget in inputs:
                widget.setStyleSheet("")
                widget.setProperty("invalid", False)
            label.hide()
        shown: dict[QLabel, list[str]] = {}
        for error in errors:
            if error.field not in self._errors:
                continue
            inputs, label = self._errors[error.field]
            if error.field == "pregnancy":
                self._set_pregnancy_shown(True)
            for widget in inputs:
                widget.setStyleSheet(INVALID_STYLE)
                widget.setProperty("invalid", True)
            messages = shown.setdefault(label, [])
            if error.message not in messages:
                messages.append(error.message)
        for label, messages in shown.items():
            label.setText(" ".join(messages))
            label.show()
        placed = [e for e in errors if e.field in self._errors]
        if placed:
            self._errors[placed[0].field][0][0].setFocus()
        return [e for e in errors if e.field not in self._errors]

    def error_text(self, field: str) -> str:
        """What the form says at `field` (empty when nothing is wrong there)."""
        label = self._errors[field][1]
        return label.text() if not label.isHidden() else ""


def _number(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setValidator(QIntValidator(0, 999, edit))
    edit.setMaxLength(3)
    edit.setFixedWidth(56)
    edit.setAccessibleName(name)
    return edit


def _read_number(edit: QLineEdit) -> int | None:
    text = edit.text().strip()
    return int(text) if text else None


def _line(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    if len(widgets) > 1:
        row.addStretch(1)
    return row


def _add_row(form: QFormLayout, caption: str, buddy: QWidget, inputs: QLayout, error: QLabel) -> QLabel:
    """A captioned row: the inputs with their error message under them."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addLayout(inputs)
    column.addWidget(error)
    label = QLabel(caption)
    label.setBuddy(buddy)
    form.addRow(label, holder)
    return label
