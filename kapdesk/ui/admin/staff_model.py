"""A thin table model over the clinic's staff accounts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.staff import Role, StaffMember
from kapdesk.ui.widgets.rows_model import RowsTableModel

MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Username", "Name", "Credentials", "Roles", "Status", "Last sign-in")
_ROLE_ORDER = list(Role)


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


class StaffTableModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, MEMBER_ROLE, self._cell, self._look)
        self._zone = ZoneInfo("UTC")

    def set_rows(self, rows: list[StaffMember], time_zone: str) -> None:
        def use_zone() -> None:
            self._zone = ZoneInfo(time_zone)

        self._replace(rows, use_zone)

    def member_at(self, row: int) -> StaffMember:
        return self._rows[row]

    def row_of(self, username: str) -> int | None:
        return self._find(lambda m: m.username == username)

    def _look(self, member: StaffMember, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and (not member.active or not member.can_sign_in):
            return QBrush(QColor("#777777"))
        return None

    def _cell(self, member: StaffMember, column: int) -> str:
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
