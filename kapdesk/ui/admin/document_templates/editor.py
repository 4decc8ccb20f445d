"""The form for one document template: title, code, kind, language, routes, and the body in kapdesk's markup with
the placeholders it may use beside it.

It holds what is typed and reads it back as a TemplateSpec. Field errors go under their fields; the body's errors
are listed under it with their line numbers, and choosing one puts the cursor on that line.
"""

from __future__ import annotations

import re
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import (
    LANGUAGES,
    PLACEHOLDERS,
    TITLE_MAX,
    DocumentKind,
    TemplateSpec,
)
from kapdesk.domain.errors import FieldError
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, as_sentence, outlined, show_field_errors
from kapdesk.ui.widgets.validated_form import INVALID_STYLE

LINE_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_ROWS_SHOWN = 4  # more scroll
ERROR_STYLE = "QListWidget { color: #c62828; }"
HINT_STYLE = "color: #555555;"
MARKUP_HINT = "# heading   ## section   - bullet   1. numbered   **bold**   {placeholder}"
_LINE = re.compile(r"^Line (\d+):")


class TemplateEditor(QWidget):
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.slots: dict[str, MessageSlot] = {}
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()

        self.title = QLineEdit()
        self.title.setMaxLength(TITLE_MAX)
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText("e.g. consent-iv-es")
        self.code.setToolTip("A short name that stays the same across versions: lower-case letters, digits, hyphens.")
        self.kind = QComboBox()
        for kind in DocumentKind:
            self.kind.addItem(kind.label, kind.value)  # Qt hands a StrEnum back as a plain str
        self.language = QComboBox()
        for key, name in LANGUAGES.items():
            self.language.addItem(name, key)
        self.routes = {route: QCheckBox(route.label[:1].upper() + route.label[1:]) for route in Route}
        routes_row = QWidget()
        routes_line = QHBoxLayout(routes_row)
        routes_line.setContentsMargins(0, 0, 0, 0)
        for box in self.routes.values():
            routes_line.addWidget(box)
        routes_line.addStretch(1)
        routes_frame = outlined(routes_row)

        self.body = QPlainTextEdit()
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setTabChangesFocus(True)  # the markup needs no tabs; Tab moves on, as everywhere else
        self.body.setPlaceholderText("# Title\n\nA paragraph with {patient.first_name}.\n\n## A section\n- a bullet")
        self._body_style = self.body.styleSheet()
        self.placeholders = QListWidget()
        self.placeholders.setToolTip("Double-click or press Enter to insert at the cursor.")
        for name, placeholder in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{name}}}")
            item.setData(LINE_ROLE, name)
            item.setToolTip(placeholder.means[:1].upper() + placeholder.means[1:])
            self.placeholders.addItem(item)
        self.placeholders.setFixedWidth(self.placeholders.sizeHintForColumn(0) + 28)
        self.position = QLabel()
        self.position.setStyleSheet(HINT_STYLE)
        hint = QLabel(MARKUP_HINT)
        hint.setStyleSheet(HINT_STYLE)
        self.errors = QListWidget()
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.setWordWrap(True)
        self.errors.setToolTip("Choose an error to go to its line.")
        self.errors.hide()

        for widget, name in (
            (self.title, "Title"), (self.code, "Code"), (self.kind, "Kind"), (self.language, "Language"),
            (self.body, "Text"), (self.placeholders, "Placeholders"), (self.errors, "Errors in the text"),
        ):  # fmt: skip
            widget.setAccessibleName(name)
        self.slots["title"] = MessageSlot(self.title, "Title")
        self.slots["code"] = MessageSlot(self.code, "Code")
        self.slots["kind"] = MessageSlot(self.kind, "Kind")
        self.slots["language"] = MessageSlot(self.language, "Language")
        self.slots["routes"] = OutlinedSlot(routes_frame, "Routes", routes_row, routes_frame)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_caption("&Title", self.title), self.slots["title"])
        details = QHBoxLayout()
        details.addWidget(self.slots["code"], 1)
        for label, name in (("&Kind", "kind"), ("&Language", "language")):
            details.addSpacing(12)
            details.addWidget(_caption(label, self.slots[name].input, aligned=True), 0, Qt.AlignmentFlag.AlignTop)
            details.addWidget(self.slots[name])
        form.addRow(_caption("Co&de", self.code), _wrapped(details))
        form.addRow(_caption("Routes", self.routes[Route.IV]), self.slots["routes"])

        text_side = QVBoxLayout()
        text_side.addWidget(_caption("Te&xt", self.body))
        text_side.addWidget(self.body, 1)
        text_side.addWidget(hint)
        list_side = QVBoxLayout()
        list_side.addWidget(_caption("&Placeholders", self.placeholders))
        list_side.addWidget(self.placeholders, 1)
        list_side.addWidget(self.position)
        text = QHBoxLayout()
        text.addLayout(text_side, 1)
        text.addLayout(list_side)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form_error)
        column.addLayout(form)
        column.addLayout(text, 1)
        column.addWidget(self.errors)

        self.title.textEdited.connect(self.edited)
        self.code.textEdited.connect(self.edited)
        self.kind.currentIndexChanged.connect(self.edited)
        self.language.currentIndexChanged.connect(self.edited)
        for box in self.routes.values():
            box.toggled.connect(self.edited)
        self.body.textChanged.connect(self.edited)
        self.body.cursorPositionChanged.connect(self._show_position)
        self.placeholders.itemActivated.connect(lambda item: self.insert_placeholder(item.data(LINE_ROLE)))
        self.errors.itemActivated.connect(self._go_to_error)
        self.errors.itemClicked.connect(self._go_to_error)
        self.after: list[QWidget] = []  # what Tab reaches after the form (the preview and the Save bar)

    # -- the values --------------------------------------------------------------------------------------

    def show_template(self, spec: TemplateSpec, code: str, new: bool) -> None:
        """Load `spec`; a new template takes a code and a kind, an existing one keeps both."""
        self.blockSignals(True)  # loading is not editing
        self.title.setText(spec.title)
        self.code.setText(code)
        self.code.setReadOnly(not new)
        self.kind.setCurrentIndex(list(DocumentKind).index(spec.kind))
        self.kind.setEnabled(new)
        self.kind.setToolTip("" if new else "A template keeps its kind; add a new template for another kind.")
        self.language.setCurrentIndex(max(self.language.findData(spec.language), 0))
        for route, box in self.routes.items():
            box.setChecked(route in spec.routes)
        self.body.setPlainText(spec.body)
        self.blockSignals(False)
        self._restack()
        self.show_errors([])

    def set_read_only(self, read_only: bool) -> None:
        """A retired version: readable and previewed, not editable."""
        self.title.setReadOnly(read_only)
        self.body.setReadOnly(read_only)
        for widget in (self.language, *self.routes.values()):
            widget.setEnabled(not read_only)
        self.placeholders.setEnabled(not read_only)

    def spec(self) -> TemplateSpec:
        return TemplateSpec(
            kind=DocumentKind(self.kind.currentData()),
            title=self.title.text(),
            routes=frozenset(route for route, box in self.routes.items() if box.isChecked()),
            language=self.language.currentData() or "",
            body=self.body.toPlainText(),
        )

    # -- errors ------------------------------------------------------------------------------------------

    def show_errors(self, errors: list[FieldError], focus: bool = True) -> list[FieldError]:
        """Field errors under their fields, the text's errors listed under it; returns those that found no
        place. With `focus`, the first field in error takes the keyboard."""
        in_text = [e for e in errors if e.field == "body" or e.field in PLACEHOLDERS]
        rest = [e for e in errors if e not in in_text]
        at_fields = any(e.field in self.slots for e in rest)
        unplaced = show_field_errors(self.slots, rest, self.form_error, focus=focus)
        self.errors.clear()
        for error in in_text:
            message = error.message if error.message.endswith((".", "?", "!")) else as_sentence(error.message)
            item = QListWidgetItem(message)
            found = _LINE.match(message)
            item.setData(LINE_ROLE, int(found.group(1)) if found else 0)
            item.setToolTip("Go to this line" if found else "")
            self.errors.addItem(item)
        rows = min(len(in_text), ERROR_ROWS_SHOWN)
        self.errors.setFixedHeight(rows * (self.errors.sizeHintForRow(0) + 2) + 2 * self.errors.frameWidth() + 4)
        self.errors.setVisible(bool(in_text))
        self.body.setStyleSheet(f"QPlainTextEdit {{ {INVALID_STYLE} }}" if in_text else self._body_style)
        if focus and in_text and not at_fields:
            self.body.setFocus()
        return unplaced

    def error_lines(self) -> list[str]:
        return [self.errors.item(i).text() for i in range(self.errors.count())]

    # -- the text ----------------------------------------------------------------------------------------

    def insert_placeholder(self, name: str) -> None:
        self.body.insertPlainText(f"{{{name}}}")
        self.body.setFocus()

    def go_to_line(self, number: int) -> None:
        block = self.body.document().findBlockByNumber(max(number - 1, 0))
        cursor = self.body.textCursor()
        cursor.setPosition(block.position())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        self.body.setTextCursor(cursor)
        self.body.centerCursor()
        self.body.setFocus()

    def _go_to_error(self, item: QListWidgetItem) -> None:
        line = item.data(LINE_ROLE)
        if line:
            self.go_to_line(line)

    def _show_position(self) -> None:
        cursor = self.body.textCursor()
        self.position.setText(f"Line {cursor.blockNumber() + 1}, column {cursor.positionInBlock() + 1}")

    def _restack(self) -> None:
        """Tab order: the fields top to bottom, the text, its placeholders and errors, then what follows."""
        chain = [self.title, self.code, self.kind, self.language, *self.routes.values(), self.body,
                 self.placeholders, self.errors, *self.after]  # fmt: skip
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)


def _caption(text: str, buddy: QWidget, aligned: bool = False) -> QLabel:
    """A label that focuses `buddy` by its mnemonic; `aligned`: as tall as the field, to sit level with it."""
    label = QLabel(text)
    label.setBuddy(buddy)
    if aligned:
        label.setFixedHeight(buddy.sizeHint().height())
    return label


def _wrapped(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
