"""Add a diagnosis: an ICD-10 code picked from the catalogue by code or words ("F33", "depress"), or any valid code
typed with its own description. The treatment-resistant box is offered only where the flag applies."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QLabel, QLineEdit, QWidget

from kapdesk.domain.changes import Outcome
from kapdesk.domain.intake import DESCRIPTION_MAX, DIAGNOSES, ICD10_PATTERN, item_for_code, option_for
from kapdesk.services.intake import IntakeService, resistant_applies
from kapdesk.ui.clinical.intake_dialogs import EntryDialog, read_dates
from kapdesk.ui.clinical.intake_models import item_words

SEPARATOR = " — "  # between code and description in the picker


def code_of(text: str) -> str:
    """The code part of what the picker shows: "F33.1 — Major depressive…" or a bare typed "f33.1"."""
    return text.split(SEPARATOR, 1)[0].strip().upper()


class DiagnosisDialog(EntryDialog):
    def __init__(self, service: IntakeService, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__("Add diagnosis", parent)
        self._service, self._patient_id = service, patient_id
        self._filled = ""  # the description this form filled in from the catalogue, replaced as the code changes
        self.setMinimumWidth(600)

        self.code = QComboBox()
        self.code.setEditable(True)
        self.code.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.code.setMaxVisibleItems(14)
        for option in DIAGNOSES:
            self.code.addItem(f"{option.code}{SEPARATOR}{option.description}", option.code)
        self.code.setCurrentIndex(-1)
        self.code.lineEdit().setPlaceholderText("Type a code or words: F33, depress, PTSD…")
        completer = QCompleter(self.code.model(), self.code)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.code.setCompleter(completer)
        self.field("code", "ICD-10 &code", self.code, required=True, value=self.code.lineEdit())

        self.description = self.field("description", "&Description", QLineEdit(), required=True)
        self.description.setMaxLength(DESCRIPTION_MAX)
        self.screening = QLabel()
        self.screening.setWordWrap(True)
        self.screening.setStyleSheet("color: #8e1b1b;")
        self.form.addRow("", self.screening)
        self.resistant = QCheckBox("&Treatment-resistant")
        self.field("treatment_resistant", "", self.resistant)
        self.resistant.setAccessibleName("Treatment-resistant")
        self.diagnosed_on = self.date_field("diagnosed_on", "Diagnosed &on")

        self.code.editTextChanged.connect(self._code_changed)
        self._code_changed()
        self.code.setFocus()

    def _code_changed(self) -> None:
        code = code_of(self.code.currentText())
        option = option_for(code)
        typed = self.description.text().strip()
        if option is not None and typed in ("", self._filled):
            self.description.setText(option.description)
            self._filled = option.description
        elif option is None and typed and typed == self._filled:  # the catalogue's words no longer fit the code
            self.description.clear()
            self._filled = ""
        valid = bool(ICD10_PATTERN.match(code))
        applies = valid and resistant_applies(code)
        self.resistant.setEnabled(applies)
        if not applies:
            self.resistant.setChecked(False)
        self.resistant.setToolTip(
            "For depressive episodes, recurrent depression and bipolar depression"
            if applies
            else "Only a depressive or bipolar-depression diagnosis can be marked treatment-resistant."
        )
        words = item_words(item_for_code(code)) if valid else ""
        self.screening.setText(f"{words}: bears on eligibility screening." if words else "")
        self.screening.setVisible(bool(words))

    def choose(self, code: str) -> None:
        """Pick a catalogue entry, as the picker's list does."""
        self.code.setCurrentIndex(self.code.findData(code))

    def submit(self) -> Outcome[object]:
        diagnosed_on: date | None = read_dates(diagnosed_on=self.diagnosed_on.text())["diagnosed_on"]
        return self._service.add_diagnosis(
            self._patient_id,
            code_of(self.code.currentText()),
            self.description.text(),
            treatment_resistant=self.resistant.isChecked(),
            diagnosed_on=diagnosed_on,
        )
