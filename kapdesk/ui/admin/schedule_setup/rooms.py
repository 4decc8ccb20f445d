"""Rooms: what each can be booked for; add, rename or change kind, retire and bring back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.opening_hours import Availability
from kapdesk.domain.rooms import RoomInfo, RoomKind
from kapdesk.services.schedule_setup import ScheduleResources, ScheduleSetupService
from kapdesk.ui.admin.fields import MessageSlot
from kapdesk.ui.admin.schedule_setup.dialog import SetupDialog, error_words
from kapdesk.ui.admin.schedule_setup.inputs import rows_table, selected_row
from kapdesk.ui.widgets.rows_model import RowsTableModel

ROOM_ROLE = Qt.ItemDataRole.UserRole + 1
RETIRED_GREY = "#777777"


class RoomsModel(RowsTableModel):
    def __init__(self) -> None:
        super().__init__(("Name", "Kind", "Status"), ROOM_ROLE, _cell, _look)

    def set_rows(self, rooms: tuple[RoomInfo, ...]) -> None:
        # In-service rooms first, as the booking form offers them; retired ones stay listed to bring back.
        self._replace(sorted(rooms, key=lambda r: (not r.active, r.name.casefold())))

    def room_at(self, row: int) -> RoomInfo:
        return self._rows[row]

    def row_of(self, room_id: int) -> int | None:
        return self._find(lambda r: r.id == room_id)


def _cell(room: RoomInfo, column: int) -> str:
    return (room.name, room.kind.label, "In service" if room.active else "Retired")[column]


def _look(room: RoomInfo, role: int) -> object:
    if role == Qt.ItemDataRole.ForegroundRole and not room.active:
        return QBrush(QColor(RETIRED_GREY))
    return None


class RoomDialog(SetupDialog):
    """Add a room (no `room`) or rename it and change its kind."""

    def __init__(
        self, service: ScheduleSetupService, room: RoomInfo | None, settings: QSettings, parent: QWidget | None
    ) -> None:
        title = f"Edit room “{room.name}”" if room else "Add room"
        super().__init__(title, settings, "room_dialog", parent)
        self._service = service
        self.room = room
        self.name = QLineEdit(room.name if room else "")
        self.name.setMaxLength(60)
        self.name.setAccessibleName("Room name")
        self.name.setPlaceholderText("e.g. Dosing room 1")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Room kind")
        for kind in RoomKind:
            self.kind.addItem(kind.label, kind.value)  # Qt hands a StrEnum back as a plain str
        self.kind.setCurrentIndex(list(RoomKind).index(room.kind) if room else 0)
        self.add_field("name", "Name", MessageSlot(self.name, "Name"), required=True)
        self.add_field("kind", "Kind", MessageSlot(self.kind, "Kind"), required=True)
        hint = QLabel("Appointment types say which kind of room they need.")
        hint.setStyleSheet("color: #555555;")
        self.form.addRow("", hint)
        self.finish(self.save)
        self.name.setFocus()

    def save(self) -> None:
        kind = RoomKind(self.kind.currentData())
        room = self.room
        if room is None:
            self.submit(lambda: self._service.add_room(self.name.text(), kind))
        else:
            self.submit(
                lambda: self._service.update_room(
                    room.id, self.name.text(), kind, room.active, expected_version=room.version
                )
            )


class RoomsSection(QWidget):
    def __init__(self, service: ScheduleSetupService, settings: QSettings, publish: Callable[[Changes], None]) -> None:
        super().__init__()
        self._service = service
        self._settings = settings
        self._publish = publish
        self.dialog: RoomDialog | None = None
        self._select_next: int | None = None  # the room to select at the next refresh (just added or edited)

        self.model = RoomsModel()
        self.table = rows_table(self.model, "Rooms", stretch=0)
        self.status = QLabel()
        self.add_button = QPushButton("&Add room…")
        self.edit_button = QPushButton("&Edit…")
        self.toggle_button = QPushButton("&Retire…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.add_button, self.edit_button, self.toggle_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.table.activated.connect(lambda _index: self.edit_selected())  # Enter or a double click
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def show_setup(self, resources: ScheduleResources, availability: Availability) -> None:
        keep = self._select_next or (room.id if (room := self.selected()) else None)
        self._select_next = None
        self.model.set_rows(resources.rooms)
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        active = sum(1 for r in resources.rooms if r.active)
        retired = len(resources.rooms) - active
        self.status.setText(f"{active} in service" + (f", {retired} retired" if retired else ""))
        self._update_buttons()

    def forget(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self.model.set_rows(())
        self.status.setText("")
        self._update_buttons()

    def selected(self) -> RoomInfo | None:
        row = selected_row(self.table)
        return self.model.room_at(row) if row is not None else None

    def _update_buttons(self) -> None:
        room = self.selected()
        self.edit_button.setEnabled(room is not None)
        self.toggle_button.setEnabled(room is not None)
        self.toggle_button.setText("&Bring back" if room is not None and not room.active else "&Retire…")

    # -- actions -------------------------------------------------------------------------------------

    def add(self) -> RoomDialog:
        return self._open(RoomDialog(self._service, None, self._settings, self.window()))

    def edit_selected(self) -> RoomDialog | None:
        room = self.selected()
        return self._open(RoomDialog(self._service, room, self._settings, self.window())) if room else None

    def _open(self, dialog: RoomDialog) -> RoomDialog:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def toggle_selected(self) -> None:
        """Retiring asks first (the room drops out of booking); bringing it back just does it."""
        room = self.selected()
        if room is None:
            return
        if room.active:
            ahead = self._service.bookings_ahead(room.id)
            stranded = (
                f"\n\n{ahead} appointment{'s are' if ahead != 1 else ' is'} still booked there from now on: "
                "they keep the room until you move them."
                if ahead
                else ""
            )
            answer = QMessageBox.question(
                self,
                "Retire room",
                f"Retire “{room.name}”? It will take no new bookings. Past bookings keep the room, "
                f"and you can bring it back later.{stranded}",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            outcome = self._service.update_room(
                room.id, room.name, room.kind, not room.active, expected_version=room.version
            )
        except KapdeskError as error:
            verb = "retire" if room.active else "bring back"
            QMessageBox.warning(self, f"Can't {verb} {room.name}", error_words(error))
            return
        self._saved(outcome)

    def _saved(self, outcome: Outcome[RoomInfo]) -> None:
        self._select_next = outcome.value.id
        self._publish(outcome.changes)
