"""Appointment types: default length, turnover and room kind, and whether each is offered for booking.

Kind and route are fixed: the clinical rules (integration windows, monitoring times) hang on them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.appointments import LONGEST_APPOINTMENT, AppointmentType
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.opening_hours import Availability
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.wall_clock import duration_words
from kapdesk.services.schedule_rows import MAX_TURNOVER
from kapdesk.services.schedule_setup import ScheduleResources, ScheduleSetupService
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, outlined
from kapdesk.ui.admin.schedule_setup.dialog import SetupDialog
from kapdesk.ui.admin.schedule_setup.inputs import LimitedSpinBox, rows_table, selected_row
from kapdesk.ui.widgets.rows_model import RowsTableModel

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Name", "Kind", "Route", "Minutes", "Turnover", "Room kind", "Offered")
SHORTEST_MINUTES = 5
LONGEST_MINUTES = int(LONGEST_APPOINTMENT.total_seconds() // 60)
MOST_TURNOVER = int(MAX_TURNOVER.total_seconds() // 60)


def holds_words(duration: int, turnover: int) -> str:
    if not turnover:
        return f"Holds the room {duration_words(duration)}."
    return (
        f"Holds the room {duration_words(duration + turnover)} "
        f"({duration_words(duration)} + {duration_words(turnover)} turnover)."
    )


class TypesModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(COLUMNS, TYPE_ROLE, _cell, _look)

    def set_rows(self, types: tuple[AppointmentType, ...]) -> None:
        self._replace(types)

    def type_at(self, row: int) -> AppointmentType:
        return self._rows[row]

    def row_of(self, type_id: int) -> int | None:
        return self._find(lambda t: t.id == type_id)


def _cell(kind: AppointmentType, column: int) -> str:
    return (
        kind.name,
        kind.kind.label,
        kind.route.label if kind.route else "—",
        str(kind.duration_minutes),
        str(kind.turnover_minutes),
        RoomKind(kind.room_kind).label,
        "Yes" if kind.active else "No",
    )[column]


def _look(kind: AppointmentType, role: int) -> object:
    if role == Qt.ItemDataRole.ForegroundRole and not kind.active:
        return QBrush(QColor("#777777"))
    return None


class TypeDialog(SetupDialog):
    def __init__(
        self, service: ScheduleSetupService, kind: AppointmentType, settings: QSettings, parent: QWidget | None
    ) -> None:
        super().__init__(f"Edit “{kind.name}”", settings, "appointment_type_dialog", parent)
        self._service = service
        self.kind = kind
        self.name = QLineEdit(kind.name)
        self.name.setMaxLength(80)
        self.name.setAccessibleName("Name")
        self.duration = LimitedSpinBox(SHORTEST_MINUTES, LONGEST_MINUTES, 5, " min", "Duration")
        self.duration.setValue(kind.duration_minutes)
        self.turnover = LimitedSpinBox(0, MOST_TURNOVER, 5, " min", "Turnover")
        self.turnover.setValue(kind.turnover_minutes)
        self.room_kind = QComboBox()
        self.room_kind.setAccessibleName("Room kind")
        for room_kind in RoomKind:
            self.room_kind.addItem(room_kind.label, room_kind.value)  # Qt hands a StrEnum back as a plain str
        self.room_kind.setCurrentIndex(list(RoomKind).index(RoomKind(kind.room_kind)))
        self.offered = QCheckBox("Offered for booking")
        self.offered.setChecked(kind.active)
        self.holds = QLabel()
        self.holds.setAccessibleName("Room hold")

        self.add_field("name", "Name", MessageSlot(self.name, "Name"), required=True)
        self.form.addRow("Kind", QLabel(kind.kind.label))
        self.form.addRow("Route", QLabel(kind.route.label if kind.route else "—"))
        self._add_spin("duration", "Duration", self.duration)
        self._add_spin("turnover", "Turnover", self.turnover, "cleaning and reset after each one")
        self.form.addRow("", self.holds)
        self.add_field("room_kind", "Room kind", MessageSlot(self.room_kind, "Room kind"), required=True)
        self.form.addRow("", self.offered)
        self.duration.valueChanged.connect(self._show_hold)
        self.turnover.valueChanged.connect(self._show_hold)
        self._show_hold()
        self.finish(self.save)
        self.name.setFocus()

    def _add_spin(self, field: str, caption: str, spin: LimitedSpinBox, hint: str = "") -> None:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        frame = outlined(spin)  # a red border on a spin box itself would cost it its arrows
        line.addWidget(frame)
        low, high = spin.limits
        limits = QLabel(
            f"{duration_words(low) if low else '0'} to {duration_words(high)}" + (f"; {hint}" if hint else "")
        )
        limits.setStyleSheet("color: #555555;")
        line.addWidget(limits, 1)
        self.add_field(field, caption, OutlinedSlot(row, caption, spin, frame), required=True)

    def _show_hold(self) -> None:
        self.holds.setText(holds_words(self.duration.value(), self.turnover.value()))

    def save(self) -> None:
        room_kind = RoomKind(self.room_kind.currentData())
        self.submit(
            lambda: self._service.update_type(
                self.kind.id,
                self.name.text(),
                self.duration.value(),
                self.turnover.value(),
                room_kind,
                self.offered.isChecked(),
                expected_version=self.kind.version,
            )
        )


class TypesSection(QWidget):
    def __init__(self, service: ScheduleSetupService, settings: QSettings, publish: Callable[[Changes], None]) -> None:
        super().__init__()
        self._service = service
        self._settings = settings
        self._publish = publish
        self.dialog: TypeDialog | None = None

        self.model = TypesModel()
        self.table = rows_table(self.model, "Appointment types", stretch=0)
        self.status = QLabel()
        self.edit_button = QPushButton("&Edit…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.edit_button)
        note = QLabel(
            "Each type's kind and route are fixed; its length and turnover are the defaults a booking starts "
            "from. A type that is not offered keeps its past bookings."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.edit_button.clicked.connect(self.edit_selected)
        self.table.activated.connect(lambda _index: self.edit_selected())  # Enter or a double click
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def show_setup(self, resources: ScheduleResources, availability: Availability) -> None:
        keep = kind.id if (kind := self.selected()) else None
        self.model.set_rows(resources.types)
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        offered = sum(1 for t in resources.types if t.active)
        self.status.setText(f"{offered} of {len(resources.types)} types offered")
        self._update_buttons()

    def forget(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self.model.set_rows(())
        self.status.setText("")
        self._update_buttons()

    def selected(self) -> AppointmentType | None:
        row = selected_row(self.table)
        return self.model.type_at(row) if row is not None else None

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def edit_selected(self) -> TypeDialog | None:
        kind = self.selected()
        if kind is None:
            return None
        self.dialog = TypeDialog(self._service, kind, self._settings, self.window())
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def _saved(self, outcome: Outcome[AppointmentType]) -> None:
        self._publish(outcome.changes)
