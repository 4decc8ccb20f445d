"""The templates list: the latest version of each document template, active ones first."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from kapdesk.domain.appointments import Route
from kapdesk.domain.document_templates import LANGUAGES, DocumentKind, DocumentTemplate, TemplateStatus
from kapdesk.ui.widgets.rows_model import RowsTableModel

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Kind", "Routes", "Language", "Version", "Status")
RETIRED_GREY = "#777777"
ROUTE_WORDS = {Route.IV: "IV", Route.IM: "IM", Route.SUBLINGUAL: "Sublingual", Route.ESKETAMINE: "Esketamine"}
_STATUS_ORDER = (TemplateStatus.ACTIVE, TemplateStatus.DRAFT, TemplateStatus.RETIRED)


def latest_versions(templates: Iterable[DocumentTemplate]) -> list[DocumentTemplate]:
    """The newest version of each template: active first, then drafts, then retired; by kind, then title."""
    newest: dict[str, DocumentTemplate] = {}
    for template in templates:
        if template.code not in newest or template.version > newest[template.code].version:
            newest[template.code] = template
    kinds = list(DocumentKind)
    return sorted(
        newest.values(),
        key=lambda t: (_STATUS_ORDER.index(t.status), kinds.index(t.spec.kind), t.spec.title.casefold()),
    )


def routes_words(routes: frozenset[Route]) -> str:
    if len(routes) == len(Route):
        return "All routes"
    return ", ".join(ROUTE_WORDS[r] for r in Route if r in routes)


class TemplatesModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, TEMPLATE_ROLE, _cell, _look)

    def set_rows(self, templates: list[DocumentTemplate]) -> None:
        self._replace(templates)

    def template_at(self, row: int) -> DocumentTemplate:
        return self._rows[row]

    def templates(self) -> list[DocumentTemplate]:
        return list(self._rows)

    def row_of(self, code: str) -> int | None:
        return self._find(lambda t: t.code == code)


def _cell(template: DocumentTemplate, column: int) -> str:
    spec = template.spec
    return (
        spec.title,
        spec.kind.label,
        routes_words(spec.routes),
        LANGUAGES.get(spec.language, spec.language),
        str(template.version),
        template.status.label,
    )[column]


def _look(template: DocumentTemplate, role: int) -> object:
    if role == Qt.ItemDataRole.ForegroundRole and template.status is TemplateStatus.RETIRED:
        return QBrush(QColor(RETIRED_GREY))
    return None
