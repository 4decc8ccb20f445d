"""Form fields that show a problem where it is: a red outline on the field and the reason under it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

INVALID_STYLE = "border: 2px solid #c62828; border-radius: 3px;"
ERROR_LABEL_STYLE = "color: #c62828;"


class FieldSlot(QWidget):
    """An input plus its (normally hidden) error message, placed as one row of a QFormLayout."""

    def __init__(self, editor: QWidget, label: str, value_widget: QWidget | None = None) -> None:
        super().__init__()
        self.editor = editor
        self.input = value_widget or editor  # the widget holding the value, when `editor` wraps several
        self.label = label
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_LABEL_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.error)
        self._normal_style = self.input.styleSheet()

    def show_error(self, message: str) -> None:
        self.input.setStyleSheet(INVALID_STYLE)
        self.input.setProperty("invalid", True)
        self.input.setAccessibleDescription(f"{self.label} {message}")
        self.error.setText(f"{self.label} {message}.")
        self.error.show()

    def clear_error(self) -> None:
        self.input.setStyleSheet(self._normal_style)
        self.input.setProperty("invalid", False)
        self.input.setAccessibleDescription("")
        self.error.hide()

    @property
    def has_error(self) -> bool:
        return bool(self.input.property("invalid"))


def add_row(form: QFormLayout, label: str, slot: FieldSlot, required: bool = False) -> None:
    caption = QLabel(f"{label}{' *' if required else ''}")
    caption.setBuddy(slot.input)
    form.addRow(caption, slot)
