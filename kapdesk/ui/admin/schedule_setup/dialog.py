"""The bones of the set-up dialogs: a form whose problems show under their fields, Save/Cancel, kept geometry."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.changes import Outcome
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed
from kapdesk.ui.admin.fields import MessageSlot, as_sentence, show_field_errors
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.validated_form import add_row


class SetupDialog(QDialog):
    saved = Signal(object)  # the Outcome of the service call

    def __init__(self, title: str, settings: QSettings, key: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._settings = settings
        self._key = key
        self.slots: dict[str, MessageSlot] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(440)

    def add_field(self, name: str, caption: str, slot: MessageSlot, required: bool = False) -> None:
        self.slots[name] = slot
        add_row(self.form, caption, slot, required)

    def finish(self, save: Callable[[], None]) -> None:
        """Lay out the form; Save (and Enter) runs `save`."""
        self.buttons.accepted.connect(save)
        column = QVBoxLayout(self)
        column.addWidget(self.form_error)
        column.addLayout(self.form)
        column.addStretch(1)
        column.addWidget(self.buttons)
        restore_geometry(self, self._settings, self._key)

    def submit(self, call: Callable[[], Outcome[object]]) -> None:
        """Run the service call; close with its outcome, or show why not and keep everything typed."""
        try:
            outcome = call()
        except ValidationFailed as invalid:
            self.show_errors(invalid.errors)
            return
        except KapdeskError as error:
            self.show_errors([FieldError("", str(error))])
            return
        self.saved.emit(outcome)
        self.accept()

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.slots, errors, self.form_error)
        self.adjustSize()  # grow to fit the messages rather than clip them

    def done(self, result: int) -> None:
        save_geometry(self, self._settings, self._key)
        super().done(result)


def error_words(error: KapdeskError) -> str:
    """What went wrong, in sentences, for a message box (a refused field's message without its field name)."""
    if isinstance(error, ValidationFailed):
        return " ".join(as_sentence(e.message) for e in error.errors)
    return as_sentence(str(error))
