"""The Screening tab of a patient's chart: where the patient stands for dosing (big and coloured, with why), every
screening recorded, and the actions: a new screening, revising an unsigned one, a prescriber's signature."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Outcome
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.patients import age_on
from kapdesk.domain.permissions import Permission
from kapdesk.domain.screening import Answers, Standing, Verdict, pregnancy_relevant
from kapdesk.domain.screening_record import ScreeningRecord
from kapdesk.services.clinic import Clinic
from kapdesk.services.patients import PatientService
from kapdesk.services.screening import ScreeningService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.screening_form import ScreeningForm
from kapdesk.ui.clinical.screening_look import (
    RESULT_COLOURS,
    box_style,
    reasons_html,
    record_html,
    standing_colours,
    standing_headline,
)
from kapdesk.ui.clinical.screening_sign import SignScreeningDialog
from kapdesk.ui.formatting import show_date, show_long_date
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.record_panel import RecordPanel, records_table
from kapdesk.ui.widgets.rows_model import RowsTableModel

SCREENING_ROLE = Qt.ItemDataRole.UserRole + 1


class ScreeningTableModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(("Recorded", "Result", "Status"), SCREENING_ROLE, self._cell, self._look)

    def set_rows(self, rows: list[ScreeningRecord]) -> None:
        self._replace(rows)

    def record_at(self, row: int) -> ScreeningRecord:
        return self._rows[row]

    def row_of(self, screening_id: int) -> int | None:
        return self._find(lambda r: r.id == screening_id)

    def _cell(self, record: ScreeningRecord, column: int) -> str:
        signed = f"Signed by {record.signed_by_name}" if record.signed else "Unsigned"
        return (show_date(record.created_at.astimezone().date()), record.assessment.result.label, signed)[column]

    def _look(self, record: ScreeningRecord, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(RESULT_COLOURS[record.assessment.result][1]))
        return None


class ScreeningPanel(RecordPanel):
    """Reads the standing and the history when first shown (each an audited view), and again whenever this
    patient's clinical record changes."""

    def __init__(
        self,
        service: ScreeningService,
        patients: PatientService,
        patient_id: int,
        actor: Actor,
        bus: ChangeBus | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(patient_id, bus, parent)
        self._service = service
        self._patients = patients
        self._actor = actor
        self._settings = settings
        self.verdict: Verdict | None = None
        self.form: ScreeningForm | None = None
        self.sign_dialog: SignScreeningDialog | None = None

        self.standing = QFrame()
        self.standing.setObjectName("standing")
        self.headline = QLabel()
        self.headline.setStyleSheet("font-size: 20px; font-weight: bold; border: none;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("border: none;")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setStyleSheet("border: none;")
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        standing_layout = QVBoxLayout(self.standing)
        for label in (self.headline, self.detail, self.reasons):
            standing_layout.addWidget(label)

        self.model = ScreeningTableModel()
        self.table = records_table(self.model, "Screenings")
        self.viewer = QTextBrowser()
        self.viewer.setAccessibleName("Selected screening")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 380])

        self.new_button = QPushButton("Ne&w screening…")
        self.revise_button = QPushButton("&Revise…")
        self.sign_button = QPushButton("Si&gn…")
        writer = actor.may(Permission.WRITE_CLINICAL)
        self.new_button.setVisible(writer)
        self.revise_button.setVisible(writer)
        self.sign_button.setVisible(actor.may(Permission.SIGN_SCREENING))
        self.new_button.clicked.connect(lambda: self.new_screening())
        self.revise_button.clicked.connect(lambda: self.revise_selected())
        self.sign_button.clicked.connect(lambda: self.sign_selected())
        self.table.doubleClicked.connect(lambda _index: self.revise_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.standing)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.button_row(self.new_button, self.revise_button, self.sign_button))
        self._selection_changed()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (record.id if (record := self.selected()) else None)
        found = self.read(lambda: (self._service.verdict(self._patient_id), self._service.history(self._patient_id)))
        if found is None:
            self.verdict = None
            self.model.set_rows([])
            self.standing.hide()
            self._selection_changed()
            return
        self.verdict, history = found
        self._show_standing(self.verdict, history)
        self.model.set_rows(history)
        self.status.setText(f"{len(history)} screening{'s' if len(history) != 1 else ''}")
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        self._selection_changed()

    def _show_standing(self, verdict: Verdict, history: list[ScreeningRecord]) -> None:
        self.standing.show()
        self.standing.setStyleSheet(box_style(standing_colours(verdict), "#standing"))
        self.headline.setText(standing_headline(verdict))
        judged = next((r for r in history if r.id == verdict.screening_id), None)
        detail = _in_words(verdict)
        if judged is not None and verdict.standing is not Standing.CURRENT:
            detail += f" Its result: {judged.assessment.result.label.lower()}."
        self.detail.setText(detail)
        self.reasons.setText(reasons_html(judged.assessment.reasons) if judged is not None else "")
        self.reasons.setVisible(judged is not None)

    def selected(self) -> ScreeningRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        record = self.selected()
        open_record = record is not None and not record.signed
        self.new_button.setEnabled(not self._refused)
        self.splitter.setVisible(not self._refused)
        self.revise_button.setEnabled(open_record)
        self.sign_button.setEnabled(open_record)
        self.viewer.setHtml(record_html(record) if record is not None else "<p>No screening has been recorded.</p>")

    # -- actions -------------------------------------------------------------------------------------

    def new_screening(self) -> ScreeningForm | None:
        if not self._actor.may(Permission.WRITE_CLINICAL):
            return None
        return self._open_form(lambda: self._service.prefill(self._patient_id), None)

    def revise_selected(self) -> ScreeningForm | None:
        record = self.selected()
        if record is None or record.signed or not self._actor.may(Permission.WRITE_CLINICAL):
            return None
        return self._open_form(lambda: record.answers, record)

    def _open_form(self, answers: Callable[[], Answers], record: ScreeningRecord | None) -> ScreeningForm | None:
        if self.form is not None and self.form.isVisible():  # one form at a time, never a lost one
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        try:
            start = answers()
            patient = self._patients.get(self._patient_id)
            asked = pregnancy_relevant(patient.sex_at_birth, age_on(patient.date_of_birth, self._patients.today()))
            limits = self._service.limits()
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return None
        self.form = ScreeningForm(
            self._service,
            self._patient_id,
            start,
            limits,
            pregnancy_asked=asked,
            record=record,
            settings=self._settings,
            parent=self.window(),
        )
        self.form.saved.connect(self._after)
        self.form.open()
        return self.form

    def sign_selected(self) -> SignScreeningDialog | None:
        record = self.selected()
        if record is None or record.signed or not self._actor.may(Permission.SIGN_SCREENING):
            return None
        self.sign_dialog = SignScreeningDialog(self._service, record, self.window())
        self.sign_dialog.signed.connect(self._after)
        self.sign_dialog.open()
        return self.sign_dialog

    def _after(self, outcome: Outcome[ScreeningRecord]) -> None:
        """Refresh once: through the bus (which also tells the rest of the app) or directly."""
        if self.publish(outcome.changes):
            self.reload(select=outcome.value.id)
        elif (row := self.model.row_of(outcome.value.id)) is not None:
            self.table.selectRow(row)


def _in_words(verdict: Verdict) -> str:
    """The verdict's detail, with dates as the clinic reads them (the last valid day, not the first invalid one)."""
    if verdict.expires_on is None:
        return verdict.detail
    if verdict.standing is Standing.CURRENT:
        return f"Valid through {show_long_date(verdict.expires_on - timedelta(days=1))}."
    if verdict.standing is Standing.EXPIRED:
        return f"Expired on {show_long_date(verdict.expires_on)}: record a new screening before the next dose."
    return verdict.detail


def screening_tab(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> ChartTab:
    return ChartTab(
        "&Screening",
        lambda patient_id, actor: ScreeningPanel(clinic.screening, clinic.patients, patient_id, actor, bus, settings),
        allowed=lambda actor: actor.may(Permission.VIEW_CLINICAL),
    )
