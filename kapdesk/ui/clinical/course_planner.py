"""Plan the course: the service's proposal for every session not yet booked, edited here, then booked in one go.

Times are edited as the clinic's wall clock. Moving a dose takes its integration session with it, and every edit
re-runs the plan's checks (spacing, windows, hours, clashes, order) so problems show on their rows as they appear.
Booking is all or nothing: a refusal names its sessions and the dialog stays open with every edit kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from math import ceil

from PySide6.QtCore import QDate, QDateTime, QSettings, QTime, QTimeZone, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.course_overview import CourseView
from kapdesk.domain.course_plan import PlanContext, Proposed, move, problems
from kapdesk.domain.courses import StepKey
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.services.course_planning import Plan
from kapdesk.services.courses import CourseService
from kapdesk.ui.clinical.course_timeline import show_when
from kapdesk.ui.geometry import restore_geometry, save_geometry
from kapdesk.ui.schedule.booking_form import local_instant
from kapdesk.ui.widgets.message_styles import ERROR_BOX

COLUMNS = ("Session", "Phase", "Date and time", "Room", "Clinicians", "Problems")
SESSION, PHASE, WHEN, ROOM, CLINICIANS, PROBLEMS = range(len(COLUMNS))
PROBLEM_COLOUR = QColor("#c62828")
PROBLEM_BACKGROUND = QColor("#fbdcd9")
_WALL = QTimeZone.utc()  # the editors hold the clinic's wall-clock time as is: no conversion by Qt


def plan_summary(sessions: Sequence[Proposed], context: PlanContext) -> str:
    """'13 sessions over 3 weeks, first Tue Nov 24', with what is already booked or still needs a time."""
    unbooked = [s for s in sessions if not s.fixed]
    placed = sorted(s.starts_at for s in unbooked if s.starts_at is not None)
    parts = []
    if placed:
        zone = context.availability.zone
        first, last = placed[0].astimezone(zone).date(), placed[-1].astimezone(zone).date()
        weeks = max(1, ceil(((last - first).days + 1) / 7))
        first_words = show_when(placed[0], zone).rsplit(" ", 1)[0]
        parts.append(f"{_count(len(unbooked))} over {weeks} week{'s' if weeks != 1 else ''}, first {first_words}")
    else:
        parts.append(f"{_count(len(unbooked))} to book")
    if unplaced := len(unbooked) - len(placed):
        parts.append(f"{unplaced} still need a time")
    if fixed := len(sessions) - len(unbooked):
        parts.append(f"{fixed} already booked")
    return "; ".join(parts)


def _count(sessions: int) -> str:
    return f"{sessions} session{'s' if sessions != 1 else ''}"


class PlannerDialog(QDialog):
    booked = Signal(object)  # Outcome[CourseView]

    def __init__(
        self,
        service: CourseService,
        view: CourseView,
        plan: Plan,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._course = view.course
        self._settings = settings
        self.setWindowTitle(f"Plan the course — {self._course.label}")

        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setAccessibleName("Plan summary")
        self.moved = QLabel()
        self.moved.setStyleSheet("color: #1b4f8e;")
        self.moved.setAccessibleName("Last move")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Proposed sessions")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROBLEMS, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(
            "Change a time to move a session; a dose takes its integration session with it. Booked sessions stay "
            "where they are."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.book_button = self.buttons.addButton("&Book all", QDialogButtonBox.ButtonRole.AcceptRole)
        self.again_button = QPushButton("&Propose again")
        self.buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.book)
        self.buttons.rejected.connect(self.reject)
        self.again_button.clicked.connect(self.propose_again)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(hint)
        layout.addWidget(self.moved)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

        self._fill(plan)
        if settings is None or not restore_geometry(self, settings, "course_planner"):
            self.resize(1120, 620)

    # -- filling -------------------------------------------------------------------------------------

    def _fill(self, plan: Plan) -> None:
        self.context = plan.context
        self.sessions: list[Proposed] = list(plan.sessions)
        self.refusals: dict[StepKey, str] = {}
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.sessions))
        for row, session in enumerate(self.sessions):
            self._build_row(row, session)
        self._refresh()

    def _build_row(self, row: int, session: Proposed) -> None:
        """A booked session is shown as text (it is not moved from here); the others get a time and a room editor."""
        shape = self.context.shape(session.key)
        phase = "Preparation" if session.phase < 0 else self.context.spec.phases[session.phase].name
        names = ", ".join(self.context.clinician_names.get(c, "?") for c in shape.clinicians)
        label = session.key.label + (" (booked)" if session.fixed else "")
        texts = [(SESSION, label), (PHASE, phase), (CLINICIANS, names), (PROBLEMS, "")]
        if session.fixed:
            when = session.starts_at.astimezone(self.context.availability.zone) if session.starts_at else None
            texts += [(WHEN, f"{when:%a %m/%d/%Y %H:%M}" if when else ""), (ROOM, "as booked")]
        for column, text in texts:
            item = QTableWidgetItem(text)
            if session.fixed:
                item.setForeground(QBrush(QColor("#777777")))
            self.table.setItem(row, column, item)
        self.table.item(row, PROBLEMS).setForeground(QBrush(PROBLEM_COLOUR))
        if session.fixed:
            return

        edit = QDateTimeEdit()
        edit.setTimeZone(_WALL)
        edit.setDisplayFormat("ddd MM/dd/yyyy HH:mm")
        edit.setCalendarPopup(True)
        edit.setKeyboardTracking(False)  # typed digits move the session once, when the edit is finished
        edit.setAccessibleName(f"{session.key.label} date and time")
        self._show_time(edit, session.starts_at or self._suggestion(row))
        edit.dateTimeChanged.connect(lambda _value, key=session.key: self._time_edited(key))
        self.table.setCellWidget(row, WHEN, edit)

        rooms = QComboBox()
        rooms.setAccessibleName(f"{session.key.label} room")
        for room_id in shape.rooms:
            rooms.addItem(self.context.room_names.get(room_id, f"room {room_id}"), room_id)
        rooms.currentIndexChanged.connect(lambda _index, key=session.key: self._room_chosen(key))
        self.table.setCellWidget(row, ROOM, rooms)

    def _suggestion(self, row: int) -> datetime:
        """Where an editor starts for a session no time was found for: a day after the one before it."""
        before = next((s.starts_at for s in reversed(self.sessions[:row]) if s.starts_at is not None), None)
        if before is not None:
            return before + timedelta(days=1)
        return local_instant(self.context.start_on, time(9, 0), self.context.availability.zone)

    # -- editing -------------------------------------------------------------------------------------

    def row_of(self, label: str) -> int:
        return next(i for i, s in enumerate(self.sessions) if s.key.label == label)

    def time_editor(self, label: str) -> QDateTimeEdit:
        widget = self.table.cellWidget(self.row_of(label), WHEN)
        assert isinstance(widget, QDateTimeEdit)
        return widget

    def room_box(self, label: str) -> QComboBox:
        widget = self.table.cellWidget(self.row_of(label), ROOM)
        assert isinstance(widget, QComboBox)
        return widget

    def problem_text(self, label: str) -> str:
        return self.table.item(self.row_of(label), PROBLEMS).text()

    def set_wall_time(self, label: str, wall: datetime) -> None:
        """Type a clinic wall-clock time into a session's editor (what a user does, in one step)."""
        self.time_editor(label).setDateTime(
            QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute), _WALL)
        )

    def _time_edited(self, key: StepKey) -> None:
        row = next(i for i, s in enumerate(self.sessions) if s.key == key)
        value = self.time_editor(key.label).dateTime()
        starts_at = local_instant(
            value.date().toPython(),  # type: ignore[arg-type]
            value.time().toPython(),  # type: ignore[arg-type]
            self.context.availability.zone,
        )
        if starts_at == self.sessions[row].starts_at:
            return
        before = {s.key: s.starts_at for s in self.sessions}
        self.sessions = move(self.context, self.sessions, key, starts_at)
        zone = self.context.availability.zone
        followed = [s for s in self.sessions if s.key != key and s.starts_at != before[s.key]]
        self.moved.setText(
            f"{key.label} moved to {show_when(starts_at, zone)}"
            + "".join(f"; {s.key.label.lower()} went with it, to {show_when(s.starts_at, zone)}" for s in followed)
            + "."
        )
        self.refusals.clear()  # a refusal was about the plan as it stood
        self._refresh()

    def _room_chosen(self, key: StepKey) -> None:
        row = next(i for i, s in enumerate(self.sessions) if s.key == key)
        self.sessions[row] = replace(self.sessions[row], room_id=self.room_box(key.label).currentData())
        self.refusals.clear()
        self._refresh()

    def _refresh(self) -> None:
        """Show the sessions as they now stand, and what is wrong with them."""
        self.current_problems = problems(self.context, self.sessions)
        for row, session in enumerate(self.sessions):
            edit, rooms = self.table.cellWidget(row, WHEN), self.table.cellWidget(row, ROOM)
            if isinstance(edit, QDateTimeEdit) and session.starts_at is not None:
                edit.blockSignals(True)
                self._show_time(edit, session.starts_at)
                edit.blockSignals(False)
            if isinstance(rooms, QComboBox):
                rooms.blockSignals(True)
                rooms.setCurrentIndex(rooms.findData(session.room_id))
                rooms.blockSignals(False)
            notes = [*self.current_problems.get(session.key, []), *filter(None, [self.refusals.get(session.key)])]
            text = " ".join(dict.fromkeys(notes))
            item = self.table.item(row, PROBLEMS)
            item.setText(text)
            item.setToolTip(text)
            self.table.item(row, SESSION).setBackground(QBrush(PROBLEM_BACKGROUND) if text else QBrush())
        self.summary.setText(plan_summary(self.sessions, self.context))
        self.table.resizeRowsToContents()

    def _show_time(self, edit: QDateTimeEdit, instant: datetime) -> None:
        wall = instant.astimezone(self.context.availability.zone)
        edit.setDateTime(QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute), _WALL))

    # -- booking -------------------------------------------------------------------------------------

    def book(self) -> bool:
        self.show_message("")
        try:
            outcome = self._service.book_plan(self._course.id, self._course.version, self.sessions)
        except ValidationFailed as failure:
            by_label = {s.key.label: s.key for s in self.sessions}
            self.refusals = {by_label[e.field]: e.message for e in failure.errors if e.field in by_label}
            general = [e.message for e in failure.errors if e.field not in by_label]
            self._refresh()
            refused = sorted(self.row_of(key.label) for key in self.refusals)
            if refused:
                self.table.scrollToItem(self.table.item(refused[0], PROBLEMS))
            count = len(self.refusals)
            lead = f"Nothing was booked: {count} session{'s' if count != 1 else ''} need a change." if count else ""
            self.show_message(" ".join(filter(None, [lead, *general])) or "Nothing was booked.")
            return False
        except KapdeskError as error:  # changed elsewhere, refused, closed meanwhile
            self.show_message(f"{error.title}: {error} Nothing was booked.")
            return False
        self.booked.emit(outcome)
        self.accept()
        return True

    def propose_again(self) -> None:
        """Throw the edits away and ask for a fresh proposal (the calendar may have changed meanwhile)."""
        try:
            plan = self._service.propose(self._course.id)
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return
        self.show_message("")
        self.moved.setText("")
        self._fill(plan)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def done(self, result: int) -> None:
        if self._settings is not None:
            save_geometry(self, self._settings, "course_planner")
        super().done(result)
