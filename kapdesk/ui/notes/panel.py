"""The Notes tab of a patient's chart: the notes this user may see, the selected one in full, and the actions on
their own notes. The service decides what is listed; this panel only hides buttons that would be refused."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, KapdeskError
from kapdesk.domain.notes import NoteRecord, writable_kinds
from kapdesk.domain.permissions import Permission
from kapdesk.services.drafts import DraftContent
from kapdesk.services.notes import NoteService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.formatting import show_timestamp
from kapdesk.ui.notes.editor import NoteEditor
from kapdesk.ui.notes.table_model import NotesTableModel, status_of
from kapdesk.ui.widgets.record_panel import RecordPanel


def may_see_notes(actor: Actor) -> bool:
    """Whether a Notes tab is worth showing: clinical staff, or a therapist for their own private notes."""
    return actor.may(Permission.VIEW_CLINICAL) or actor.may(Permission.WRITE_PSYCHOTHERAPY_NOTES)


class NotesPanel(RecordPanel):
    """Reads the notes when first shown (each listing is an audited view), and again whenever this patient
    changes. `bus`, if given, carries this panel's changes to the rest of the app and others' back to it."""

    def __init__(
        self,
        service: NoteService,
        patient_id: int,
        actor: Actor,
        bus: ChangeBus | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(patient_id, bus, parent)
        self._service = service
        self._actor = actor
        self._settings = settings
        self._kinds = writable_kinds(actor.may)
        self.editor: NoteEditor | None = None
        self.patient_label = ""  # e.g. "Ana Ng (KD-000123)", for the label of a kept draft

        self.model = NotesTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Notes")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.viewer = QPlainTextEdit()
        self.viewer.setReadOnly(True)
        self.viewer.setAccessibleName("Selected note")
        viewer_box = QWidget()
        viewer_layout = QVBoxLayout(viewer_box)
        viewer_layout.setContentsMargins(0, 0, 0, 0)
        viewer_layout.addWidget(self.heading)
        viewer_layout.addWidget(self.viewer, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(viewer_box)
        self.splitter.setStretchFactor(1, 1)

        self.new_button = QPushButton("&New note…")
        self.edit_button = QPushButton("&Edit…")
        self.sign_button = QPushButton("&Sign…")
        self.new_button.setVisible(bool(self._kinds))
        self.new_button.clicked.connect(lambda: self.new_note())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.sign_button.clicked.connect(lambda: self.sign_selected())
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.button_row(self.new_button, self.edit_button, self.sign_button))
        self._selection_changed()

    # -- reading -----------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (note.id if (note := self.selected()) else None)
        notes = self.read(lambda: self._service.list_for_patient(self._patient_id))
        if notes is None:
            self.model.set_rows([])
            self.status.setText("")
            self._selection_changed()
            return
        self.model.set_rows(notes)
        private = sum(1 for n in notes if n.is_psychotherapy)
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}"
        self.status.setText(f"{count} · {private} private, visible to you only" if private else count)
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        self._selection_changed()

    def selected(self) -> NoteRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.note_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        note = self.selected()
        self.new_button.setEnabled(not self._refused)
        self.splitter.setVisible(not self._refused)  # nothing to list: the refusal says why
        mine = self._may_change(note)
        self.edit_button.setEnabled(mine)
        self.sign_button.setEnabled(mine)
        if note is None:
            self.heading.setText("")
            self.viewer.setPlainText("")
            return
        self.heading.setText(
            f"{note.kind.label} note · {note.author_name} · {show_timestamp(note.created_at)} · {status_of(note)}"
        )
        self.viewer.setPlainText(note.body)

    def _may_change(self, note: NoteRecord | None) -> bool:
        return note is not None and note.author_id == self._actor.user_id and not note.signed

    def cares(self, changes: Changes) -> bool:
        return self._patient_id in changes.patients

    # -- actions -----------------------------------------------------------------------------------

    def resume_draft(self, take: Callable[[], DraftContent]) -> NoteEditor:
        """Open the form on a kept draft (a new note, or an edit of this user's unsigned note). `take` hands
        the draft over, removing it, so it runs only once no other note form is in the way."""
        if self.editor is not None and self.editor.isVisible():
            raise KapdeskError("A note form is already open for this patient.", "Save or close it, then resume.")
        content = take()
        note_id = content.fields.get("note_id", "")
        note = self._service.get(int(note_id)) if note_id else None
        editor = self._open_editor(note)
        editor.load_draft(content.fields, content.base_version)
        return editor

    def new_note(self) -> NoteEditor | None:
        return self._open_editor(None) if self._kinds else None

    def edit_selected(self) -> NoteEditor | None:
        note = self.selected()
        return self._open_editor(note) if self._may_change(note) else None

    def _open_editor(self, note: NoteRecord | None) -> NoteEditor:
        if self.editor is not None and self.editor.isVisible():  # one form at a time, never a lost one
            self.editor.raise_()
            self.editor.activateWindow()
            return self.editor
        self.editor = NoteEditor(
            self._service, self._patient_id, self._kinds, note, self._settings, self.window(), self.patient_label
        )
        self.editor.saved.connect(self._after)
        self.editor.open()
        return self.editor

    def sign_selected(self) -> bool:
        note = self.selected()
        if not self._may_change(note):
            return False
        assert note is not None
        answer = QMessageBox.question(
            self,
            "Sign this note?",
            f"Sign your {note.kind.label.lower()} note of {show_timestamp(note.created_at)}?\n\n"
            "Once signed, it can no longer be changed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            outcome = self._service.sign(note.id, note.version)
        except ConflictError as conflict:
            self.reload()
            self.show_message(f"{conflict.message} Read it again before signing; nothing was signed.")
            return False
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return False
        self._after(outcome)
        return True

    def _after(self, outcome: Outcome[NoteRecord]) -> None:
        """Refresh once: through the bus (which also tells the rest of the app) or directly."""
        if self.publish(outcome.changes):
            self.reload(select=outcome.value.id)
        elif (row := self.model.row_of(outcome.value.id)) is not None:
            self.table.selectRow(row)
