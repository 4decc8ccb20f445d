"""A protocol's versions, newest first, read-only: what each one was, when and by whom it was saved."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kapdesk.domain.protocols import ProtocolSpec
from kapdesk.services.protocols import ProtocolVersion
from kapdesk.ui.admin.protocols.list_model import doses_words
from kapdesk.ui.admin.schedule_setup.inputs import rows_table
from kapdesk.ui.formatting import show_date
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.widgets.rows_model import RowsTableModel

VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Version", "Saved", "By", "Status", "Changed", "Dose range", "Doses")
FIELD_WORDS = {
    "name": "name",
    "route": "route",
    "dose_unit": "dose unit",
    "dose_min": "lowest dose",
    "dose_max": "highest dose",
    "dose_ceiling": "ceiling",
    "preparation_sessions": "preparation sessions",
    "preparation_minutes": "preparation length",
    "dosing_minutes": "dosing length",
    "integration_minutes": "integration length",
    "integration_min_hours": "integration window",
    "integration_max_hours": "integration window",
    "min_spacing_hours": "spacing",
    "prep_lead_days": "days before dose 1",
    "dosing_with_therapist": "therapist at dosing",
    "phases": "phases",
    "measures": "measures",
}


def changed_words(version: ProtocolSpec, before: ProtocolSpec | None) -> str:
    """What differs from the version before, in words ("first version" for the first)."""
    if before is None:
        return "first version"
    words = dict.fromkeys(
        FIELD_WORDS[f.name] for f in fields(ProtocolSpec) if getattr(version, f.name) != getattr(before, f.name)
    )
    return ", ".join(words) or "no change"


class VersionsModel(RowsTableModel):
    def __init__(self, versions: list[ProtocolVersion]) -> None:
        latest = max((v.version for v in versions), default=0)
        older = {v.version: v.spec for v in versions}
        super().__init__(
            COLUMNS,
            VERSION_ROLE,
            lambda version, column: _cell(version, column, latest, older.get(version.version - 1)),
        )
        self._replace(versions)

    def version_at(self, row: int) -> ProtocolVersion:
        return self._rows[row]


def status_words(version: ProtocolVersion, latest: int) -> str:
    if version.version < latest:
        return f"Replaced by version {version.version + 1}"
    return "Offered" if version.active else "Retired"


def _cell(version: ProtocolVersion, column: int, latest: int, before: ProtocolSpec | None) -> str:
    spec = version.spec
    match column:
        case 0:
            return str(version.version)
        case 1:
            return f"{show_date(version.saved_at.date())} {version.saved_at:%H:%M}"
        case 2:
            return version.saved_by or "as installed"
        case 3:
            return status_words(version, latest)
        case 4:
            return changed_words(spec, before)
        case 5:
            return spec.dose_range_text()
        case _:
            return doses_words(spec)


class HistoryDialog(QDialog):
    def __init__(self, versions: list[ProtocolVersion], settings: QSettings, parent: QWidget | None) -> None:
        super().__init__(parent)
        name = versions[0].spec.name if versions else "protocol"
        self.setWindowTitle(f"Versions of “{name}”")
        self._settings = settings
        self.model = VersionsModel(versions)
        self.table = rows_table(self.model, "Versions", stretch=4)
        note = QLabel(
            "Each save makes a new version. A course keeps the version it was planned from, so older versions "
            "stay as they were."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addWidget(self.table, 1)
        column.addWidget(buttons)
        self.resize(860, 320)
        restore_geometry(self, settings, "protocol_history")

    def done(self, result: int) -> None:
        save_geometry(self, self._settings, "protocol_history")
        super().done(result)
