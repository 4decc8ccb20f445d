"""What the main window shows instead of its work while nobody may see it: locked, or signed out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.access import Actor
from kapdesk.ui.session.fields import password_edit
from kapdesk.ui.widgets.message_styles import ERROR_BOX


class LockScreen(QWidget):
    """Locked: who holds the session, a password box and Switch user. Signed out: an empty page, since a
    sign-in dialog is on top of it (cancelling that quits kapdesk)."""

    unlock_requested = Signal(str)  # the password typed
    switch_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Lock screen")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.password: QLineEdit = password_edit()
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("Password")
        self.password.returnPressed.connect(self._unlock)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_BOX)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        self.switch_button = QPushButton("Switch user…")
        self.switch_button.clicked.connect(self.switch_requested)

        entry = QHBoxLayout()
        entry.addWidget(self.password, 1)
        entry.addWidget(self.unlock_button)
        self.card = card = QFrame()
        card.setObjectName("lockCard")
        card.setStyleSheet("#lockCard { border: 1px solid palette(mid); border-radius: 8px; }")
        card.setFixedWidth(420)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 24, 24, 24)
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addLayout(entry)
        inner.addWidget(self.message)
        inner.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignCenter)
        # Centred with stretches, not an alignment flag: an aligned widget loses its height-for-width, and the
        # wrapped text would be clipped.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.show_signed_out()

    def show_locked(self, actor: Actor) -> None:
        self.title.setText("kapdesk is locked")
        self.who.setText(f"Locked for {actor.display_name}. Enter your password to carry on where you left off.")
        self.password.clear()
        self.message.hide()
        self.card.show()
        self.password.setFocus()

    def show_signed_out(self) -> None:
        self.password.clear()
        self.message.hide()
        self.card.hide()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus()

    def _unlock(self) -> None:
        if self.password.text():
            self.unlock_requested.emit(self.password.text())
