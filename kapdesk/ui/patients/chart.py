"""The patient chart: who this is and what to watch for, above tabs that each clinical area adds to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes
from kapdesk.domain.contacts import format_phone
from kapdesk.domain.patients import PatientRecord, age_on, alerts_for
from kapdesk.services.notes import NoteService
from kapdesk.services.patients import PatientService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.formatting import show_date, show_long_date, show_timestamp
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.notes.panel import NotesPanel, may_see_notes
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.confirm import may_discard
from kapdesk.ui.widgets.record_panel import RecordPanel

ALERT_STYLES = {
    "warning": "background: #fdecea; color: #8e1b1b; border: 1px solid #e0a3a3;",
    "info": "background: #e8f1fb; color: #1b4f8e; border: 1px solid #a3c0e0;",
}


class PatientChart(QWidget):
    """A top-level window per patient. Refreshes itself when a service call changes this patient."""

    def __init__(
        self,
        service: PatientService,
        bus: ChangeBus,
        settings: QSettings,
        patient_id: int,
        edit: Callable[[PatientRecord], object] | None,
        notes: NoteService | None = None,
        actor: Actor | None = None,
        tabs: Sequence[ChartTab] = (),
    ) -> None:
        """`edit` opens the form on this patient; None when the user may only look. The Notes tab appears for
        staff who may see clinical notes (or keep private psychotherapy notes). Each of `tabs` (appointments,
        intake, courses…) appears for those it allows."""
        super().__init__(None, Qt.WindowType.Window)
        self.patient_id = patient_id
        self._service = service
        self._settings = settings
        self._quietly = False
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.name = QLabel()
        self.name.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.alerts = QHBoxLayout()
        self.edit_button = QPushButton("Edit details…")
        self.edit_button.clicked.connect(lambda: edit(self.record) if edit else None)
        if edit is None:
            self.edit_button.hide()
        header_top = QHBoxLayout()
        header_top.addWidget(self.name, 1)
        header_top.addWidget(self.edit_button)

        self.tabs = QTabWidget()
        self.overview = QWidget()
        self.details = QFormLayout(self.overview)
        self.tabs.addTab(self.overview, "Overview")
        self.notes: NotesPanel | None = None
        if notes is not None and actor is not None and may_see_notes(actor):
            self.notes = NotesPanel(notes, patient_id, actor, bus, settings)
            self.tabs.addTab(self.notes, "&Notes")
        self.extra_tabs: dict[str, QWidget] = {}
        for tab in tabs:
            if actor is not None and tab.allowed(actor):
                self.extra_tabs[tab.title.replace("&", "")] = widget = tab.make(patient_id, actor)
                self.tabs.addTab(widget, tab.title)

        layout = QVBoxLayout(self)
        layout.addLayout(header_top)
        layout.addWidget(self.facts)
        layout.addLayout(self.alerts)
        layout.addWidget(self.tabs, 1)

        bus.changed.connect(self._on_changed)
        self.reload()
        if not restore_geometry(self, settings, "patient_chart"):
            self.resize(760, 560)

    def reload(self) -> None:
        self.record = self._service.get(self.patient_id)
        self._show(self.record, self._service.today())
        if self.notes is not None:
            self.notes.patient_label = f"{self.record.display_name} ({self.record.chart_number})"

    def _show(self, p: PatientRecord, today: date) -> None:
        self.setWindowTitle(f"{p.display_name} — {p.chart_number}")
        self.name.setText(p.display_name)
        pronouns = f" · {p.pronouns}" if p.pronouns else ""
        self.facts.setText(
            f"{age_on(p.date_of_birth, today)} years · born {show_long_date(p.date_of_birth)} · "  # type: ignore[arg-type]
            f"chart {p.chart_number}{pronouns}"
        )
        while self.alerts.count():
            item = self.alerts.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for alert in alerts_for(p, today):
            chip = QLabel(alert.text)
            chip.setObjectName("alert")
            chip.setStyleSheet(f"QLabel {{ {ALERT_STYLES[alert.severity]} border-radius: 9px; padding: 2px 8px; }}")
            self.alerts.addWidget(chip)
        self.alerts.addStretch(1)

        while self.details.rowCount():
            self.details.removeRow(0)
        for label, value in _detail_rows(p):
            text = QLabel(escape(value).replace("\n", "<br>") if value else "<i>not recorded</i>")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details.addRow(f"{label}:", text)

    def _on_changed(self, changes: Changes) -> None:
        if self.patient_id in changes.patients:
            self.reload()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        unsaved = [text for tab in self.extra_tabs.values() if isinstance(tab, RecordPanel) and (text := tab.unsaved())]
        if (
            unsaved
            and not self._quietly
            and not may_discard(self, "Close this chart?", f"{'. '.join(unsaved)}: not saved.")
        ):
            event.ignore()
            return
        save_geometry(self, self._settings, "patient_chart")
        super().closeEvent(event)

    def close_without_asking(self) -> None:
        """The session is ending (signed out or locked): nothing may hold it up."""
        self._quietly = True
        self.close()


def _detail_rows(p: PatientRecord) -> list[tuple[str, str]]:
    def person(name: str, phone: str, relationship: str) -> str:
        parts = [name, f"({relationship})" if relationship else "", format_phone(phone)]
        return " ".join(part for part in parts if part) if name else ""

    def measure(value: float | None, unit: str, when: date | None) -> str:
        return f"{value:g} {unit} (recorded {show_date(when)})" if value is not None else ""

    return [
        ("Phone", format_phone(p.phone)),
        ("Email", p.email),
        ("Address", p.address),
        ("Sex at birth", p.sex_at_birth.capitalize()),
        ("Escort / driver", person(p.escort_name, p.escort_phone, p.escort_relationship)),
        ("Emergency contact", person(p.emergency_name, p.emergency_phone, p.emergency_relationship)),
        ("Weight", measure(p.weight_kg, "kg", p.weight_recorded_on)),
        ("Height", measure(p.height_cm, "cm", p.height_recorded_on)),
        ("Last changed", show_timestamp(p.updated_at)),
    ]
