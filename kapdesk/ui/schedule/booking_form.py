"""The fields of the booking dialog, and turning them into an AppointmentDraft in the clinic's local time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from kapdesk.domain.appointments import Appointment, AppointmentDraft, AppointmentType
from kapdesk.domain.patients import PatientSummary
from kapdesk.domain.wall_clock import duration_words, to_utc
from kapdesk.services.schedule_setup import ScheduleResources

SEARCH_DELAY_MS = 150


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The clinic's wall-clock time as an instant; a time the clocks skip (02:30 in spring) moves an hour on."""
    naive = datetime.combine(day, at)
    return to_utc(naive, zone) or naive.replace(tzinfo=zone).astimezone(UTC)


def hold_words(kind: AppointmentType) -> str:
    if kind.turnover_minutes:
        return f"{kind.name} — holds the room {duration_words(kind.duration_minutes + kind.turnover_minutes)}"
    return f"{kind.name} — {duration_words(kind.duration_minutes)}"


class PatientPicker(QLineEdit):
    """Type a name, chart number or birth date; pick from what the registry's search finds."""

    def __init__(self, search: Callable[[str], list[PatientSummary]]) -> None:
        super().__init__()
        self._search = search
        self._found: dict[str, int] = {}
        self.patient_id: int | None = None
        self.setPlaceholderText("Name, chart number or date of birth")
        self.setAccessibleName("Patient")
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.activated.connect(self._chosen)
        self.setCompleter(self._completer)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS, timeout=self._run_search)
        self.textEdited.connect(self._edited)

    def set_patient(self, patient_id: int, label: str) -> None:
        self.patient_id = patient_id
        self.setText(label)

    def _edited(self, _text: str) -> None:
        self.patient_id = self._found.get(self.text())
        self._timer.start()

    def _run_search(self) -> None:
        if len(self.text().strip()) < 2:
            return
        found = self._search(self.text())
        self._found = {_label(p): p.id for p in found if not p.archived}
        self._completer.model().setStringList(list(self._found))  # type: ignore[attr-defined]
        self._completer.complete()

    def _chosen(self, label: str) -> None:
        self.patient_id = self._found.get(label)


def _label(patient: PatientSummary) -> str:
    return f"{patient.last_name}, {patient.first_name} — {patient.chart_number}"


