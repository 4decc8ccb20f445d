"""A thin table model over the notes a user may see (the service has already left out what they may not)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.notes import NoteRecord
from kapdesk.ui.formatting import show_timestamp

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Written", "Kind", "Author", "Status")
PRIVATE_BACKGROUND = QColor("#f3ecfa")  # psychotherapy notes stand out as the author's private notes

_Index = QModelIndex | QPersistentModelIndex


def status_of(note: NoteRecord) -> str:
    return f"Signed {show_timestamp(note.signed_at)}" if note.signed_at else "Draft"


class NotesTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[NoteRecord] = []

    def set_rows(self, rows: list[NoteRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def note_at(self, row: int) -> NoteRecord:
        return self._rows[row]

    def row_of(self, note_id: int) -> int | None:
        return next((i for i, n in enumerate(self._rows) if n.id == note_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        note = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (show_timestamp(note.created_at), note.kind.label, note.author_name, status_of(note))[index.column()]
        if role == NOTE_ROLE:
            return note
        if role == Qt.ItemDataRole.BackgroundRole and note.is_psychotherapy:
            return QBrush(PRIVATE_BACKGROUND)
        return None
