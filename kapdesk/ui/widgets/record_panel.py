"""What every chart tab listing one patient's records shares: a message line for refusals and conflicts, a status
line beside the action buttons, and reading only when it matters. Reading a patient's record is an audited view,
so a tab reads when it is first shown, and again when a change that concerns it arrives, at once if it is showing,
else the next time it is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import KapdeskError
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.widgets.message_styles import ERROR_BOX

T = TypeVar("T")
D = TypeVar("D", bound=QDialog)


def records_table(model: QAbstractItemModel, name: str) -> QTableView:
    """A read-only list of records, one selected at a time, columns sized to their contents."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RecordPanel(QWidget):
    """Subclasses build their widgets, then lay out `message`, their list and `button_row(...)`; they implement
    `reload` and, when more than the patient's clinical record concerns them, `cares`."""

    def __init__(self, patient_id: int, bus: ChangeBus | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._patient_id = patient_id
        self._bus = bus
        self._stale = True
        self._refused = False  # the last read was refused: the message says why and there is nothing to list
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_BOX)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.status = QLabel()
        self.dialog: QDialog | None = None  # the one form open from this tab
        if bus is not None:
            bus.changed.connect(self._on_changed)

    @property
    def patient_id(self) -> int:
        return self._patient_id

    reload: Callable[[], None]  # each tab reads its own records (see `read`)

    def unsaved(self) -> str:
        """What this tab holds that is not saved yet, in words for a question before closing; empty if nothing."""
        return ""

    def cares(self, changes: Changes) -> bool:
        return self._patient_id in changes.clinical

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def read(self, call: Callable[[], T]) -> T | None:
        """Read for the tab. A refusal (already on the audit trail), a lock or a record gone shows its message and
        gives None: the tab then lists nothing."""
        self._stale = False
        try:
            found = call()
        except KapdeskError as error:
            self._refused = True
            self.show_message(f"{error.title}: {error}")
            return None
        self._refused = False
        self.show_message("")
        return found

    def busy(self) -> bool:
        """One form at a time: a second click brings the open one forward instead of losing it."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return True
        return False

    def open_dialog(self, dialog: D) -> D:
        self.dialog = dialog
        dialog.open()
        return dialog

    def button_row(self, *buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for button in buttons:
            row.addWidget(button)
        return row

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def publish(self, changes: Changes) -> bool:
        """Tell the rest of the app what this panel's action changed. True when the panel must still reload
        itself: nobody reloaded it through the bus (there is none, or it is hidden)."""
        self._stale = True
        if self._bus is not None:
            self._bus.publish(changes)
        return self._stale

    def _on_changed(self, changes: Changes) -> None:
        if self.cares(changes):
            self._stale = True
            if self.isVisible():
                self.reload()
