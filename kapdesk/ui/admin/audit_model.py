"""A thin table model over pages of audit events; the service filters, sorts and pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.audit import Action, Result
from kapdesk.services.audit import AuditRow

EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
# (header, AuditQuery.sort key): every column sorts on the server, so its key must be one the service knows.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("No.", "sequence"),
    ("Time", "time"),
    ("User", "user"),
    ("Workstation", "workstation"),
    ("Action", "action"),
    ("Category", "category"),
    ("Patient", "patient"),
    ("Entity", "entity"),
    ("Outcome", "outcome"),
    ("Summary", "summary"),
)
SORT_KEYS = tuple(key for _, key in COLUMNS)
NEWEST_FIRST = {"sequence", "time"}  # a first click on these shows the latest events, which is what people look for

_Index = QModelIndex | QPersistentModelIndex
_ACTION_LABELS = {a.value: a.label for a in Action}


class AuditTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[AuditRow] = []
        self._seen: set[int] = set()
        self._zone = ZoneInfo("UTC")

    def set_rows(self, rows: list[AuditRow], time_zone: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._seen = {r.sequence for r in rows}
        self._zone = ZoneInfo(time_zone)
        self.endResetModel()

    def append_rows(self, rows: list[AuditRow]) -> int:
        """Add the next page. Each query is itself audited, so new events can shift later pages by a row
        or two; rows already shown are skipped rather than listed twice. Returns how many were added."""
        fresh = [r for r in rows if r.sequence not in self._seen]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._seen.update(r.sequence for r in fresh)
            self.endInsertRows()
        return len(fresh)

    def event_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def column_values(self, column: int) -> list[str]:
        return [self._text(row, column) for row in self._rows]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            descending = COLUMNS[section][1] in NEWEST_FIRST
            return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        event = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(event, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[index.column()][1] == "summary":
            return event.summary
        if role == EVENT_ROLE:
            return event
        if role == Qt.ItemDataRole.ForegroundRole and event.outcome != Result.SUCCESS.value:
            return QBrush(QColor("#c62828"))  # refused and failed attempts stand out when scanning the trail
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, event: AuditRow, column: int) -> str:
        match COLUMNS[column][1]:
            case "sequence":
                return str(event.sequence)
            case "time":
                return event.occurred_at.astimezone(self._zone).strftime("%m/%d/%Y %H:%M:%S")
            case "user":
                return event.username
            case "workstation":
                return event.workstation
            case "action":
                return _ACTION_LABELS.get(event.action, event.action)
            case "category":
                return event.category.replace("_", " ").capitalize()
            case "patient":
                return event.patient_chart
            case "entity":
                return f"{event.entity_type} {event.entity_id}".strip()
            case "outcome":
                return event.outcome.capitalize()
            case _:
                return event.summary
