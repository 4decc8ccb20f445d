"""The Schedule area: the day, week and agenda views with their toolbar, and what the calendar's gestures do.

Every gesture is one service call; the calendar is then reloaded from the database, so what the user sees is
always what was saved (a refused move simply shows the appointment where it was).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.appointments import Appointment
from kapdesk.domain.changes import Changes
from kapdesk.domain.clashes import BookingConflict, OutsideHours
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.permissions import Permission
from kapdesk.domain.series import Scope
from kapdesk.services.clinic import Clinic
from kapdesk.services.drafts import DraftContent, DraftSummary
from kapdesk.services.schedule_print import Selection
from kapdesk.services.schedule_setup import ScheduleResources
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.documents.batch import PreparationBatch
from kapdesk.ui.pdf_output import deliver_pdf
from kapdesk.ui.schedule import view_state as views
from kapdesk.ui.schedule.agenda_model import APPOINTMENT_ROLE, AgendaModel
from kapdesk.ui.schedule.booking_dialog import BookingDialog
from kapdesk.ui.schedule.canvas import CalendarCanvas
from kapdesk.ui.schedule.export_dialog import ExportDialog
from kapdesk.ui.schedule.view_state import By, Mode, ViewState


class ScheduleScreen(QWidget):
    def __init__(self, clinic: Clinic, bus: ChangeBus, settings: QSettings) -> None:
        super().__init__()
        self._clinic = clinic
        self._bus = bus
        self._settings = settings
        self._actor: Actor | None = None
        self._resources: ScheduleResources | None = None
        self._appointments: tuple[Appointment, ...] = ()
        self._zone = ZoneInfo("UTC")
        self._stale = False
        self.state = ViewState(Mode.DAY, By.CLINICIAN, date.today())

        self.new_action = QAction("New appointment…", self, shortcut=QKeySequence("Ctrl+Shift+N"))
        self.new_action.triggered.connect(lambda: self.book())
        self.today_action = QAction("Today", self, shortcut=QKeySequence("Ctrl+T"))
        self.today_action.triggered.connect(self.go_today)
        self.call_list_action = QAction("Call list for tomorrow…", self)
        self.call_list_action.triggered.connect(self.print_call_list)
        self.preparation_action = QAction("Print preparation instructions for tomorrow's dosing patients…", self)
        self.preparation_action.triggered.connect(lambda: self.print_preparations())
        self.export_action = QAction("Export calendar (.ics)…", self)
        self.export_action.triggered.connect(self.export)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.title.setMinimumWidth(120)  # a narrow window clips the title rather than growing past the screen
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.mode = QComboBox(accessibleName="View")
        for text, mode in (("Day", Mode.DAY), ("Week", Mode.WEEK), ("Agenda", Mode.AGENDA)):
            self.mode.addItem(text, mode)
        self.by = QComboBox(accessibleName="Columns")
        self.by.addItem("By clinician", By.CLINICIAN)
        self.by.addItem("By room", By.ROOM)
        self.focus = QComboBox(accessibleName="Whose calendar")
        self.focus.setMinimumContentsLength(18)
        self.focus.hide()  # the day view shows everyone side by side
        # One button for what leaves kapdesk: the day sheets (per clinician or room), the call list, the export.
        self.print_button = QToolButton(text="Print && export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        print_menu = QMenu(self)
        self.sheet_menu = print_menu.addMenu("Day sheet for")
        print_menu.addAction(self.call_list_action)
        print_menu.addAction(self.preparation_action)
        print_menu.addAction(self.export_action)
        self.print_button.setMenu(print_menu)
        bar = QHBoxLayout()
        for text, step in (("◀", -1), ("Today", 0), ("▶", 1)):
            button = QToolButton(text=text)
            button.setAccessibleName({-1: "Earlier", 0: "Today", 1: "Later"}[step])
            button.clicked.connect(lambda _=False, s=step: self.go_today() if s == 0 else self.go(s))
            bar.addWidget(button)
        bar.addWidget(self.title, 1)
        for widget in (self.mode, self.by, self.focus):
            bar.addWidget(widget)
        new_button = QToolButton()
        new_button.setDefaultAction(self.new_action)
        bar.addWidget(new_button)
        bar.addWidget(self.print_button)

        self.canvas = CalendarCanvas(now=clinic.calendar.now)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(True)
        self.agenda_model = AgendaModel()
        self.agenda = QTableView()
        self.agenda.setModel(self.agenda_model)
        self.agenda.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.agenda.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.agenda.horizontalHeader().setStretchLastSection(True)
        self.agenda.doubleClicked.connect(lambda index: self.open(index.data(APPOINTMENT_ROLE).id))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.agenda)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)

        self.canvas.create_requested.connect(self._create_at)
        self.canvas.move_requested.connect(self._moved)
        self.canvas.open_requested.connect(self.open)
        self.canvas.navigate.connect(self.go)
        self.canvas.today_requested.connect(self.go_today)
        self.mode.currentIndexChanged.connect(self._view_changed)
        self.by.currentIndexChanged.connect(self._by_changed)
        self.focus.currentIndexChanged.connect(self._view_changed)
        bus.changed.connect(self._changed)

    # -- session -----------------------------------------------------------------------------------------

    def session_started(self, actor: Actor) -> None:
        self._actor = actor
        may_book = actor.may(Permission.BOOK_APPOINTMENTS)
        self.new_action.setEnabled(may_book)
        self.preparation_action.setEnabled(actor.may(Permission.PRINT_DOCUMENTS))
        self.state = ViewState(
            self.state.mode, self.state.by, self._clinic.calendar.now().astimezone(self._zone).date()
        )
        self._load_resources()
        self.go_today()

    def session_ended(self) -> None:
        """Nothing of the last user's view stays on screen."""
        self._actor = None
        self._appointments = ()
        self.canvas.set_appointments([])
        self.agenda_model.set_rows([], self._zone)
        self.status.clear()

    # -- navigation --------------------------------------------------------------------------------------

    def go(self, delta: int) -> None:
        self.state = self.state.step(delta)
        self.reload()

    def go_today(self) -> None:
        today = self._clinic.calendar.now().astimezone(self._zone).date()
        self.state = ViewState(self.state.mode, self.state.by, today, self.state.focus_id)
        self.reload()

    def show_day(self, day: date) -> None:
        self.state = ViewState(self.state.mode, self.state.by, day, self.state.focus_id)
        self.reload()

    def _by_changed(self) -> None:
        self._fill_focus()
        self._view_changed()

    def _view_changed(self) -> None:
        mode, by = Mode(self.mode.currentData()), By(self.by.currentData())  # item data comes back as str
        self.focus.setVisible(mode is not Mode.DAY)
        self.state = ViewState(mode, by, self.state.day, self.focus.currentData() if mode is not Mode.DAY else None)
        self.reload()

    def _load_resources(self) -> None:
        self._resources = self._clinic.schedule_setup.resources()
        self._zone = self._clinic.schedule_setup.availability().zone
        self._fill_focus()
        self.sheet_menu.clear()
        for clinician in self._resources.clinicians:
            if clinician.active:
                self.sheet_menu.addAction(clinician.label, lambda c=clinician.id: self.print_day_sheet(Selection(c)))
        self.sheet_menu.addSeparator()
        for room in self._resources.rooms:
            if room.active:
                self.sheet_menu.addAction(room.name, lambda r=room.id: self.print_day_sheet(Selection(room_id=r)))

    def _fill_focus(self) -> None:
        if self._resources is None:
            return
        current = self.focus.currentData()
        self.focus.blockSignals(True)
        self.focus.clear()
        self.focus.addItem("Whole clinic", None)
        if By(self.by.currentData()) is By.CLINICIAN:
            for clinician in self._resources.clinicians:
                self.focus.addItem(clinician.label, clinician.id)
        else:
            for room in self._resources.rooms:
                self.focus.addItem(room.name, room.id)
        index = self.focus.findData(current)
        self.focus.setCurrentIndex(index if index >= 0 else min(1, self.focus.count() - 1))
        self.focus.blockSignals(False)

    # -- loading -----------------------------------------------------------------------------------------

    def reload(self) -> None:
        if self._actor is None or self._resources is None:
            return
        if self.state.mode is Mode.WEEK and self.state.focus_id is None and self.focus.count() > 1:
            self.focus.blockSignals(True)  # a week shows one person or room: the first, unless one is chosen
            self.focus.setCurrentIndex(1)
            self.focus.blockSignals(False)
            self.state = ViewState(self.state.mode, self.state.by, self.state.day, self.focus.itemData(1))
        state = self.state
        start, end = state.bounds(self._zone)  # the zone as of the last set-up load; the page brings the rest
        try:
            page = self._clinic.calendar.page(start, end, **state.filters())
        except KapdeskError as error:
            self.status.setText(error.message)
            return
        availability = page.availability
        self._zone = availability.zone
        self._appointments = page.appointments
        flags = page.flags()
        self.title.setText(state.title())
        if state.mode is Mode.AGENDA:
            self.agenda_model.set_rows(list(page.appointments), self._zone, flags)
            self.stack.setCurrentWidget(self.agenda)
        else:
            columns = views.columns(state, self._resources.clinicians, self._resources.rooms, page.appointments)
            first, last = views.hour_range(state, availability, page.appointments)
            spans = views.open_spans(state, columns, availability)
            self.canvas.set_view(columns, first, last, self._zone, spans, list(page.appointments))
            self.canvas.set_flags(flags)
            self.stack.setCurrentWidget(self.scroll)
        held = sum(1 for a in page.appointments if a.holds_time)
        warnings = f" · {len(flags)} need attention" if flags else ""
        self.status.setText(f"{held} appointments{warnings}")

    def _changed(self, changes: Changes) -> None:
        if changes.schedule_setup and self._actor is not None:
            self._load_resources()
        if changes.appointments or changes.schedule_setup or changes.patients or changes.documents:
            self._reload_when_seen()

    def refresh_from_elsewhere(self, _ids: object = None) -> None:
        """Another PC booked (server mode; an empty set after a reconnect): reload what is on screen."""
        self._reload_when_seen()

    def _reload_when_seen(self) -> None:
        """Each load is an audited read of patients' names: a hidden calendar waits until it is shown."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    # -- gestures ----------------------------------------------------------------------------------------

    def book(self, starts_at: datetime | None = None, ends_at: datetime | None = None, **where: int | None) -> None:
        if self._actor is None or not self._actor.may(Permission.BOOK_APPOINTMENTS):
            return
        if starts_at is None:
            now = self._clinic.calendar.now()
            starts_at = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        dialog = BookingDialog(
            self._clinic,
            self._bus,
            self._settings,
            self._zone,
            starts_at=starts_at,
            ends_at=ends_at,
            parent=self,
            **where,
        )
        dialog.exec()

    def open(self, appointment_id: int) -> None:
        try:
            dialog = self._existing(appointment_id)
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, error.message)
            return
        dialog.exec()

    def resume_draft(self, draft: DraftSummary, take: Callable[[], DraftContent]) -> BookingDialog:
        """Open the booking dialog on a kept draft. A draft of an existing appointment keeps the version it was
        based on, so saving it over someone's later change is refused as a conflict, not done silently."""
        content = take()
        appointment_id = content.fields.get("appointment_id")
        if appointment_id:
            dialog = self._existing(int(appointment_id), content.base_version)
        else:
            dialog = BookingDialog(self._clinic, self._bus, self._settings, self._zone, parent=self)
        dialog.fields.load_texts(content.fields)
        dialog.show()
        return dialog

    def _existing(self, appointment_id: int, version: int | None = None) -> BookingDialog:
        """The dialog on a booked appointment, as it stands now (or as of `version`, for a kept draft)."""
        appointment, readiness, warning = self._clinic.calendar.get(appointment_id)
        return BookingDialog(
            self._clinic,
            self._bus,
            self._settings,
            self._zone,
            appointment=replace(appointment, version=version or appointment.version),
            readiness=readiness,
            integration_warning=warning,
            parent=self,
        )

    def _column(self, key: str):  # type: ignore[no-untyped-def]
        return next(c for c in self.canvas.grid.columns if c.key == key)

    def _create_at(self, key: str, starts_at: datetime, ends_at: datetime) -> None:
        column = self._column(key)
        self.book(starts_at, ends_at, clinician_id=column.clinician_id, room_id=column.room_id)

    def _moved(self, appointment_id: int, key: str, starts_at: datetime, ends_at: datetime) -> None:
        """A drag: new times, and in the day view perhaps another clinician's or room's column."""
        appointment = next((a for a in self._appointments if a.id == appointment_id), None)
        if appointment is None:
            return
        target = self._column(key)
        room_id = target.room_id if self.state.mode is Mode.DAY and target.room_id is not None else None
        clinicians = None
        if self.state.mode is Mode.DAY and target.clinician_id is not None:
            source = self._source_clinician(appointment)
            if target.clinician_id not in appointment.clinician_ids:
                clinicians = [target.clinician_id if c == source else c for c in appointment.clinician_ids]
        scope = self._ask_scope(appointment)
        if scope is None:
            self.reload()
            return
        reason = ""
        while True:
            try:
                outcome = self._clinic.booking.move(
                    appointment.id, appointment.version, starts_at, ends_at,
                    room_id=room_id, clinician_ids=clinicians, scope=scope, override_reason=reason,
                )  # fmt: skip
            except OutsideHours as error:
                reason, ok = QInputDialog.getText(self, error.title, f"{error.message}\n\nWhy move it there anyway?")
                if ok and reason.strip():
                    continue
            except BookingConflict as error:
                QMessageBox.warning(self, error.title, self._conflict_words(error))
            except KapdeskError as error:
                QMessageBox.warning(self, error.title, f"{error.message}\n\n{error.remedy}".strip())
            else:
                self._bus.publish(outcome.changes)
                self.canvas.select(appointment.id)
                return
            self.reload()  # show it back where it is
            return

    def _source_clinician(self, appointment: Appointment) -> int | None:
        """Which of the appointment's clinicians the drag started from."""
        key = self.canvas.drag_from
        column = next((c for c in self.canvas.grid.columns if c.key == key), None)
        if column is not None and column.clinician_id in appointment.clinician_ids:
            return column.clinician_id
        return appointment.clinician_ids[0] if appointment.clinician_ids else None

    def _ask_scope(self, appointment: Appointment) -> Scope | None:
        if not appointment.series_id:
            return Scope.ONE
        box = QMessageBox(self)
        box.setWindowTitle("Part of a series")
        box.setText("This appointment repeats. Move only this one, or this one and the following ones?")
        one = box.addButton("Only this one", QMessageBox.ButtonRole.AcceptRole)
        following = box.addButton("This and the following", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {id(one): Scope.ONE, id(following): Scope.FOLLOWING}.get(id(box.clickedButton()))

    def _conflict_words(self, error: BookingConflict) -> str:
        rooms = {r.id: r.name for r in self._resources.rooms} if self._resources else {}
        slots = [
            f"  {s.starts_at.astimezone(self._zone):%a %m/%d %H:%M} · {rooms.get(s.room_id, '')}"
            for s in error.suggestions
        ]
        offer = "\n\nNext free times:\n" + "\n".join(slots) if slots else ""
        return f"{error.message}{offer}\n\nNothing was changed."

    # -- printing and export -----------------------------------------------------------------------------

    def print_day_sheet(self, selection: Selection) -> None:
        day = self.state.day
        try:
            data = self._clinic.schedule_print.day_sheet(day, selection)
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, error.message)
            return
        deliver_pdf(self, data, "The day sheet", f"day-sheet-{day.isoformat()}.pdf")

    def print_call_list(self) -> None:
        tomorrow = self._clinic.calendar.now().astimezone(self._zone).date() + timedelta(days=1)
        try:
            data = self._clinic.schedule_print.call_list(tomorrow)
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, error.message)
            return
        deliver_pdf(self, data, "Tomorrow's call list", f"call-list-{tomorrow.isoformat()}.pdf")

    def print_preparations(self, *, synchronous: bool = False) -> PreparationBatch | None:
        """Tomorrow's dosing patients' preparation instructions, made with progress and Cancel, then printed."""
        if self._actor is None or not self._actor.may(Permission.PRINT_DOCUMENTS):
            return None
        batch = PreparationBatch(self._clinic, self._bus, self._zone, self, synchronous=synchronous)
        return batch if batch.start() else None

    def export(self) -> None:
        if self._resources is None:
            return
        first = self.state.first_day()
        ExportDialog(self._clinic, self._resources, first, first + timedelta(days=6), self).exec()
