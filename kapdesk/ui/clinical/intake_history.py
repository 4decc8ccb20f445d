"""The intake's medical history: free text saved against the version it was loaded from. A save that someone else's
beat is shown with both ways on (load theirs, or save mine over theirs); what was typed is never replaced unasked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QFrame, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.domain.intake import HISTORY_MAX, Intake
from kapdesk.services.intake import History, IntakeService
from kapdesk.ui.admin.fields import MessageSlot

BANNER_STYLE = "QFrame { background: #fff4e5; border: 1px solid #f0a202; border-radius: 4px; }"


class HistoryBox(QGroupBox):
    saved = Signal(object)  # Outcome[int]

    def __init__(self, service: IntakeService, patient_id: int, writes: bool) -> None:
        super().__init__("Medical history")
        self._service = service
        self._patient_id = patient_id
        self._writes = writes
        self._base = History("", 0)  # what the text was loaded from, and the version a save is checked against
        self._theirs: History | None = None

        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Medical history")
        self.text.setTabChangesFocus(True)
        self.text.setReadOnly(not writes)
        self.text.setPlaceholderText("Past illnesses, operations, hospital stays, family history…")
        self.text.setMinimumHeight(150)
        self.slot = MessageSlot(self.text, "Medical history")
        QShortcut(QKeySequence.StandardKey.Save, self.text, self.save, context=Qt.ShortcutContext.WidgetShortcut)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555555;")
        self.save_button = QPushButton("Save &history")
        self.save_button.setVisible(writes)
        self.save_button.clicked.connect(lambda: self.save())

        self.conflict = QFrame()
        self.conflict.setStyleSheet(BANNER_STYLE)
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        self.load_theirs = QPushButton("Load their version")
        self.save_mine = QPushButton("Save mine over theirs")
        self.load_theirs.clicked.connect(self._load_theirs)
        self.save_mine.clicked.connect(self._save_mine)
        banner = QVBoxLayout(self.conflict)
        banner.addWidget(self.conflict_text)
        choices = QHBoxLayout()
        choices.addStretch(1)
        choices.addWidget(self.load_theirs)
        choices.addWidget(self.save_mine)
        banner.addLayout(choices)
        self.conflict.hide()

        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.conflict)
        layout.addWidget(self.slot, 1)
        layout.addLayout(row)
        self.text.textChanged.connect(self._edited)
        self._edited()

    @property
    def dirty(self) -> bool:
        return self.text.toPlainText().strip() != self._base.body

    def show_intake(self, intake: Intake) -> None:
        if not self.dirty:  # never replace what someone is typing; Save will say if it went stale
            self._base = History(intake.history, intake.history_version)
            if self.text.toPlainText().strip() != intake.history:  # the same text keeps its cursor
                self.text.setPlainText(intake.history)
                self.text.moveCursor(QTextCursor.MoveOperation.End)
        self._edited()

    def _edited(self) -> None:
        length = len(self.text.toPlainText().strip())
        self.save_button.setEnabled(self.dirty)
        state = "Not saved" if self.dirty else ("Saved" if self._base.version else "")
        count = f"{length:,} / {HISTORY_MAX:,} characters" if length > HISTORY_MAX * 0.9 else ""
        self.status.setText(" · ".join(part for part in (state, count) if part))

    def save(self) -> bool:
        if not self._writes or not self.dirty:
            return False
        try:
            outcome = self._service.set_history(self._patient_id, self._base.version, self.text.toPlainText())
        except ConflictError as conflict:
            self._theirs = conflict.current  # type: ignore[assignment]
            self.conflict_text.setText(f"{conflict.message} {conflict.remedy}")
            self.conflict.show()
            return False
        except ValidationFailed as failure:
            self.slot.show_error(" ".join(e.message for e in failure.errors))
            self.text.setFocus()
            return False
        except KapdeskError as error:
            self.slot.show_error(f"{error.title}: {error}")
            return False
        self.conflict.hide()
        self.slot.clear_error()
        self._base = History(self.text.toPlainText().strip(), outcome.value)
        self._edited()
        self.saved.emit(outcome)
        return True

    def _load_theirs(self) -> None:
        if self._theirs is not None:
            self._base = self._theirs
            self.text.setPlainText(self._theirs.body)
        self.conflict.hide()

    def _save_mine(self) -> None:
        if self._theirs is not None:  # knowingly replace their text, as of the version just seen
            self._base = self._theirs
        self.save()
