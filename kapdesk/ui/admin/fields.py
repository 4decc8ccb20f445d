"""Per-field errors for the admin forms, whichever shape the service's message comes in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from kapdesk.domain.errors import FieldError
from kapdesk.ui.widgets.validated_form import INVALID_STYLE, FieldSlot

ERROR_STYLE = "color: #c62828; font-weight: bold;"
_FOLLOWS_LABEL = ("is ", "isn't ", "are ", "must ", "has ", "doesn't ", "should ")


class MessageSlot(FieldSlot):
    """A FieldSlot that words the service's message to read well, whatever its shape.

    Services speak in fragments meant to follow the field's name ("is required", "must be a time zone…")
    and in whole sentences ("Use at least 12 characters…", "choose at least one role"). Only the first kind
    gets the label in front; "Password Use at least…" or "Roles choose…" would read badly.
    """

    def show_error(self, message: str) -> None:
        super().show_error(message)
        if not message.startswith(_FOLLOWS_LABEL):
            self.error.setText(as_sentence(message))


class OutlinedSlot(MessageSlot):
    """A slot whose red outline goes on a frame around the input rather than on the input itself.

    For a group of checkboxes (a plain style sheet would cascade a border onto every one) and for spin
    boxes (a border style makes Qt drop their arrows).
    """

    def __init__(self, editor: QWidget, label: str, value_widget: QWidget, outline: QFrame) -> None:
        super().__init__(editor, label, value_widget)
        self.outline = outline
        outline.setObjectName(outline.objectName() or f"outline_{id(outline)}")

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.input.setStyleSheet(self._normal_style)
        self.outline.setStyleSheet(f"#{self.outline.objectName()} {{ {INVALID_STYLE} }}")

    def clear_error(self) -> None:
        super().clear_error()
        self.outline.setStyleSheet("")


def outlined(widget: QWidget) -> QFrame:
    """`widget` in a frame that can carry an error outline."""
    frame = QFrame()
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(2, 2, 2, 2)
    layout.addWidget(widget)
    return frame


def show_field_errors(
    slots: Mapping[str, FieldSlot], errors: Iterable[FieldError], fallback: QLabel, focus: bool = True
) -> list[FieldError]:
    """Put each error under its field; errors for fields this form doesn't have go to `fallback`.

    Returns the errors that found no field, so a caller can tell whether anything went unplaced.
    """
    for slot in slots.values():
        slot.clear_error()
    unplaced: list[FieldError] = []
    first: QWidget | None = None
    for error in errors:
        slot = slots.get(error.field)
        if slot is None:
            unplaced.append(error)
            continue
        slot.show_error(error.message)
        first = first or slot.input
    if unplaced:
        fallback.setText(" ".join(as_sentence(e.message) for e in unplaced))
        fallback.setStyleSheet(ERROR_STYLE)
        fallback.show()
    else:
        fallback.hide()
    if focus and first is not None:
        first.setFocus()
    return unplaced


def clear_field_errors(slots: Mapping[str, FieldSlot], fallback: QLabel) -> None:
    for slot in slots.values():
        slot.clear_error()
    fallback.hide()


def as_sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith(".") else f"{text}."
