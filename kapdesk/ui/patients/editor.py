"""Create or edit a patient. Problems are shown on the field; a concurrent edit never overwrites silently."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.contacts import format_phone
from kapdesk.domain.dates import DATE_HINT, parse_user_date
from kapdesk.domain.errors import ConflictError, FieldError, ValidationFailed
from kapdesk.domain.patients import (
    FIELD_LABELS,
    MAX_LENGTHS,
    SEX_AT_BIRTH,
    PatientDraft,
    PatientRecord,
    changed_fields,
    merge_edits,
    validate,
)
from kapdesk.services.patients import PatientService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.formatting import parse_number, show_date
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.session.drafts import DraftRequest
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row

LB_PER_KG = 2.2046226218
CM_PER_INCH = 2.54
_TEXT_FIELDS = (
    "first_name", "last_name", "preferred_name", "pronouns", "phone", "email",
    "escort_name", "escort_phone", "escort_relationship",
    "emergency_name", "emergency_phone", "emergency_relationship",
)  # fmt: skip
_PHONE_FIELDS = ("phone", "escort_phone", "emergency_phone")
_DATE_FIELDS = ("date_of_birth", "weight_recorded_on", "height_recorded_on")
_MEASURES = ("weight_kg", "height_cm")


class PatientEditor(QDialog):
    saved = Signal(object)  # PatientRecord

    def __init__(
        self,
        service: PatientService,
        bus: ChangeBus,
        settings: QSettings,
        record: PatientRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._bus = bus
        self._settings = settings
        self._record = record
        self._base_version = record.version if record else 0
        self.setWindowTitle(f"Edit {record.display_name}" if record else "New patient")
        self.slots: dict[str, FieldSlot] = {}
        self._build()
        if record is not None:
            self._fill(record.as_draft())
        self._initial = self._snapshot()
        self.setMinimumWidth(780)
        restore_geometry(self, settings, "patient_editor")

    # -- layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QFrame()
        self.banner.setStyleSheet("QFrame { background: #fff4e5; border: 1px solid #f0a202; border-radius: 4px; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.load_theirs = QPushButton("Load their version")
        self.save_mine = QPushButton("Save mine over theirs")
        self.load_theirs.clicked.connect(self._load_theirs)
        self.save_mine.clicked.connect(self._save_mine)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.load_theirs)
        banner_layout.addWidget(self.save_mine)
        self.banner.hide()

        self.summary = QLabel()
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;")
        self.summary.hide()

        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._group("Identity", [
            ("first_name", QLineEdit(), True), ("last_name", QLineEdit(), True),
            ("preferred_name", QLineEdit(), False), ("date_of_birth", self._date_edit(), True),
            ("sex_at_birth", self._sex_combo(), False), ("pronouns", QLineEdit(), False),
        ]))  # fmt: skip
        address = QPlainTextEdit()
        address.setTabChangesFocus(True)
        address.setFixedHeight(54)
        left.addWidget(self._group("Contact", [
            ("phone", QLineEdit(), False), ("email", QLineEdit(), False), ("address", address, False),
        ]))  # fmt: skip
        right.addWidget(self._group("Escort / driver", [
            ("escort_name", QLineEdit(), False, "Name"), ("escort_phone", QLineEdit(), False, "Phone"),
            ("escort_relationship", QLineEdit(), False, "Relationship"),
        ]))  # fmt: skip
        right.addWidget(self._group("Emergency contact", [
            ("emergency_name", QLineEdit(), False, "Name"), ("emergency_phone", QLineEdit(), False, "Phone"),
            ("emergency_relationship", QLineEdit(), False, "Relationship"),
        ]))  # fmt: skip
        self.weight_unit, self.height_unit = QComboBox(), QComboBox()
        self.weight_unit.addItems(["kg", "lb"])
        self.height_unit.addItems(["cm", "in"])
        right.addWidget(self._group("Weight and height", [
            ("weight_kg", self._with_unit(QLineEdit(), self.weight_unit), False),
            ("weight_recorded_on", self._date_edit(), False, "Weighed on"),
            ("height_cm", self._with_unit(QLineEdit(), self.height_unit), False),
            ("height_recorded_on", self._date_edit(), False, "Measured on"),
        ]))  # fmt: skip
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addLayout(columns)
        layout.addWidget(QLabel("* required"))
        layout.addWidget(self.buttons)
        self.slots["first_name"].editor.setFocus()

    def _group(self, title: str, rows: list[tuple]) -> QGroupBox:  # type: ignore[type-arg]
        """Rows are (field, widget, required[, caption]); the caption defaults to the field's full label."""
        box = QGroupBox(title)
        form = QFormLayout(box)
        for name, widget, required, *caption in rows:
            editor = widget.findChild(QLineEdit) if widget.property("unit_wrapper") else widget
            slot = FieldSlot(widget, FIELD_LABELS[name], editor)
            if isinstance(editor, QLineEdit) and name in MAX_LENGTHS:
                editor.setMaxLength(MAX_LENGTHS[name])
            self.slots[name] = slot
            add_row(form, caption[0] if caption else FIELD_LABELS[name], slot, required)
            widget.setAccessibleName(FIELD_LABELS[name])
        return box

    @staticmethod
    def _date_edit() -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(DATE_HINT)
        return edit

    @staticmethod
    def _sex_combo() -> QComboBox:
        combo = QComboBox()
        for value in SEX_AT_BIRTH:
            combo.addItem(value.capitalize(), value)
        combo.setCurrentIndex(SEX_AT_BIRTH.index("not recorded"))
        return combo

    @staticmethod
    def _with_unit(edit: QLineEdit, unit: QComboBox) -> QWidget:
        wrapper = QWidget()
        wrapper.setProperty("unit_wrapper", True)
        row = QHBoxLayout(wrapper)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(unit)
        return wrapper

    # -- reading and writing the form --------------------------------------------------------------

    def _fill(self, draft: PatientDraft) -> None:
        for name in _TEXT_FIELDS:
            value = getattr(draft, name)
            self.slots[name].input.setText(format_phone(value) if name in _PHONE_FIELDS else value)
        self.slots["address"].input.setPlainText(draft.address)
        for name in _DATE_FIELDS:
            self.slots[name].input.setText(show_date(getattr(draft, name)))
        combo: QComboBox = self.slots["sex_at_birth"].input
        combo.setCurrentIndex(max(0, combo.findData(draft.sex_at_birth)))
        self.weight_unit.setCurrentText("kg")
        self.height_unit.setCurrentText("cm")
        self.slots["weight_kg"].input.setText(f"{draft.weight_kg:g}" if draft.weight_kg is not None else "")
        self.slots["height_cm"].input.setText(f"{draft.height_cm:g}" if draft.height_cm is not None else "")

    def read_form(self) -> tuple[PatientDraft, list[FieldError]]:
        """The draft as typed, plus problems with text that can't even be read as a date or number."""
        values: dict[str, object] = {name: self.slots[name].input.text() for name in _TEXT_FIELDS}
        values["address"] = self.slots["address"].input.toPlainText()
        values["sex_at_birth"] = self.slots["sex_at_birth"].input.currentData()
        errors: list[FieldError] = []
        for name in _DATE_FIELDS:
            values[name] = None
            try:
                values[name] = parse_user_date(self.slots[name].input.text())
            except ValueError as error:
                errors.append(FieldError(name, str(error)))
        measures = (
            ("weight_kg", self.weight_unit, 1 / LB_PER_KG),
            ("height_cm", self.height_unit, CM_PER_INCH),
        )
        for name, unit, factor in measures:
            values[name] = None
            try:
                number = parse_number(self.slots[name].input.text())
            except ValueError as error:
                errors.append(FieldError(name, str(error)))
                continue
            # Stored in kg and cm; the second unit in each list (lb, in) is converted on the way in.
            values[name] = round(number * factor, 1) if number is not None and unit.currentIndex() == 1 else number
        return PatientDraft(**values), errors  # type: ignore[arg-type]

    def _snapshot(self) -> PatientDraft:
        return self.read_form()[0]

    def form_texts(self) -> dict[str, str]:
        """Every field exactly as typed (valid or not), and the units chosen: what a draft keeps."""
        texts = {name: self.slots[name].input.text() for name in (*_TEXT_FIELDS, *_DATE_FIELDS, *_MEASURES)}
        texts["address"] = self.slots["address"].input.toPlainText()
        texts["sex_at_birth"] = self.slots["sex_at_birth"].input.currentData()
        texts["weight_unit"] = self.weight_unit.currentText()
        texts["height_unit"] = self.height_unit.currentText()
        return texts

    def load_texts(self, texts: dict[str, str]) -> None:
        """Put texts from form_texts() back; fields it doesn't name keep what they show."""
        for name in (*_TEXT_FIELDS, *_DATE_FIELDS, *_MEASURES):
            if name in texts:
                self.slots[name].input.setText(texts[name])
        if "address" in texts:
            self.slots["address"].input.setPlainText(texts["address"])
        combo: QComboBox = self.slots["sex_at_birth"].input
        if "sex_at_birth" in texts and (index := combo.findData(texts["sex_at_birth"])) >= 0:
            combo.setCurrentIndex(index)
        for unit, key in ((self.weight_unit, "weight_unit"), (self.height_unit, "height_unit")):
            if texts.get(key) in ("kg", "lb", "cm", "in") and unit.findText(texts[key]) >= 0:
                unit.setCurrentText(texts[key])

    def show_errors(self, errors: list[FieldError]) -> None:
        for slot in self.slots.values():
            slot.clear_error()
        for error in errors:
            self.slots[error.field].show_error(error.message)
        count = len({e.field for e in errors})
        self.summary.setText(f"{count} field{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention.")
        self.summary.setVisible(bool(errors))
        if errors:
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # room for every message
            self.slots[errors[0].field].input.setFocus()

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> bool:
        draft, unreadable = self.read_form()
        _, problems = validate(draft, self._service.today())
        unreadable_fields = {e.field for e in unreadable}
        errors = unreadable + [e for e in problems if e.field not in unreadable_fields]
        if errors:
            self.show_errors(_in_form_order(errors))
            return False
        try:
            if self._record is None:
                outcome = self._service.create(draft)
            else:
                outcome = self._service.update(self._record.id, self._base_version, draft)
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except ConflictError as conflict:
            self._show_conflict(conflict)
            return False
        self.show_errors([])
        self._record = outcome.value
        self._initial = self._snapshot()
        self._bus.publish(outcome.changes)
        self.saved.emit(outcome.value)
        self.accept()
        return True

    def _show_conflict(self, conflict: ConflictError) -> None:
        current: PatientRecord = conflict.current  # type: ignore[assignment]
        assert self._record is not None
        if self._record.version == current.version:
            # A resumed draft: the version it was based on is gone, so compare their version with the form.
            differ = changed_fields(current.as_draft(), self.read_form()[0])
            what = ", ".join(FIELD_LABELS[f] for f in differ) or "nothing"
            self.banner_text.setText(f"{conflict.message} Your draft differs from their version in: {what}.")
        else:
            theirs = changed_fields(self._record.as_draft(), current.as_draft())
            what = ", ".join(FIELD_LABELS[f] for f in theirs) or "archive status"
            self.banner_text.setText(f"{conflict.message} They changed: {what}. {conflict.remedy}")
        self._conflict = current
        self.banner.show()

    def _load_theirs(self) -> None:
        self._adopt(self._conflict)
        self._fill(self._conflict.as_draft())
        self._initial = self._snapshot()

    def _save_mine(self) -> None:
        """Apply only what this user changed onto the other computer's version, then save."""
        mine = self.read_form()[0]
        self._adopt(self._conflict)
        self._fill(self._conflict.as_draft())
        theirs = self.read_form()[0]  # compared as the form shows values, so untouched fields never count
        merged = merge_edits(self._initial, mine, theirs)
        self._initial = theirs
        self._fill(merged)
        self.save()

    def _adopt(self, current: PatientRecord) -> None:
        self._record = current
        self._base_version = current.version
        self.banner.hide()

    # -- drafts ------------------------------------------------------------------------------------

    def load_draft(self, texts: dict[str, str], base_version: int | None) -> None:
        """Resume a kept draft. Saving still checks the version the draft was based on; if someone saved the
        patient since, the conflict is shown now rather than at Save."""
        self.load_texts(texts)
        if self._record is None or base_version is None:
            return
        self._base_version = base_version
        if base_version != self._record.version:
            self._show_conflict(
                ConflictError("Someone saved changes to this patient after your draft was kept.", self._record)
            )

    def draft_request(self) -> DraftRequest | None:
        """What to keep if another user signs in now; None when nothing is unsaved."""
        if not self.has_unsaved_edits():
            return None
        if self._record is None:
            typed = f"{self.slots['first_name'].input.text()} {self.slots['last_name'].input.text()}".strip()
            label = f"New patient {typed}".strip()
            return DraftRequest("patient", None, None, label, self.form_texts())
        label = f"{self._record.display_name} ({self._record.chart_number})"
        return DraftRequest("patient", self._record.id, self._base_version, label, self.form_texts())

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)

    # -- leaving -----------------------------------------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        return self._snapshot() != self._initial

    def reject(self) -> None:
        if self.has_unsaved_edits() and not may_discard(
            self, "Discard changes?", "You have changes that are not saved. Discard them?"
        ):
            return
        super().reject()

    def done(self, result: int) -> None:
        save_geometry(self, self._settings, "patient_editor")
        super().done(result)


def _in_form_order(errors: list[FieldError]) -> list[FieldError]:
    order = {f.name: i for i, f in enumerate(fields(PatientDraft))}
    return sorted(errors, key=lambda e: order[e.field])
