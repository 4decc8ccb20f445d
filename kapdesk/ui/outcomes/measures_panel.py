"""The chart's Measures tab: every outcome measure recorded for the patient, newest first, with its score and band, a
red flag where self-harm thoughts were answered, and the answers item by item for the one selected.

A measure entered in error stays listed, struck through and greyed, with its reason; it counts for nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Outcome
from kapdesk.domain.instruments import CATALOGUE
from kapdesk.domain.permissions import Permission
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.clinic import Clinic
from kapdesk.services.outcomes import Measure, OutcomeService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.outcomes.entered_in_error import EnteredInErrorDialog
from kapdesk.ui.outcomes.measure_form import MeasureForm, self_harm_words
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.record_panel import RecordPanel, records_table
from kapdesk.ui.widgets.rows_model import Index, RowsTableModel

MEASURE_ROLE = Qt.ItemDataRole.UserRole + 1
FLAGS_COLUMN = 4
FLAG_COLOURS = ("#ffffff", "#c62828")  # white on red: not to be missed
VOID_COLOUR = "#8a8a8a"


def measures_tab(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> ChartTab:
    def make(patient_id: int, actor: Actor) -> MeasuresPanel:
        profile = clinic.admin.profile()
        zone = ZoneInfo(profile.time_zone if profile else "UTC")
        return MeasuresPanel(clinic.outcomes, patient_id, actor, zone, bus, settings)

    return ChartTab("Meas&ures", make, allowed=lambda actor: actor.may(Permission.VIEW_CLINICAL))


def flag_words(measure: Measure) -> str:
    words = []
    if measure.score.self_harm:
        words.append("⚠ Self-harm thoughts")
    if measure.entered_in_error:
        words.append("Entered in error")
    return " · ".join(words)


class MeasuresTableModel(RowsTableModel):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__(("Taken", "Measure", "Total", "Band", "Flags"), MEASURE_ROLE, self._cell)
        self._zone = zone

    def set_rows(self, rows: list[Measure]) -> None:
        self._replace(rows)

    def measure_at(self, row: int) -> Measure:
        return self._rows[row]

    def row_of(self, measure_id: int) -> int | None:
        return self._find(lambda m: m.id == measure_id)

    def _cell(self, m: Measure, column: int) -> str:
        if column == 0:
            return f"{to_local(m.taken_at, self._zone):%m/%d/%Y %H:%M}"
        if column == 1:
            return m.instrument
        if column == 2:
            return f"{m.score.total} / {CATALOGUE[m.instrument].total_max}" if m.score.complete else "—"
        if column == 3:
            return m.score.band if m.score.complete else "incomplete"
        return flag_words(m)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        flagged = index.column() == FLAGS_COLUMN and m.score.self_harm
        if role == Qt.ItemDataRole.FontRole and (m.entered_in_error or flagged or not m.score.complete):
            font = QFont()
            font.setStrikeOut(m.entered_in_error)
            font.setBold(flagged)
            font.setItalic(not m.score.complete and index.column() == 3)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and (flagged or m.entered_in_error):
            return QBrush(QColor(FLAG_COLOURS[0] if flagged and not m.entered_in_error else VOID_COLOUR))
        if role == Qt.ItemDataRole.BackgroundRole and flagged and not m.entered_in_error:
            return QBrush(QColor(FLAG_COLOURS[1]))
        return super().data(index, role)


class MeasuresPanel(RecordPanel):
    def __init__(
        self,
        service: OutcomeService,
        patient_id: int,
        actor: Actor,
        zone: ZoneInfo,
        bus: ChangeBus | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(patient_id, bus, parent)
        self._service = service
        self._actor = actor
        self._zone = zone
        self._settings = settings
        self.measures: list[Measure] = []
        self.form: MeasureForm | None = None
        self.error_dialog: EnteredInErrorDialog | None = None

        self.model = MeasuresTableModel(zone)
        self.table = records_table(self.model, "Outcome measures")
        self.viewer = QTextBrowser()
        self.viewer.setAccessibleName("Selected measure")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        writer = actor.may(Permission.WRITE_CLINICAL)
        self.record_button = QPushButton("Record &measure…")
        self.error_button = QPushButton("Entered in &error…")
        for button, action in ((self.record_button, self.record_measure), (self.error_button, self.mark_selected)):
            button.setVisible(writer)
            button.clicked.connect(lambda _checked=False, act=action: act())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.button_row(self.record_button, self.error_button))
        self._selection_changed()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (m.id if (m := self.selected()) else None)
        self.measures = self.read(lambda: self._service.history(self._patient_id)) or []
        self.model.set_rows(self.measures)
        if self._refused:
            self._selection_changed()
            return
        counted = sum(1 for m in self.measures if not m.entered_in_error)
        self.status.setText(f"{counted} measure{'s' if counted != 1 else ''}")
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        self._selection_changed()

    def selected(self) -> Measure | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.measure_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        measure = self.selected()
        self.splitter.setVisible(not self._refused)
        self.record_button.setEnabled(not self._refused)
        self.error_button.setEnabled(measure is not None and not measure.entered_in_error)
        self.viewer.setHtml(measure_html(measure, self._zone) if measure else "<p>No measure has been recorded.</p>")

    # -- actions -------------------------------------------------------------------------------------

    def record_measure(self) -> MeasureForm | None:
        if not self._actor.may(Permission.WRITE_CLINICAL):
            return None
        if self.form is not None and self.form.isVisible():  # one form at a time, never a lost one
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        self.form = MeasureForm(
            self._service,
            self._patient_id,
            self._zone,
            datetime.now(UTC),
            settings=self._settings,
            parent=self.window(),
        )
        self.form.saved.connect(self._after)
        self.form.open()
        return self.form

    def mark_selected(self) -> EnteredInErrorDialog | None:
        measure = self.selected()
        if measure is None or measure.entered_in_error or not self._actor.may(Permission.WRITE_CLINICAL):
            return None
        self.error_dialog = EnteredInErrorDialog(self._service, measure, self._zone, self.window())
        self.error_dialog.saved.connect(self._after)
        self.error_dialog.open()
        return self.error_dialog

    def _after(self, outcome: Outcome[Measure]) -> None:
        if self.publish(outcome.changes):
            self.reload(select=outcome.value.id)
        elif (row := self.model.row_of(outcome.value.id)) is not None:
            self.table.selectRow(row)


def measure_html(m: Measure, zone: ZoneInfo) -> str:
    """The selected measure in full: score, findings, who recorded it, and every item's answer."""
    form = CATALOGUE[m.instrument]
    parts = [f"<h3>{m.instrument} · {form.name}</h3>"]
    if m.entered_in_error:
        when = to_local(m.entered_in_error_at, zone) if m.entered_in_error_at else None
        parts.append(
            f"<p style='color:#8e1b1b'><b>Entered in error</b> on {when:%m/%d/%Y} by "
            f"{escape(m.entered_in_error_by_name or 'unknown')}: {escape(m.entered_in_error_reason)}. "
            "It counts for nothing.</p>"
        )
    if m.score.complete:
        parts.append(f"<p><b>Total {m.score.total} of {form.total_max}</b> · {m.score.band}</p>")
    else:
        parts.append(
            f"<p><i>Incomplete: {m.score.answered} of {form.scored_items} items answered, so no total.</i></p>"
        )
    if m.score.dsm_pattern is not None:
        parts.append(f"<p>DSM-5 symptom pattern {'met' if m.score.dsm_pattern else 'not met'}.</p>")
    if warning := self_harm_words(form, m.answers):
        parts.append(f"<p style='background-color:#c62828; color:white'><b>{escape(warning)}</b></p>")
    taken = to_local(m.taken_at, zone)
    recorder = escape(m.recorded_by_name) or "the command line"
    parts.append(f"<p>Taken {taken:%m/%d/%Y %H:%M}; recorded by {recorder}.</p>")
    rows = []
    for number, (item, answer) in enumerate(zip(form.items, m.answers, strict=True), start=1):
        shown = f"{answer} · {escape(item.choices[answer])}" if answer is not None else "<i>blank</i>"
        label = escape(item.label) + ("" if item.scored else " (not scored)")
        rows.append(f"<tr><td align='right'>{number}.</td><td>{label}</td><td>{shown}</td></tr>")
    parts.append(f"<table cellspacing='0' cellpadding='3'>{''.join(rows)}</table>")
    return "".join(parts)
