"""The patient list: type to find, Enter to open, and the actions a front desk uses all day."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import ConflictError, KapdeskError
from kapdesk.domain.patients import PatientRecord, PatientSummary
from kapdesk.domain.permissions import Permission
from kapdesk.services.drafts import DraftContent, DraftSummary
from kapdesk.services.notes import NoteService
from kapdesk.services.patients import SEARCH_LIMIT, PatientService
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.notes.editor import NoteEditor
from kapdesk.ui.patients.archive import ArchiveDialog
from kapdesk.ui.patients.chart import PatientChart
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.patients.editor import PatientEditor
from kapdesk.ui.patients.table_model import PatientTableModel

SEARCH_DELAY_MS = 60  # coalesces fast typing; each search itself takes a few milliseconds


class PatientRegistry(QWidget):
    """Lists nothing until a session starts (every search is someone's audited action)."""

    def __init__(
        self, service: PatientService, bus: ChangeBus, settings: QSettings, notes: NoteService | None = None
    ) -> None:
        super().__init__()
        self._service = service
        self._notes = notes
        self._actor: Actor | None = None
        self._bus = bus
        self._settings = settings
        self._may_edit = False
        self.charts: dict[int, PatientChart] = {}
        self.editor: PatientEditor | None = None
        # Tabs other areas add to each chart (the schedule's appointments, the clinical record…).
        self.chart_tabs: list[ChartTab] = []

        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a patient: name, chart no., date of birth or phone   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Patient search")
        self.search.installEventFilter(self)
        self.show_archived = QCheckBox("Show archived")
        self.new_button = QPushButton("New patient")
        self.new_button.setToolTip("Ctrl+N")

        self.model = PatientTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Patients")
        self.table.installEventFilter(self)

        self.status = QLabel()
        self.open_button = QPushButton("Open chart")
        self.edit_button = QPushButton("Edit…")
        self.archive_button = QPushButton("Archive…")

        self.new_action = QAction("&New patient…", self, shortcut=QKeySequence.StandardKey.New)
        self.find_action = QAction("&Find patient", self, shortcut=QKeySequence.StandardKey.Find)
        self.open_action = QAction("&Open chart", self)
        self.edit_action = QAction("&Edit patient…", self, shortcut=QKeySequence("Ctrl+E"))
        self.archive_action = QAction("&Archive patient…", self)
        self.restore_action = QAction("&Restore patient", self)
        self.show_archived_action = QAction("Show &archived patients", self, checkable=True)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        top.addWidget(self.new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (self.open_button, self.edit_button, self.archive_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._typed)
        self._stale = False
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._open_first)
        self.show_archived.toggled.connect(self.show_archived_action.setChecked)
        self.show_archived_action.toggled.connect(self.show_archived.setChecked)
        self.show_archived.toggled.connect(self.refresh)
        self.new_button.clicked.connect(self.new_patient)
        self.new_action.triggered.connect(self.new_patient)
        self.find_action.triggered.connect(self.focus_search)
        self.open_button.clicked.connect(self.open_selected)
        self.open_action.triggered.connect(self.open_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.edit_action.triggered.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.archive_or_restore_selected)
        self.archive_action.triggered.connect(self.archive_or_restore_selected)
        self.restore_action.triggered.connect(self.archive_or_restore_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        bus.changed.connect(self._on_changed)
        self._update_actions()

    # -- sessions ----------------------------------------------------------------------------------

    def session_started(self, actor: Actor) -> None:
        """A fresh list for whoever signed in, with only the actions their role allows."""
        self._actor = actor
        self._may_edit = actor.may(Permission.EDIT_DEMOGRAPHICS)
        self.new_button.setVisible(self._may_edit)
        self.edit_button.setVisible(self._may_edit)
        self.archive_button.setVisible(self._may_edit)
        self.refresh()
        self.focus_search()

    def session_ended(self) -> None:
        """Close this user's charts and form (unsaved edits were kept as drafts first) and forget the list."""
        self._actor = None
        for chart in list(self.charts.values()):
            chart.close_without_asking()
        self.charts.clear()  # closed charts are deleted later; none of them is this session's any more
        if self.editor is not None:
            self.editor.close_without_asking()
            self.editor.deleteLater()
            self.editor = None
        self.search.clear()  # not with signals blocked: the clear button follows textChanged
        self._timer.stop()  # and no search: nobody is signed in to make it
        self._stale = False
        with QSignalBlocker(self.show_archived), QSignalBlocker(self.show_archived_action):
            self.show_archived.setChecked(False)
            self.show_archived_action.setChecked(False)
        self.model.set_rows([])
        self.status.setText("")
        self._may_edit = False
        self._update_actions()

    # -- listing -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._timer.stop()
        keep = self.selected()
        text = self.search.text()
        rows = self._service.search(text, include_archived=self.show_archived.isChecked())
        self.model.set_rows(rows, self._service.today())
        if keep is not None and (row := self.model.row_of(keep.id)) is not None:
            self.table.selectRow(row)
        elif rows:
            self.table.selectRow(0)
        if len(rows) >= SEARCH_LIMIT:
            self.status.setText(f"First {len(rows)} matches — type more to narrow")
        elif rows:
            self.status.setText(f"{len(rows)} patient{'s' if len(rows) != 1 else ''}")
        elif text.strip():
            self.status.setText(f"No patient matches “{text.strip()}”. Press Ctrl+N to add a new patient.")
        else:
            self.status.setText("No patients yet. Press Ctrl+N to add the first one.")
        self._update_actions()

    def _typed(self) -> None:
        # A search typed just before the screen locked runs when the list is shown again, not behind the lock
        # (nobody is signed in to make it then).
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def selected(self) -> PatientSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.patient_at(rows[0].row()) if rows else None

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self) -> None:
        patient = self.selected()
        self.open_button.setEnabled(patient is not None)
        self.open_action.setEnabled(patient is not None)
        for widget in (self.edit_button, self.archive_button, self.edit_action):
            widget.setEnabled(patient is not None and self._may_edit)
        self.new_button.setEnabled(self._may_edit)
        self.new_action.setEnabled(self._may_edit)
        archived = patient is not None and patient.archived
        self.archive_button.setText("Restore" if archived else "Archive…")
        self.archive_action.setEnabled(patient is not None and not archived and self._may_edit)
        self.restore_action.setEnabled(archived and self._may_edit)

    def _on_changed(self, changes: Changes) -> None:
        if changes.patients:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow moves from the search box into the list; Enter in the list opens the chart."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
        return super().eventFilter(watched, event)

    # -- actions -----------------------------------------------------------------------------------

    def _open_first(self) -> None:
        self.refresh()
        self.open_selected()

    def open_selected(self) -> PatientChart | None:
        patient = self.selected()
        return self.open_chart(patient.id) if patient else None

    def open_chart(self, patient_id: int) -> PatientChart:
        chart = self.charts.get(patient_id)
        if chart is None:
            edit = self._edit_record if self._may_edit else None
            chart = PatientChart(
                self._service,
                self._bus,
                self._settings,
                patient_id,
                edit,
                self._notes,
                self._actor,
                self.chart_tabs,
            )
            chart.destroyed.connect(lambda _=None, pid=patient_id: self.charts.pop(pid, None))
            self.charts[patient_id] = chart
        chart.show()
        chart.raise_()
        chart.activateWindow()
        return chart

    def new_patient(self) -> PatientEditor:
        return self._open_editor(None)

    def edit_selected(self) -> PatientEditor | None:
        patient = self.selected()
        return self._edit_record(self._service.get(patient.id)) if patient else None

    def _edit_record(self, record: PatientRecord) -> PatientEditor:
        return self._open_editor(record)

    def _open_editor(self, record: PatientRecord | None) -> PatientEditor:
        if self.editor is not None and self.editor.isVisible():
            self.editor.raise_()
            self.editor.activateWindow()
            return self.editor
        self.editor = PatientEditor(self._service, self._bus, self._settings, record, self.window())
        self.editor.saved.connect(self._select_saved)
        self.editor.open()
        return self.editor

    def resume_draft(self, draft: DraftSummary, take: Callable[[], DraftContent]) -> PatientEditor:
        """Open the form on a kept draft. `take` hands the draft over (removing it), so it runs only once the
        patient is known to be there and no other form is open."""
        if self.editor is not None and self.editor.isVisible():
            raise KapdeskError("A patient form is already open.", "Save or close it, then resume this draft.")
        record = self._service.get(draft.entity_id) if draft.entity_id is not None else None
        content = take()
        editor = self._open_editor(record)
        editor.load_draft(content.fields, content.base_version)
        return editor

    def resume_note_draft(self, draft: DraftSummary, take: Callable[[], DraftContent]) -> NoteEditor:
        """Open the patient's chart on its Notes tab with the kept note in its form."""
        if draft.entity_id is None:
            raise KapdeskError("This draft no longer names a patient.", "Discard it.")
        chart = self.open_chart(draft.entity_id)
        if chart.notes is None:
            raise KapdeskError("Your account can't write notes.", "The draft stays kept for later.")
        chart.tabs.setCurrentWidget(chart.notes)
        return chart.notes.resume_draft(take)

    def _select_saved(self, record: PatientRecord) -> None:
        if self.model.row_of(record.id) is None:
            self.search.setText(record.chart_number)
            self.refresh()
        row = self.model.row_of(record.id)
        if row is not None:
            self.table.selectRow(row)

    def archive_or_restore_selected(self) -> None:
        patient = self.selected()
        if patient is None:
            return
        record = self._service.get(patient.id)
        try:
            if record.is_archived:
                outcome = self._service.restore(record.id, record.version)
            else:
                dialog = ArchiveDialog(record.display_name, self)
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
                outcome = self._service.archive(record.id, record.version, dialog.reason_text)
        except ConflictError as conflict:
            QMessageBox.warning(self, conflict.title, f"{conflict.message} Please try again.")
            self.refresh()
            return
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return
        self._bus.publish(outcome.changes)
