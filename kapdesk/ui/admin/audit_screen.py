"""The audit trail: filter, sort by any column and page through events on the server; export; verify the chain.

The trail can hold millions of events, so the screen never loads it whole: each Apply, header click or
"Load more" asks the service for one page. Export and verification read everything, so they run off the
UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.audit import VerifyReport
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.services.audit import AuditPage, AuditQuery, AuditService
from kapdesk.services.users import UserService
from kapdesk.ui.admin.audit_filters import AuditFilters
from kapdesk.ui.admin.audit_model import COLUMNS, SORT_KEYS, AuditTableModel
from kapdesk.ui.tasks import BackgroundTask

PAGE_SIZE = 200
INTACT_STYLE = "background: #e8f5e9; color: #1b5e20; border: 1px solid #2e7d32; border-radius: 4px; padding: 6px;"
BROKEN_STYLE = "background: #ffebee; color: #b71c1c; border: 1px solid #c62828; border-radius: 4px; padding: 6px;"
BUSY_STYLE = "background: #f5f5f5; color: #424242; border: 1px solid #bdbdbd; border-radius: 4px; padding: 6px;"
# Typical content per column: widths come from the font, not from scanning rows, so a page loads at once and the
# summary (the column people read) keeps what is left.
_SAMPLES = {"sequence": "000000", "time": "00/00/0000 00:00:00", "user": "username", "workstation": "FRONT-DESK",
            "action": "Password change", "category": "Clinic settings", "patient": "KD-000000",
            "entity": "patient 000", "outcome": "Success"}  # fmt: skip
HEADER_KEY = "admin/audit_header"


class AuditTrailScreen(QWidget):
    def __init__(self, audit: AuditService, users: UserService, settings: QSettings) -> None:
        super().__init__()
        self._audit = audit
        self._users = users
        self._settings = settings
        self._query = AuditQuery(limit=PAGE_SIZE)  # the last query the service accepted
        self._next_offset = 0  # where the next page starts on the server (rows skipped as repeats still count)
        self._stale = True  # read the trail when next shown
        self._session = 0  # results of work started before a sign-out are dropped
        self.export_task: BackgroundTask | None = None
        self.verify_task: BackgroundTask | None = None

        self.filters = AuditFilters()
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_result.setAccessibleName("Chain verification result")
        self.verify_result.hide()

        self.model = AuditTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Audit events")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # matches AuditQuery's default: newest first
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        for column, (title, key) in enumerate(COLUMNS):
            if key in _SAMPLES:
                text = max(_SAMPLES[key], title, key=metrics.horizontalAdvance)
                self.table.setColumnWidth(column, metrics.horizontalAdvance(text) + 16)

        saved = settings.value(HEADER_KEY)
        if saved:  # column widths the admin chose last time; the sort always starts newest first
            header.restoreState(saved)
            header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.sectionResized.connect(lambda *_: settings.setValue(HEADER_KEY, header.saveState()))

        self.status = QLabel()
        self.status.setAccessibleName("Events shown")
        self.load_more_button = QPushButton("Load &more")
        self.load_more_button.setEnabled(False)
        self.export_button = QPushButton("&Export CSV…")
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip("Check that no event has been altered, removed or reordered")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # the services don't report progress; a moving bar says work is under way
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.message = QLabel()  # outcome of the last export
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status)
        bottom.addWidget(self.load_more_button)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.busy)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.verify_result)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.filters.applied.connect(self.apply_filters)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.load_more_button.clicked.connect(self.load_more)
        self.export_button.clicked.connect(self.export_csv)
        self.verify_button.clicked.connect(self.verify)

    def showEvent(self, event: QShowEvent) -> None:
        # Each listing is itself an audited event, so the trail is read when the admin looks, not at start-up.
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self.reload_users()
        self.apply_filters()

    def invalidate(self) -> None:
        """Someone (else) signed in: read again, now if the screen is in view, or when it next is."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def forget(self) -> None:
        """Drop everything shown to the user who signed out, and anything still running for them."""
        self._session += 1
        self._stale = True
        self.filters.clear()
        self.filters.set_users([])
        self.model.set_rows([], "UTC")
        self._query = AuditQuery(limit=PAGE_SIZE)
        self._next_offset = 0
        self.status.setText("")
        self.message.setText("")
        self.verify_result.hide()
        self.load_more_button.setEnabled(False)
        self.export_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        self.busy.hide()

    def reload_users(self) -> None:
        try:
            self.filters.set_users(self._users.list())
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))

    def apply_filters(self) -> None:
        """Ask for the first page of what the filter bar says, in the current sort order."""
        header = self.table.horizontalHeader()
        query = AuditQuery(
            username=self.filters.username,
            patient_chart=self.filters.patient.text().strip(),
            action=self.filters.action_value,
            start=self.filters.start_date,
            end=self.filters.end_date,
            sort=SORT_KEYS[header.sortIndicatorSection()],
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
            limit=PAGE_SIZE,
            offset=0,
        )
        page = self._fetch(query)
        if page is None:
            return
        self.filters.clear_errors()
        self.filters.set_time_zone(page.time_zone)
        self._query = query
        self.model.set_rows(page.rows, page.time_zone)
        self._stale = False
        self._show_status(page)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        # Sorting a page in memory would only order what is loaded; the server sorts the whole filtered trail.
        query = replace(
            self._query, sort=SORT_KEYS[section], descending=order == Qt.SortOrder.DescendingOrder, offset=0
        )
        page = self._fetch(query)
        if page is None:
            return
        self._query = query
        self.model.set_rows(page.rows, page.time_zone)
        self._show_status(page)

    def load_more(self) -> None:
        query = replace(self._query, offset=self._next_offset)
        page = self._fetch(query)
        if page is None:
            return
        self.model.append_rows(page.rows)
        self._show_status(page)

    def _fetch(self, query: AuditQuery) -> AuditPage | None:
        try:
            return self._audit.events(query)
        except ValidationFailed as invalid:
            self.filters.show_errors(invalid.errors)
            self.status.setText("Nothing shown for that filter — see the message under it.")
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
        return None

    def _show_status(self, page: AuditPage) -> None:
        self._next_offset = page.query.offset + len(page.rows)
        shown = self.model.rowCount()
        self.status.setText(
            f"{shown:,} of {page.total:,} event{'s' if page.total != 1 else ''} · times in {page.time_zone}"
        )
        self.load_more_button.setEnabled(self._next_offset < page.total)

    @property
    def query(self) -> AuditQuery:
        return self._query

    # -- export ------------------------------------------------------------------------------------

    def export_csv(self) -> None:
        """Write every event matching the applied filter (not just the loaded pages) to a CSV file."""
        suggested = str(Path.home() / f"audit-trail-{date.today():%Y-%m-%d}.csv")
        chosen, _ = QFileDialog.getSaveFileName(self, "Export audit trail", suggested, "CSV files (*.csv)")
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        query = self._query
        self.export_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(f"Exporting to {path.name}…")
        self._set_busy(True)
        self.export_task = BackgroundTask(lambda: self._audit.export_csv(query, path), self)
        self.export_task.succeeded.connect(self._for_this_session(lambda count: self._exported(count, path)))
        self.export_task.failed.connect(self._for_this_session(self._export_failed))
        self.export_task.start()

    def _exported(self, count: int, path: Path) -> None:
        self._export_done()
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(f"Exported {count:,} event{'s' if count != 1 else ''} to {path}")

    def _export_failed(self, error: BaseException) -> None:
        self._export_done()
        self.message.setText("")
        if isinstance(error, KapdeskError):
            QMessageBox.warning(self, error.title, str(error))
        elif isinstance(error, OSError):
            QMessageBox.warning(self, "Export failed", f"The file could not be written: {error.strerror or error}.")
        else:
            raise error

    def _export_done(self) -> None:
        self.export_button.setEnabled(True)
        self._set_busy(False)

    # -- verification ------------------------------------------------------------------------------

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_result.setStyleSheet(BUSY_STYLE)
        self.verify_result.setText("Verifying the audit chain…")
        self.verify_result.show()
        self._set_busy(True)
        self.verify_task = BackgroundTask(self._audit.verify, self)
        self.verify_task.succeeded.connect(self._for_this_session(self._verified))
        self.verify_task.failed.connect(self._for_this_session(self._verify_failed))
        self.verify_task.start()

    def _verified(self, report: VerifyReport) -> None:
        self._verify_done()
        if report.problem is None:
            self.verify_result.setStyleSheet(INTACT_STYLE)
            count = f"{report.events:,} event{'s' if report.events != 1 else ''}"
            self.verify_result.setText(f"✔ Audit chain intact: all {count} verified.")
            return
        where = f" at event {report.problem.sequence}" if report.problem.sequence is not None else ""
        self.verify_result.setStyleSheet(BROKEN_STYLE)
        self.verify_result.setText(
            f"✘ Audit chain BROKEN{where}: {report.problem.message} ({report.events:,} events before it verified.)"
        )

    def _verify_failed(self, error: BaseException) -> None:
        self._verify_done()
        if not isinstance(error, KapdeskError):
            self.verify_result.hide()
            raise error
        self.verify_result.setStyleSheet(BROKEN_STYLE)
        self.verify_result.setText(f"✘ Can't verify the audit chain: {error}")

    def _verify_done(self) -> None:
        self.verify_button.setEnabled(True)
        self._set_busy(False)

    def _for_this_session(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """A background result is shown only to the user who asked for it, not to whoever signed in since."""
        session = self._session

        def deliver(result: Any) -> None:
            if session == self._session:
                handler(result)

        return deliver

    def _set_busy(self, busy: bool) -> None:
        # Export and verification may overlap; the bar stays while either is still running.
        self.busy.setVisible(busy or not self.export_button.isEnabled() or not self.verify_button.isEnabled())
