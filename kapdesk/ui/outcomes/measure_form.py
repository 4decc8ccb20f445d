"""Recording a questionnaire: pick the instrument, enter each item's answer (a digit moves on to the next item), see
the total and band as they add up, and a self-harm warning the moment that item is answered. The score shown is a
preview: the service scores what is saved. Whatever goes wrong on Save, what was entered stays."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.domain.instruments import CATALOGUE, Instrument, Item, Score, score
from kapdesk.domain.wall_clock import to_local, to_utc
from kapdesk.services.outcomes import MeasureDraft, OutcomeService
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, show_field_errors
from kapdesk.ui.admin.schedule_setup.inputs import WallClockEdit
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.message_styles import ERROR_BOX

GAP_MESSAGE = "The clocks go forward then, so that time doesn't exist; choose a time an hour later."
SELF_HARM_STYLE = f"{ERROR_BOX} font-weight: bold;"
_CHOICE_STYLE = (
    "QToolButton { min-width: 22px; padding: 3px 6px; border: 1px solid #9e9e9e; border-radius: 3px;"
    " background: #fafafa; }"
    " QToolButton:hover { border-color: #1565c0; }"
    " QToolButton:checked { background: #1565c0; border-color: #0d47a1; color: white; font-weight: bold; }"
)


def self_harm_words(form: Instrument, answers: tuple[int | None, ...]) -> str:
    """The alert CLINICAL.md asks for, naming the item and its answer; empty when not raised."""
    number = form.self_harm_item
    answer = answers[number - 1] if number else None
    if not answer:
        return ""
    word = form.items[number - 1].choices[answer]  # type: ignore[operator]
    return (
        f"⚠ Self-harm thoughts: item {number} answered {answer} ({word}). Alert the clinician: a risk assessment "
        "is needed before the session goes ahead."
    )


def ask_to_save_incomplete(parent: QWidget, text: str) -> bool:
    """A blank item is easy to miss; saving one on purpose (the patient declined it) must still be possible."""
    answer = QMessageBox.question(
        parent,
        "Save an incomplete form?",
        text,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Save


class AnswerPicker(QFrame):
    """One item's answer: a row of buttons 0…n, blank until chosen. With the keyboard: a digit chooses and moves on
    to the next item, Left/Right step, Up/Down move between items, Delete or Backspace blanks it."""

    changed = Signal()

    def __init__(self, number: int, item: Item) -> None:
        super().__init__()
        self.item = item
        self.setObjectName(f"item_{number}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(
            f"#item_{number} {{ border: 2px solid transparent; border-radius: 4px; }}"
            f"#item_{number}:focus {{ border-color: #1565c0; }} {_CHOICE_STYLE}"
        )
        self.setAccessibleName(f"Item {number}, {item.label}")
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # so a chosen answer can be taken back (exclusivity is kept below)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        for value, word in enumerate(item.choices):
            button = QToolButton()
            button.setText(str(value))
            button.setToolTip(f"{value}: {word}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button, value)
            layout.addWidget(button)
        self.group.idClicked.connect(self._clicked)
        self._value: int | None = None

    @property
    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        if value is not None and not 0 <= value <= self.item.highest:
            return
        self._value = value
        for button in self.group.buttons():
            button.setChecked(self.group.id(button) == value)
        words = self.item.choices[value] if value is not None else "not answered"
        self.setAccessibleDescription(f"{value if value is not None else ''} {words}".strip())
        self.changed.emit()

    def _clicked(self, value: int) -> None:
        self.setFocus()
        self.set_value(None if value == self._value else value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        if text.isdigit() and int(text) <= self.item.highest:
            self.set_value(int(text))
            self.focusNextChild()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = 1 if key == Qt.Key.Key_Right else -1
            start = self._value if self._value is not None else (-1 if step > 0 else self.item.highest + 1)
            self.set_value(min(max(start + step, 0), self.item.highest))
        elif key == Qt.Key.Key_Up:
            self.focusPreviousChild()
        elif key == Qt.Key.Key_Down:
            self.focusNextChild()
        else:
            super().keyPressEvent(event)


class MeasureForm(QDialog):
    saved = Signal(object)  # Outcome[Measure]

    def __init__(
        self,
        service: OutcomeService,
        patient_id: int,
        zone: ZoneInfo,
        now: datetime,
        instrument: str = "PHQ-9",
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record measure")
        self._service, self._patient_id, self._zone, self._settings = service, patient_id, zone, settings
        self.pickers: list[AnswerPicker] = []
        self.slots: dict[str, MessageSlot] = {}

        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.instrument = QComboBox()
        for code, form in CATALOGUE.items():
            self.instrument.addItem(f"{code} — {form.name}", code)
        self.instrument.setAccessibleName("Instrument")
        self.taken_at = WallClockEdit("Taken at")
        self.taken_at.set_wall_clock(to_local(now, zone))
        taken_frame = _left(self.taken_at)
        self.slots["taken_at"] = OutlinedSlot(taken_frame, "Taken at", self.taken_at, taken_frame)
        top = QFormLayout()
        caption = QLabel("&Instrument")
        caption.setBuddy(self.instrument)
        top.addRow(caption, self.instrument)
        caption = QLabel("&Taken at")
        caption.setBuddy(self.taken_at)
        top.addRow(caption, self.slots["taken_at"])

        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555;")
        self.items = QWidget()
        self.items_layout = QVBoxLayout(self.items)
        self.items_layout.setSpacing(0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.items)
        self.preview = QLabel()
        self.preview.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.preview.setAccessibleName("Score so far")
        self.self_harm = QLabel()
        self.self_harm.setWordWrap(True)
        self.self_harm.setStyleSheet(SELF_HARM_STYLE)
        self.self_harm.setAccessibleName("Self-harm warning")
        self.self_harm.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.form_error)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.self_harm)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)

        self.instrument.setCurrentIndex(max(0, self.instrument.findData(instrument)))
        self.instrument.currentIndexChanged.connect(lambda _index: self._build_items())
        self._build_items()
        if settings is None or not restore_geometry(self, settings, "measure_form"):
            self.resize(620, 700)
        if self.pickers:
            self.pickers[0].setFocus()

    @property
    def form(self) -> Instrument:
        return CATALOGUE[self.instrument.currentData()]

    def answers(self) -> tuple[int | None, ...]:
        return tuple(p.value for p in self.pickers)

    def _build_items(self) -> None:
        """One row per item of the chosen instrument, all blank (answers never carry over between instruments)."""
        while self.items_layout.count():
            child = self.items_layout.takeAt(0).widget()
            if child is not None:
                child.hide()  # at once: deleteLater waits for the event loop
                child.deleteLater()
        self.slots = {"taken_at": self.slots["taken_at"]}
        self.pickers = []
        form = self.form
        label_width = max(self.fontMetrics().horizontalAdvance(_caption(item)) for item in form.items) + 16
        for number, item in enumerate(form.items, start=1):
            picker = AnswerPicker(number, item)
            word = QLabel()
            word.setMinimumWidth(130)
            word.setStyleSheet("color: #555;")
            picker.changed.connect(
                lambda p=picker, w=word: w.setText(p.item.choices[p.value] if p.value is not None else "")
            )
            picker.changed.connect(self._preview)
            number_label = QLabel(f"{number}.")
            number_label.setFixedWidth(28)
            number_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label = QLabel(_caption(item))
            label.setFixedWidth(label_width)
            label.setBuddy(picker)
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(number_label)
            row_layout.addWidget(label)
            frame = _left(picker)
            row_layout.addWidget(frame)
            row_layout.addWidget(word, 1)
            slot = OutlinedSlot(row, f"Item {number} ({item.label})", picker, frame)
            self.slots[f"item_{number}"] = slot
            self.items_layout.addWidget(slot)
            self.pickers.append(picker)
        self.items_layout.addStretch(1)
        chain = [self.instrument, self.taken_at, *self.pickers, *self.buttons.buttons()]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        self.legend.setText(_legend(form))
        self._preview()

    def _preview(self) -> None:
        form, answers = self.form, self.answers()
        result = score(form.code, answers)
        self.preview.setText(_preview_words(form, result))
        warning = self_harm_words(form, answers)
        self.self_harm.setText(warning)
        self.self_harm.setVisible(bool(warning))

    def save(self) -> bool:
        form, answers = self.form, self.answers()
        result = score(form.code, answers)
        if not result.complete:
            missing = ", ".join(
                str(n)
                for n, (item, a) in enumerate(zip(form.items, answers, strict=True), 1)
                if item.scored and a is None
            )
            text = (
                f"{result.answered} of {form.scored_items} items are answered (blank: {missing}). It will be kept "
                "without a total and won't count as a score."
            )
            if not ask_to_save_incomplete(self, text):
                return False
        try:
            taken_at = to_utc(self.taken_at.wall_clock(), self._zone)
            if taken_at is None:
                raise ValidationFailed([FieldError("taken_at", GAP_MESSAGE)])
            outcome = self._service.record(MeasureDraft(self._patient_id, form.code, answers, taken_at))
        except ValidationFailed as failure:
            show_field_errors(self.slots, failure.errors, self.form_error)
            return False
        except KapdeskError as error:  # refused, or the patient archived meanwhile
            self.show_problem(f"{error.title}: {error}")
            return False
        self.saved.emit(outcome)
        self.accept()
        return True

    def show_problem(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.setStyleSheet(ERROR_BOX)
        self.form_error.show()

    def done(self, result: int) -> None:
        if self._settings is not None:
            save_geometry(self, self._settings, "measure_form")
        super().done(result)


def _left(widget: QWidget) -> QFrame:
    """`widget` at its natural width in a frame that can carry an error outline."""
    frame = QFrame()
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(2, 2, 2, 2)
    layout.addWidget(widget)
    layout.addStretch(1)
    return frame


def _caption(item: Item) -> str:
    return item.label if item.scored else f"{item.label} (not scored)"


def _legend(form: Instrument) -> str:
    choices = form.items[0].choices
    return "Answers: " + " · ".join(f"{value} {word}" for value, word in enumerate(choices))


def _preview_words(form: Instrument, result: Score) -> str:
    if not result.complete:
        return f"{result.answered} of {form.scored_items} answered: no total until every item is."
    words = f"Total {result.total} of {form.total_max} · {result.band}"
    if result.dsm_pattern is not None:
        words += " · DSM-5 pattern " + ("met" if result.dsm_pattern else "not met")
    return words