class BookingFields:
    """Every input of the dialog, wired so the end follows the start and the type's duration."""

    def __init__(self, resources: ScheduleResources, zone: ZoneInfo, search: Callable[[str], list[PatientSummary]]):
        self.zone = zone
        self.resources = resources
        self.patient = PatientPicker(search)
        self.type = QComboBox()
        for kind in resources.types:
            if kind.active:
                self.type.addItem(hold_words(kind), kind.id)
        self.clinicians = QListWidget()
        self.clinicians.setAccessibleName("Clinicians")
        self.clinicians.setMaximumHeight(110)
        for clinician in resources.clinicians:
            if clinician.active:
                item = QListWidgetItem(clinician.label)
                item.setData(Qt.ItemDataRole.UserRole, clinician.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.clinicians.addItem(item)
        self.room = QComboBox()
        self.room.setAccessibleName("Room")
        self.day = QDateEdit(calendarPopup=True)
        self.day.setDisplayFormat("ddd MM/dd/yyyy")
        self.start = QTimeEdit(displayFormat="HH:mm")
        self.end = QTimeEdit(displayFormat="HH:mm")
        for edit in (self.start, self.end):
            edit.setTimeRange(QTime(0, 0), QTime(23, 59))
        self.times = QWidget()
        row = QHBoxLayout(self.times)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.day)
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        row.addStretch(1)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("For the desk: what to bring, parking, interpreter…")
        self.repeat = QCheckBox("Repeat every")
        self.every = QSpinBox(minimum=1, maximum=28, value=7, suffix=" days")
        self.count = QSpinBox(minimum=2, maximum=52, value=4, suffix=" times in all")
        self.repeat_row = QWidget()
        repeat = QHBoxLayout(self.repeat_row)
        repeat.setContentsMargins(0, 0, 0, 0)
        for widget in (self.repeat, self.every, self.count):
            repeat.addWidget(widget)
        repeat.addStretch(1)
        self.every.setEnabled(False)
        self.count.setEnabled(False)
        self.repeat.toggled.connect(self.every.setEnabled)
        self.repeat.toggled.connect(self.count.setEnabled)
        self.type.currentIndexChanged.connect(self._type_changed)
        self.start.timeChanged.connect(self._start_changed)
        self._last_start = self.start.time()
        self._type_changed()

    # -- filling in ------------------------------------------------------------------------------------

    def fill_new(
        self, starts_at: datetime, ends_at: datetime | None, clinician_id: int | None, room_id: int | None
    ) -> None:
        self._set_times(starts_at, ends_at)
        if clinician_id is not None:
            self.set_clinicians([clinician_id])
        if room_id is not None:
            kind = next((r.kind for r in self.resources.rooms if r.id == room_id), None)
            index = next((i for i in range(self.type.count()) if self._type_at(i).room_kind == kind), -1)
            if index >= 0 and self.chosen_type().room_kind != kind:
                self.type.setCurrentIndex(index)
            self._set_room(room_id)
        if ends_at is None:
            self._end_from_duration()

    def fill_existing(self, appointment: Appointment) -> None:
        self.patient.set_patient(appointment.patient_id, f"{appointment.patient_name} — {appointment.chart_number}")
        self.patient.setReadOnly(True)
        index = self.type.findData(appointment.type_id)
        if index < 0:  # a retired type: still shown for this appointment
            self.type.addItem(appointment.type_name, appointment.type_id)
            index = self.type.count() - 1
        self.type.setCurrentIndex(index)
        self.set_clinicians(appointment.clinician_ids)
        self._set_room(appointment.room_id)
        self._set_times(appointment.starts_at, appointment.ends_at)
        self.notes.setPlainText(appointment.notes)

    def set_clinicians(self, ids: Sequence[int]) -> None:
        for row in range(self.clinicians.count()):
            item = self.clinicians.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def move_to(self, starts_at: datetime, room_id: int) -> None:
        """Take an offered free slot: its time and room, same length."""
        length = self._length()
        self._set_room(room_id)
        self._set_times(starts_at, starts_at + length)

    # -- reading back ----------------------------------------------------------------------------------

    def draft(self) -> AppointmentDraft:
        day = self.day.date().toPython()
        starts = local_instant(day, self.start.time().toPython(), self.zone)  # type: ignore[arg-type]
        ends = local_instant(day, self.end.time().toPython(), self.zone)  # type: ignore[arg-type]
        clinicians = tuple(
            self.clinicians.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.clinicians.count())
            if self.clinicians.item(r).checkState() == Qt.CheckState.Checked
        )
        return AppointmentDraft(
            self.patient.patient_id,
            self.type.currentData(),
            clinicians,
            self.room.currentData(),
            starts,
            ends,
            self.notes.toPlainText(),
        )

    def texts(self) -> dict[str, str]:
        """The form as typed, for a draft kept when someone else signs in."""
        draft = self.draft()
        return {
            "patient_id": "" if draft.patient_id is None else str(draft.patient_id),
            "patient_label": self.patient.text(),
            "type_id": str(draft.type_id or ""),
            "clinicians": ",".join(str(c) for c in draft.clinician_ids),
            "room_id": str(draft.room_id or ""),
            "day": self.day.date().toString("yyyy-MM-dd"),
            "start": self.start.time().toString("HH:mm"),
            "end": self.end.time().toString("HH:mm"),
            "notes": self.notes.toPlainText(),
            "repeat": "1" if self.repeat.isChecked() else "",
            "every": str(self.every.value()),
            "count": str(self.count.value()),
        }

    def load_texts(self, texts: dict[str, str]) -> None:
        if texts.get("patient_id"):
            self.patient.set_patient(int(texts["patient_id"]), texts.get("patient_label", ""))
        if texts.get("type_id") and (index := self.type.findData(int(texts["type_id"]))) >= 0:
            self.type.setCurrentIndex(index)
        self.set_clinicians([int(c) for c in texts.get("clinicians", "").split(",") if c])
        if texts.get("room_id"):
            self._set_room(int(texts["room_id"]))
        self.day.setDate(QDate.fromString(texts.get("day", ""), "yyyy-MM-dd"))
        self.start.blockSignals(True)
        self.start.setTime(QTime.fromString(texts.get("start", ""), "HH:mm"))
        self.start.blockSignals(False)
        self._last_start = self.start.time()
        self.end.setTime(QTime.fromString(texts.get("end", ""), "HH:mm"))
        self.notes.setPlainText(texts.get("notes", ""))
        self.repeat.setChecked(bool(texts.get("repeat")))
        self.every.setValue(int(texts.get("every") or 7))
        self.count.setValue(int(texts.get("count") or 4))

    def chosen_type(self) -> AppointmentType:
        return self._type_at(self.type.currentIndex())

    # -- keeping fields consistent ---------------------------------------------------------------------

    def _type_at(self, index: int) -> AppointmentType:
        type_id = self.type.itemData(index)
        return next(t for t in self.resources.types if t.id == type_id)

    def _type_changed(self) -> None:
        if self.type.currentIndex() < 0:
            return
        kind = self.chosen_type()
        current = self.room.currentData()
        self.room.clear()
        for room in self.resources.rooms:
            if room.active and room.kind.value == kind.room_kind:
                self.room.addItem(room.name, room.id)
        index = self.room.findData(current)
        if index >= 0:  # the room chosen before still suits this kind of appointment
            self.room.setCurrentIndex(index)
        self._end_from_duration()

    def _start_changed(self, new: QTime) -> None:
        """Moving the start keeps the length the user had."""
        length = self._last_start.secsTo(self.end.time())
        self._last_start = new
        self.end.setTime(new.addSecs(max(length, 5 * 60)))

    def _end_from_duration(self) -> None:
        if self.type.currentIndex() >= 0:
            self.end.setTime(self.start.time().addSecs(self.chosen_type().duration_minutes * 60))

    def _length(self) -> timedelta:
        return timedelta(seconds=self.start.time().secsTo(self.end.time()))

    def _set_room(self, room_id: int) -> None:
        index = self.room.findData(room_id)
        if index < 0:  # a retired room or another kind: shown so the user sees what was booked
            name = next((r.name for r in self.resources.rooms if r.id == room_id), f"room {room_id}")
            self.room.addItem(name, room_id)
            index = self.room.count() - 1
        self.room.setCurrentIndex(index)

    def _set_times(self, starts_at: datetime, ends_at: datetime | None) -> None:
        start = starts_at.astimezone(self.zone)
        self.day.setDate(QDate(start.year, start.month, start.day))
        self.start.blockSignals(True)
        self.start.setTime(QTime(start.hour, start.minute))
        self.start.blockSignals(False)
        self._last_start = self.start.time()
        if ends_at is not None:
            end = ends_at.astimezone(self.zone)
            self.end.setTime(QTime(end.hour, end.minute))
