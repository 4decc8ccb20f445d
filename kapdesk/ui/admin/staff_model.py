"""A thin table model over the clinic's staff accounts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.staff import Role, StaffMember

MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Username", "Name", "Credentials", "Roles", "Status", "Last sign-in")
_ROLE_ORDER = list(Role)

_Index = QModelIndex | QPersistentModelIndex


def status_of(member: StaffMember) -> str:
    if not member.active:
        return "Disabled"
    if not member.can_sign_in:
        return "No password"
    if member.must_change_password:
        return "Active (temporary password)"
    return "Active"


def roles_text(roles: frozenset[Role]) -> str:
    return ", ".join(r.label for r in sorted(roles, key=_ROLE_ORDER.index))


class StaffTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[StaffMember] = []
        self._zone = ZoneInfo("UTC")

    def set_rows(self, rows: list[StaffMember], time_zone: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._zone = ZoneInfo(time_zone)
        self.endResetModel()

    def member_at(self, row: int) -> StaffMember:
        return self._rows[row]

    def row_of(self, username: str) -> int | None:
        return next((i for i, m in enumerate(self._rows) if m.username == username), None)

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
        member = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(member, index.column())
        if role == MEMBER_ROLE:
            return member
        if role == Qt.ItemDataRole.ForegroundRole and (not member.active or not member.can_sign_in):
            return QBrush(QColor("#777777"))
        return None

    def _text(self, member: StaffMember, column: int) -> str:
        match column:
            case 0:
                return member.username
            case 1:
                return member.full_name
            case 2:
                return member.credentials
            case 3:
                return roles_text(member.roles)
            case 4:
                return status_of(member)
            case _:
                when = member.last_sign_in_at
                return when.astimezone(self._zone).strftime("%m/%d/%Y %H:%M") if when else "Never"
