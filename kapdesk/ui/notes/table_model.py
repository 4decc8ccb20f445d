"""A thin table model over the notes a user may see (the service has already left out what they may not)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.notes import NoteRecord
from kapdesk.ui.formatting import show_timestamp
from kapdesk.ui.widgets.rows_model import RowsTableModel

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Written", "Kind", "Author", "Status")
PRIVATE_BACKGROUND = QColor("#f3ecfa")  # psychotherapy notes stand out as the author's private notes


def status_of(note: NoteRecord) -> str:
    return f"Signed {show_timestamp(note.signed_at)}" if note.signed_at else "Draft"


class NotesTableModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, NOTE_ROLE, self._cell, self._look)

    def set_rows(self, rows: list[NoteRecord]) -> None:
        self._replace(rows)

    def note_at(self, row: int) -> NoteRecord:
        return self._rows[row]

    def row_of(self, note_id: int) -> int | None:
        return self._find(lambda n: n.id == note_id)

    def _cell(self, note: NoteRecord, column: int) -> str:
        return (show_timestamp(note.created_at), note.kind.label, note.author_name, status_of(note))[column]

    def _look(self, note: NoteRecord, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and note.is_psychotherapy:
            return QBrush(PRIVATE_BACKGROUND)
        return None
