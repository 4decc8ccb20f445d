"""The protocols list: the latest version of each protocol, offered or retired."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.protocols import ProtocolSpec, ProtocolTemplate
from kapdesk.ui.widgets.rows_model import RowsTableModel

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Name", "Route", "Version", "Doses", "Offered")
RETIRED_GREY = "#777777"


def latest_versions(templates: Iterable[ProtocolTemplate]) -> list[ProtocolTemplate]:
    """The newest version of each protocol, offered ones first, by name."""
    newest: dict[str, ProtocolTemplate] = {}
    for template in templates:
        if template.code not in newest or template.version > newest[template.code].version:
            newest[template.code] = template
    return sorted(newest.values(), key=lambda t: (not t.active, t.spec.name.casefold()))


def doses_words(spec: ProtocolSpec) -> str:
    low, high = spec.doses_min, spec.doses_max
    return str(low) if low == high else f"{low}–{high}"


class ProtocolsModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, TEMPLATE_ROLE, _cell, _look)

    def set_rows(self, templates: list[ProtocolTemplate]) -> None:
        self._replace(templates)

    def template_at(self, row: int) -> ProtocolTemplate:
        return self._rows[row]

    def row_of(self, code: str) -> int | None:
        return self._find(lambda t: t.code == code)


def _cell(template: ProtocolTemplate, column: int) -> str:
    spec = template.spec
    return (
        spec.name,
        spec.route.label,
        str(template.version),
        doses_words(spec),
        "Yes" if template.active else "Retired",
    )[column]


def _look(template: ProtocolTemplate, role: int) -> object:
    if role == Qt.ItemDataRole.ForegroundRole and not template.active:
        return QBrush(QColor(RETIRED_GREY))
    return None
