"""The chart's Courses tab: the patient's treatment courses (newest first, each with its status), the selected one in
full, and the actions on it. Reading the list is an audited view, so it happens when the tab is shown and again when
this patient's record or one of the courses' appointments changes while it is shown."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.courses import COURSE_TRANSITIONS, CourseStatus, SessionState, screening_hint
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.permissions import Permission
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.course_details import CourseDetails, status_chip
from kapdesk.ui.clinical.course_dialog import NewCourseDialog
from kapdesk.ui.clinical.course_discontinue import DiscontinueDialog
from kapdesk.ui.clinical.course_planner import PlannerDialog
from kapdesk.ui.formatting import show_date
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.record_panel import RecordPanel

_OPEN = (CourseStatus.DRAFT, CourseStatus.ACTIVE)


class CoursesPanel(RecordPanel):
    def __init__(
        self,
        clinic: Clinic,
        patient_id: int,
        actor: Actor,
        bus: ChangeBus | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(patient_id, bus, parent)
        self._clinic = clinic
        self._service = clinic.courses
        self._actor = actor
        self._settings = settings
        self._writable = actor.may(Permission.WRITE_CLINICAL)
        self._zone = ZoneInfo(clinic.schedule_setup.availability().time_zone)
        self._select_next: int | None = None
        self._appointments: frozenset[int] = frozenset()
        self.views: list[CourseView] = []

        self.list = QListWidget()
        self.list.setAccessibleName("Courses")
        self.list.setMinimumWidth(230)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget::item:selected { background: #cfe0f7; border-left: 3px solid #1b4f8e; }")
        self.list.currentRowChanged.connect(lambda _row: self._selection_changed())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = CourseDetails(self._service, self._zone, self._writable)
        self.details.saved.connect(self._goals_saved)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.empty)
        holder_layout.addWidget(self.details, 1)
        scroll.setWidget(holder)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 740])

        self.new_button = QPushButton("Ne&w course…")
        self.plan_button = QPushButton("&Plan the course…")
        self.complete_button = QPushButton("Co&mplete")
        self.discontinue_button = QPushButton("&Discontinue…")
        self.new_button.clicked.connect(lambda: self.new_course())
        self.plan_button.clicked.connect(lambda: self.plan_selected())
        self.complete_button.clicked.connect(lambda: self.complete_selected())
        self.discontinue_button.clicked.connect(lambda: self.discontinue_selected())
        buttons = (self.new_button, self.plan_button, self.complete_button, self.discontinue_button)
        for button in buttons:
            button.setVisible(self._writable)  # read-only for those who may only look

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.button_row(*buttons))
        self._selection_changed()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        keep = self._select_next or (view.course.id if (view := self.selected()) else None)
        self._select_next = None
        views = self.read(lambda: self._service.for_patient(self.patient_id))
        if views is None:
            self.views = []
            self.list.clear()
            self._selection_changed()
            return
        self.views = views
        self._appointments = frozenset(
            s.appointment_id for v in views for s in v.course.sessions if s.appointment_id is not None
        )
        self.list.blockSignals(True)
        self.list.clear()
        for view in views:
            self._add_item(view)
        rows = [i for i, v in enumerate(views) if v.course.id == keep]
        self.list.setCurrentRow(rows[0] if rows else 0 if views else -1)
        self.list.blockSignals(False)
        active = sum(1 for v in views if v.course.status in _OPEN)
        self.status.setText(f"{len(views)} course{'s' if len(views) != 1 else ''} · {active} open")
        self._selection_changed()

    def _add_item(self, view: CourseView) -> None:
        course = view.course
        row = QWidget()
        title = QLabel(f"<b>{escape(course.template_name)}</b>")
        title.setWordWrap(True)
        second = QHBoxLayout()
        second.addWidget(QLabel(f"from {show_date(course.start_on)}"), 1)
        second.addWidget(status_chip(course.status))
        row_layout = QVBoxLayout(row)
        row_layout.setContentsMargins(6, 4, 6, 4)
        row_layout.setSpacing(2)
        row_layout.addWidget(title)
        row_layout.addLayout(second)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{course.label}, {course.status.label}")
        item.setData(Qt.ItemDataRole.UserRole, course.id)
        width = max(self.list.viewport().width(), self.list.minimumWidth()) - 4
        item.setSizeHint(QSize(width, row_layout.totalHeightForWidth(width)))
        self.list.addItem(item)
        self.list.setItemWidget(item, row)

    def selected(self) -> CourseView | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _selection_changed(self) -> None:
        view = self.selected()
        self.details.show_course(view)
        self.empty.setVisible(view is None and not self._refused)
        self.empty.setText("No treatment course yet." + (" Start one with New course…" if self._writable else ""))
        self.new_button.setEnabled(not self._refused)
        status = view.course.status if view else None
        unbooked = view is not None and any(s.state is SessionState.PLANNED for s in view.course.sessions)
        self.plan_button.setEnabled(status in _OPEN and unbooked)
        self.complete_button.setEnabled(status is not None and CourseStatus.COMPLETED in COURSE_TRANSITIONS[status])
        self.discontinue_button.setEnabled(status in _OPEN)

    def unsaved(self) -> str:
        typed = [v.course.label for v in self.views if v.course.id in self.details.unsaved()]
        return f"Goals or intentions typed for {' and '.join(typed)}" if typed else ""

    def cares(self, changes: Changes) -> bool:
        mine = changes.clinical | changes.documents  # a consent signed or revoked changes the warnings
        return self.patient_id in mine or bool(changes.appointments & self._appointments)

    # -- actions -------------------------------------------------------------------------------------

    def new_course(self) -> NewCourseDialog | None:
        if not self._writable or self.busy():
            return None
        try:
            templates = self._clinic.protocols.templates()
            clinicians = self._clinic.schedule_setup.resources().clinicians
            hint = screening_hint(self._clinic.screening.verdict(self.patient_id))
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return None
        dialog = NewCourseDialog(
            self._service,
            self.patient_id,
            templates,
            clinicians,
            self._clinic.patients.today(),
            actor_id=self._actor.user_id,
            may_override=self._actor.may(Permission.SIGN_SCREENING),
            hint=hint,
            parent=self.window(),
        )
        dialog.created.connect(self._after)
        return self.open_dialog(dialog)

    def plan_selected(self) -> PlannerDialog | None:
        view = self.selected()
        if view is None or not (self._writable and self.plan_button.isEnabled()) or self.busy():
            return None
        try:
            plan = self._service.propose(view.course.id)
        except KapdeskError as error:  # closed meanwhile, or no room or appointment type to book in
            self.show_message(f"Can't plan this course: {error}")
            return None
        dialog = PlannerDialog(self._service, view, plan, self._settings, self.window())
        dialog.booked.connect(self._after)
        return self.open_dialog(dialog)

    def discontinue_selected(self) -> DiscontinueDialog | None:
        view = self.selected()
        if view is None or not (self._writable and self.discontinue_button.isEnabled()) or self.busy():
            return None
        dialog = DiscontinueDialog(self._service, view, self._zone, self._clinic.calendar.now(), self.window())
        dialog.discontinued.connect(self._after)
        return self.open_dialog(dialog)

    def complete_selected(self) -> bool:
        view = self.selected()
        if view is None or not (self._writable and self.complete_button.isEnabled()):
            return False
        pending = [s.key.label.lower() for s in view.course.sessions if s.state is not SessionState.DONE]
        left = f"\n\nNot marked done: {', '.join(pending)}. They stay as they are." if pending else ""
        answer = QMessageBox.question(
            self,
            "Complete this course?",
            f"Mark {view.course.label} completed?{left}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._run(lambda: self._service.set_status(view.course.id, view.course.version, CourseStatus.COMPLETED))

    def _run(self, call: Callable[[], Outcome[CourseView]]) -> bool:
        try:
            outcome = call()
        except KapdeskError as error:  # changed elsewhere meanwhile, or refused: show the course as it is now
            self.reload()
            self.show_message(f"{error.title}: {error}")
            return False
        self._after(outcome)
        return True

    def _goals_saved(self, outcome: Outcome[CourseView] | None) -> None:
        if outcome is None:  # a conflict: show what is there now
            self.reload()
        else:
            self._after(outcome)

    def _after(self, outcome: Outcome[CourseView]) -> None:
        """Refresh once: through the bus (which also tells the rest of the app) or directly."""
        self._select_next = outcome.value.course.id
        if self.publish(outcome.changes):
            self.reload()


def courses_tab(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> ChartTab:
    return ChartTab(
        "&Courses",
        lambda patient_id, actor: CoursesPanel(clinic, patient_id, actor, bus, settings),
        allowed=lambda actor: actor.may(Permission.VIEW_CLINICAL),
    )
