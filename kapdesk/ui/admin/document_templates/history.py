"""A document template's versions, newest first, read-only: what changed, when and by whom it was saved."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.document_templates import LANGUAGES, TemplateSpec, TemplateStatus
from kapdesk.services.document_templates import TemplateVersion
from kapdesk.ui.admin.document_templates.list_model import routes_words
from kapdesk.ui.admin.schedule_setup.inputs import rows_table
from kapdesk.ui.formatting import show_date
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.rows_model import RowsTableModel

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Version", "Saved", "By", "Status", "Changed", "Routes", "Language")
FIELD_WORDS = {"title": "title", "routes": "routes", "language": "language", "body": "text"}


def changed_words(version: TemplateSpec, before: TemplateSpec | None) -> str:
    """What differs from the version before, in words ("first version" for the first)."""
    if before is None:
        return "first version"
    words = [word for name, word in FIELD_WORDS.items() if getattr(version, name) != getattr(before, name)]
    return ", ".join(words) or "no change"


def status_words(version: TemplateVersion, latest: int) -> str:
    if version.version < latest and version.status is TemplateStatus.RETIRED:
        return f"Replaced by version {version.version + 1}"
    return version.status.label


class VersionsModel(RowsTableModel):
    def __init__(self, versions: list[TemplateVersion]) -> None:
        latest = max((v.version for v in versions), default=0)
        older = {v.version: v.spec for v in versions}
        super().__init__(
            COLUMNS,
            VERSION_ROLE,
            lambda version, column: _cell(version, column, latest, older.get(version.version - 1)),
        )
        self._replace(versions)

    def version_at(self, row: int) -> TemplateVersion:
        return self._rows[row]


def _cell(version: TemplateVersion, column: int, latest: int, before: TemplateSpec | None) -> str:
    spec = version.spec
    return (
        str(version.version),
        f"{show_date(version.saved_at.date())} {version.saved_at:%H:%M}",
        version.saved_by or "as installed",
        status_words(version, latest),
        changed_words(spec, before),
        routes_words(spec.routes),
        LANGUAGES.get(spec.language, spec.language),
    )[column]


class HistoryDialog(QDialog):
    def __init__(self, versions: list[TemplateVersion], settings: QSettings, parent: QWidget | None) -> None:
        super().__init__(parent)
        title = versions[0].spec.title if versions else "template"
        self.setWindowTitle(f"Versions of “{title}”")
        self._settings = settings
        self.model = VersionsModel(versions)
        self.table = rows_table(self.model, "Versions", stretch=4)
        note = QLabel(
            "Saving an active template makes a new version. A patient's document keeps the version it was made "
            "from, so older versions stay as they were."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addWidget(self.table, 1)
        column.addWidget(buttons)
        self.resize(820, 300)
        restore_geometry(self, settings, "document_template_history")

    def done(self, result: int) -> None:
        save_geometry(self, self._settings, "document_template_history")
        super().done(result)
