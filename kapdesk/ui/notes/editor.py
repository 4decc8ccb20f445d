"""Write a new note or edit your own unsigned one. Whatever goes wrong, the typed text stays in the form."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.domain.notes import BODY_MAX, NoteKind, NoteRecord, NoteSigned
from kapdesk.services.notes import NoteService
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.session.drafts import DraftRequest
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.message_styles import ERROR_BOX
from kapdesk.ui.widgets.validated_form import FieldSlot, add_row

PRIVATE_HINT = "Psychotherapy notes are kept apart from the medical record: only you will be able to read this note."


class NoteEditor(QDialog):
    saved = Signal(object)  # Outcome[NoteRecord]

    def __init__(
        self,
        service: NoteService,
        patient_id: int,
        kinds: list[NoteKind],
        note: NoteRecord | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        patient_label: str = "",
    ) -> None:
        """A new note of one of `kinds` (the kinds this user may write), or an edit of `note`."""
        super().__init__(parent)
        self._service = service
        self._patient_id = patient_id
        self._note = note
        self._settings = settings
        self._patient_label = patient_label
        self.setWindowTitle(f"Edit {note.kind.label.lower()} note" if note else "New note")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()

        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of note")
        for kind in [note.kind] if note else kinds:
            self.kind.addItem(kind.label, kind.value)  # Qt keeps a StrEnum only as its str
        self.kind.setEnabled(note is None)  # a note keeps its kind: who may read it depends on it
        self.private_hint = QLabel(PRIVATE_HINT)
        self.private_hint.setWordWrap(True)
        self.private_hint.setStyleSheet("color: #5b3a87;")

        self.body = QPlainTextEdit()
        self.body.setAccessibleName("Note")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(220)
        self.body_slot = FieldSlot(self.body, "Note")
        self.counter = QLabel()
        self.counter.setStyleSheet("color: #555555;")

        form = QFormLayout()
        kind_caption = QLabel("&Kind")
        kind_caption.setBuddy(self.kind)
        form.addRow(kind_caption, self.kind)
        form.addRow("", self.private_hint)
        add_row(form, "&Note", self.body_slot, required=True)
        form.addRow("", self.counter)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form, 1)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.body.textChanged.connect(self._count)
        if note is not None:
            self.body.setPlainText(note.body)
            self.body.moveCursor(QTextCursor.MoveOperation.End)  # carry on where the note ends
        self._saved_text = self.body.toPlainText()
        self._kind_changed()
        self._count()
        self.setMinimumWidth(560)
        if settings is None or not restore_geometry(self, settings, "note_editor"):
            self.resize(640, 440)
        (self.body if note else self.kind).setFocus()

    @property
    def chosen_kind(self) -> NoteKind:
        return NoteKind(self.kind.currentData())

    def select_kind(self, kind: NoteKind) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind.value))

    def _kind_changed(self) -> None:
        self.private_hint.setVisible(self.kind.count() > 0 and self.chosen_kind.is_psychotherapy)

    def _count(self) -> None:
        length = len(self.body.toPlainText().strip())
        self.counter.setText(f"{length:,} / {BODY_MAX:,} characters")
        self.counter.setStyleSheet("color: #c62828;" if length > BODY_MAX else "color: #555555;")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> bool:
        if not self.save_button.isEnabled():  # Ctrl+S after the note was signed elsewhere
            return False
        self.body_slot.clear_error()
        self.show_message("")
        text = self.body.toPlainText()
        try:
            if self._note is None:
                outcome = self._service.write(self._patient_id, self.chosen_kind, text)
            else:
                outcome = self._service.edit(self._note.id, self._note.version, text)
        except ValidationFailed as failure:
            for error in failure.errors:
                self.body_slot.show_error(error.message)
            self.body.setFocus()
            return False
        except ConflictError as conflict:
            self._show_conflict(conflict)
            return False
        except NoteSigned:
            self._signed_meanwhile("This note was signed on another computer after you opened it.")
            return False
        except KapdeskError as error:  # refused, signed meanwhile, gone: say so and keep the text
            self.show_message(f"{error.title}: {error}")
            return False
        self._note = outcome.value
        self._saved_text = text
        self.saved.emit(outcome)
        self.accept()
        return True

    def _show_conflict(self, conflict: ConflictError) -> None:
        current: NoteRecord = conflict.current  # type: ignore[assignment]
        if current.signed:
            self._signed_meanwhile(conflict.message)
            return
        self._note = current  # saving again replaces their text with this form's, knowingly
        self.show_message(f"{conflict.message} {conflict.remedy} Save again to replace their text with yours.")

    def _signed_meanwhile(self, what_happened: str) -> None:
        self.show_message(
            f"{what_happened} A signed note can't be changed, so nothing you typed has been saved: copy anything "
            "you need before closing this form."
        )
        self.save_button.setEnabled(False)

    # -- drafts: what another user signing in must not lose ---------------------------------------

    def draft_request(self) -> DraftRequest | None:
        if not self.dirty or not self.save_button.isEnabled():
            return None
        kind = self.chosen_kind
        fields = {
            "kind": kind.value,
            "note_id": str(self._note.id) if self._note else "",
            "body": self.body.toPlainText(),
        }
        label = f"{kind.label} note{' for ' + self._patient_label if self._patient_label else ''}"
        draft_kind = "psychotherapy_note" if kind.is_psychotherapy else "note"
        return DraftRequest(draft_kind, self._patient_id, self._note.version if self._note else None, label, fields)

    def close_without_asking(self) -> None:
        self.done(QDialog.DialogCode.Rejected)

    def load_draft(self, fields: dict[str, str], base_version: int | None) -> None:
        """Put a kept draft's text back; say so if the note changed since the draft was kept."""
        if self._note is None and fields.get("kind"):
            self.select_kind(NoteKind(fields["kind"]))
        self.body.setPlainText(fields.get("body", ""))
        self.body.moveCursor(QTextCursor.MoveOperation.End)
        if self._note is not None and base_version is not None and base_version != self._note.version:
            self.show_message(
                "This note was changed after your draft was kept. Saving replaces the newer text with yours."
            )

    # -- closing -----------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.body.toPlainText() != self._saved_text

    def reject(self) -> None:
        if (
            self.isVisible()
            and self.dirty
            and not may_discard(self, "Discard this note?", "What you typed has not been saved. Discard it?")
        ):
            return
        super().reject()

    def done(self, result: int) -> None:
        if self._settings is not None:
            save_geometry(self, self._settings, "note_editor")
        super().done(result)
