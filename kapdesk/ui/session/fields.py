"""A form of FieldSlots keyed by the field names services use in ValidationFailed, shown in screen order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from kapdesk.domain.errors import FieldError
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row

ERROR_STYLE = "color: #c62828;"


class FieldForm:
    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.slots: dict[str, FieldSlot] = {}
        self.general = QLabel()  # a problem that belongs to no one field
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()

    def add(self, name: str, label: str, widget: QWidget, required: bool = False, hint: str = "") -> FieldSlot:
        slot = FieldSlot(widget, label)
        widget.setAccessibleName(label)
        if hint:
            widget.setToolTip(hint)
            if isinstance(widget, QLineEdit):
                widget.setPlaceholderText(hint)
        self.slots[name] = slot
        add_row(self.form, label, slot, required)
        return slot

    def line(self, name: str) -> QLineEdit:
        widget = self.slots[name].input
        assert isinstance(widget, QLineEdit)
        return widget

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each message under its field, the first bad field focused; a message for no field goes on top."""
        for slot in self.slots.values():
            slot.clear_error()
        order = list(self.slots)
        ours = sorted((e for e in errors if e.field in self.slots), key=lambda e: order.index(e.field))
        for error in ours:
            slot = self.slots[error.field]
            slot.show_error(error.message)
            if error.message[:1].isupper():  # a whole sentence (the password rules) reads better on its own
                slot.error.setText(error.message)
        others = [e.message for e in errors if e.field not in self.slots]
        self.general.setText(" ".join(others))
        self.general.setVisible(bool(others))
        if ours:
            self.slots[ours[0].field].input.setFocus(Qt.FocusReason.OtherFocusReason)
        grow_to_fit(self.general.window())

    def first_error(self) -> str | None:
        return next((name for name, slot in self.slots.items() if slot.has_error), None)


def align_labels(*forms: QFormLayout) -> None:
    """One label column across several boxes, so their fields line up."""
    labels = [
        item.widget()
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None and item.widget() is not None
    ]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def grow_to_fit(window: QWidget) -> None:
    """Make room for messages that just appeared: a dialog doesn't grow by itself, it squeezes its fields."""
    layout = window.layout()
    needed = window.sizeHint().height()
    if layout is not None and layout.hasHeightForWidth():
        needed = max(needed, layout.totalHeightForWidth(window.width()))
    if needed > window.height():
        window.resize(window.width(), needed)


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(256)
    return edit
