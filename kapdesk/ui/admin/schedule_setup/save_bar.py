"""Save and Revert for a form of hours, with a line saying where the form stands."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kapdesk.ui.widgets.message_styles import ERROR_BOX

SAVED_STYLE = "color: #1b5e20;"
EDITED_STYLE = "color: #8a5a00;"


class SaveBar(QWidget):
    def __init__(self, form: QWidget, save_text: str = "&Save", revert_text: str = "Re&vert") -> None:
        super().__init__()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.revert_button = QPushButton(revert_text)
        self.save_button = QPushButton(save_text)
        self.save_button.setToolTip("Ctrl+S")
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.status, 1)
        line.addWidget(self.revert_button)
        line.addWidget(self.save_button)
        # Ctrl+S saves the form the keyboard is in, not some other tab's.
        self.shortcut = QShortcut(
            QKeySequence.StandardKey.Save, form, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.shortcut.activated.connect(self.save_button.click)

    def say(self, text: str, style: str = "") -> None:
        self.status.setStyleSheet(style)
        self.status.setText(text)

    def saved(self) -> None:
        self.say("Saved.", SAVED_STYLE)

    def edited(self) -> None:
        self.say("Not saved yet.", EDITED_STYLE)

    def refused(self, text: str = "Not saved — please check the highlighted days.") -> None:
        self.say(text, ERROR_BOX)
