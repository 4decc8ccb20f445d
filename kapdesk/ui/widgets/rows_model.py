"""The shared bones of kapdesk's thin table models: a list of plain rows from a service, fixed columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


Text = Callable[[Any, int], str]  # a row and a column -> what the cell says
Style = Callable[[Any, int], object]  # a row and a Qt role -> a colour or the like, None for the default look


class RowsTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[str], item_role: int, text: Text, styled: Style | None = None) -> None:
        super().__init__()
        self.columns = columns
        self.item_role = item_role
        self._text = text
        self._styled = styled
        self._rows: list[Any] = []

    def _replace(self, rows: Sequence[Any], also: Callable[[], None] | None = None) -> None:
        """Swap in new rows; `also` updates whatever else the rows are shown with, inside the same reset."""
        self.beginResetModel()
        self._rows = list(rows)
        if also is not None:
            also()
        self.endResetModel()

    def _find(self, matches: Callable[[Any], bool]) -> int | None:
        return next((i for i, item in enumerate(self._rows) if matches(item)), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, index.column())
        if role == self.item_role:
            return item
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.columns[index.column()]}: {self._text(item, index.column())}"
        return self._styled(item, role) if self._styled else None
