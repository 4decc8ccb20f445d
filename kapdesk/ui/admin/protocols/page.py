"""Protocols: the clinic's protocol templates, one list and the form for the selected one.

A save makes the protocol's next version; courses keep the version they were planned from. Typed changes are
kept through a refresh from another computer's save, and are only thrown away when the user says so.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.changes import Changes
from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.domain.protocols import ProtocolSpec, ProtocolTemplate
from kapdesk.services.protocols import ProtocolService
from kapdesk.ui.admin.protocols.editor import ProtocolEditor
from kapdesk.ui.admin.protocols.history import HistoryDialog
from kapdesk.ui.admin.protocols.list_model import ProtocolsModel, latest_versions
from kapdesk.ui.admin.schedule_setup.dialog import error_words
from kapdesk.ui.admin.schedule_setup.inputs import rows_table, selected_row
from kapdesk.ui.admin.schedule_setup.save_bar import SaveBar
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.widgets.confirm import may_discard

LIST_ROWS_SHOWN = 5


class ProtocolsPage(QWidget):
    def __init__(self, service: ProtocolService, bus: ChangeBus, settings: QSettings) -> None:
        super().__init__()
        self._service = service
        self._publish = bus.publish
        self._settings = settings
        self._shown: ProtocolTemplate | None = None  # the version the form was loaded from; None for a new one
        self._creating = False
        self._baseline: tuple[ProtocolSpec, str] | None = None  # the form as loaded, to tell an edit
        self._stale = True  # read when first shown, once someone is signed in
        self.history_dialog: HistoryDialog | None = None

        self.model = ProtocolsModel()
        self.table = rows_table(self.model, "Protocols", stretch=0)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setMaximumHeight(row_height * (LIST_ROWS_SHOWN + 1) + 2 * self.table.frameWidth() + 4)
        self.new_button = QPushButton("&New protocol…")
        self.toggle_button = QPushButton("&Retire…")
        self.history_button = QPushButton("Version &history…")
        side = QVBoxLayout()
        for button in (self.new_button, self.toggle_button, self.history_button):
            side.addWidget(button)
        side.addStretch(1)
        listing = QHBoxLayout()
        listing.addWidget(self.table, 1)
        listing.addLayout(side)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.editor = ProtocolEditor()
        scroll = QScrollArea()
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.bar = SaveBar(self, "&Save as new version")
        self.editor.after = [self.bar.revert_button, self.bar.save_button]

        layout = QVBoxLayout(self)
        layout.addLayout(listing)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.bar)

        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.table.activated.connect(lambda _index: self.editor.name.setFocus())  # Enter: on to the form
        self.new_button.clicked.connect(self.start_new)
        self.toggle_button.clicked.connect(self.toggle_offered)
        self.history_button.clicked.connect(self.show_history)
        self.editor.edited.connect(self._edited)
        self.bar.save_button.clicked.connect(self.save)
        self.bar.revert_button.clicked.connect(self.revert)
        bus.changed.connect(self._changed)
        self._update_controls()

    # -- reading -------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.load()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self.load()

    def forget(self) -> None:
        """Signed out: drop what was shown, unsaved changes included."""
        if self.history_dialog is not None:
            self.history_dialog.reject()
            self.history_dialog = None
        self.model.set_rows([])
        self._load_form(None, None)
        self.bar.say("")
        self._stale = True

    def load(self, select_code: str | None = None) -> None:
        """Read the list afresh. The form follows the selected protocol's latest version unless it holds
        unsaved changes, which stay as typed."""
        try:
            templates = latest_versions(self._service.templates(include_retired=True))
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return
        self._stale = False
        self.model.set_rows(templates)
        code = select_code or (self._shown.code if self._shown else None)
        row = self.model.row_of(code) if code is not None else None
        if self._creating:
            self._select(None)
        elif self.is_edited():
            self._select(row)  # the form keeps its version: a save then meets the other computer's as a conflict
        else:
            self._select(row if row is not None else (0 if templates else None))
            self._show_selected()
        self._update_controls()

    def _select(self, row: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
        else:
            self.table.selectRow(row)
            selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.table.viewport().update()

    def selected(self) -> ProtocolTemplate | None:
        row = selected_row(self.table)
        return self.model.template_at(row) if row is not None else None

    # -- the form ------------------------------------------------------------------------------------

    def is_edited(self) -> bool:
        return self._baseline is not None and (self.editor.spec(), self.editor.code.text()) != self._baseline

    def _show_selected(self) -> None:
        template = self.selected()
        if template is None:
            self._load_form(None, None)
            return
        unchanged = self._shown is not None and (self._shown.id, self._shown.row_version) == (
            template.id,
            template.row_version,
        )
        self._load_form(template, template.spec)
        if not unchanged:
            self.bar.say("")

    def _load_form(self, template: ProtocolTemplate | None, spec: ProtocolSpec | None, new: bool = False) -> None:
        self._shown, self._creating, self._baseline = template, new, None
        self.editor.setEnabled(spec is not None)
        self.heading.setText("")
        if spec is not None:
            self.editor.show_spec(spec, template.code if template else "", new)
            self._baseline = (self.editor.spec(), self.editor.code.text())
        if new:
            self.heading.setText("New protocol — saved as its version 1")
        elif template is not None:
            state = "offered for new courses" if template.active else "retired: not offered for new courses"
            self.heading.setText(f"{template.spec.name} — version {template.version}, {state}")
        self._update_controls()

    def _picked(self) -> None:
        """Another protocol chosen: unsaved changes are discarded only if the user says so."""
        if self.is_edited() and not self._may_discard("show another protocol"):
            previous = self.model.row_of(self._shown.code) if self._shown else None
            self._select(previous)
            return
        self._show_selected()

    def _may_discard(self, then: str) -> bool:
        what = "the new protocol" if self._creating else f"“{self._shown.spec.name}”" if self._shown else "this"
        return may_discard(self, "Unsaved changes", f"Your changes to {what} are not saved. Discard them and {then}?")

    def _edited(self) -> None:
        if self.is_edited():
            self.bar.edited()
        else:
            self.bar.say("")

    def _update_controls(self) -> None:
        template = self.selected()
        self.toggle_button.setEnabled(template is not None and not self._creating)
        self.toggle_button.setText("&Offer again" if template is not None and not template.active else "&Retire…")
        self.history_button.setEnabled(template is not None and not self._creating)
        self.bar.save_button.setText("&Save as version 1" if self._creating else "&Save as new version")
        self.bar.setEnabled(self._baseline is not None)

    # -- actions -------------------------------------------------------------------------------------

    def start_new(self) -> None:
        """A new protocol, starting from a copy of the selected one (its route may still change)."""
        if self.is_edited() and not self._may_discard("start a new protocol"):
            return
        source = self.selected() or self._shown
        if source is None:
            return
        self._select(None)
        self._load_form(None, replace(source.spec, name=""), new=True)
        self.bar.say("Starts as a copy of the selected protocol: give it a name and a code.")
        self.editor.name.setFocus()

    def revert(self) -> None:
        """Back to the latest saved version (after a conflict, the one saved on the other computer)."""
        self._creating, self._baseline = False, None  # nothing typed is kept
        self.bar.say("")
        self.load()

    def save(self) -> None:
        if self._baseline is None:
            return
        if not self.is_edited():
            self.bar.say("Nothing has changed.")
            return
        spec = self.editor.spec()
        try:
            if self._creating:
                outcome = self._service.add(self.editor.code.text(), spec)
            else:
                assert self._shown is not None
                outcome = self._service.save(self._shown.id, self._shown.row_version, spec)
        except ValidationFailed as invalid:
            unplaced = self.editor.show_errors(invalid.errors)
            self.bar.refused(f"Not saved: {error_words(ValidationFailed(unplaced))}" if unplaced else
                             "Not saved — please check the highlighted fields.")  # fmt: skip
            return
        except ConflictError as conflict:
            self.editor.show_errors([])
            self.bar.refused(f"Not saved: {conflict.message} Revert to see the latest version; your typing is "
                             "still in the form.")  # fmt: skip
            return
        except KapdeskError as error:
            self.editor.show_errors([])
            self.bar.refused(f"Not saved: {error_words(error)}")
            return
        saved = outcome.value
        self._creating = False
        self._shown, self._baseline = saved, None  # the reload shows the saved version
        self.load(select_code=saved.code)
        if saved.version == 1:
            self.bar.say(f"Saved “{saved.spec.name}” as version 1.", "color: #1b5e20;")
        else:
            self.bar.say(f"Saved as version {saved.version}; courses planned from version {saved.version - 1} "
                         "keep it.", "color: #1b5e20;")  # fmt: skip
        self._publish(outcome.changes)

    def toggle_offered(self) -> None:
        template = self.selected()
        if template is None:
            return
        if self.is_edited() and not self._may_discard("change whether it is offered"):
            return
        if template.active:
            answer = QMessageBox.question(
                self,
                "Retire protocol",
                f"Retire “{template.spec.name}”? No new course can be planned from it; courses already planned "
                "keep it, and you can offer it again later.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            outcome = self._service.set_offered(template.id, template.row_version, not template.active)
        except KapdeskError as error:
            QMessageBox.warning(self, f"Can't change “{template.spec.name}”", error_words(error))
            self.load()
            return
        self._baseline = None  # show the protocol as it now is
        self.load(select_code=template.code)
        self.bar.say("Retired." if template.active else "Offered for new courses again.", "color: #1b5e20;")
        self._publish(outcome.changes)

    def show_history(self) -> HistoryDialog | None:
        template = self.selected()
        if template is None:
            return None
        try:
            versions = self._service.history(template.code)
        except KapdeskError as error:
            QMessageBox.warning(self, error.title, str(error))
            return None
        self.history_dialog = HistoryDialog(versions, self._settings, self.window())
        self.history_dialog.open()
        return self.history_dialog

    def _changed(self, changes: Changes) -> None:
        if changes.protocols:
            self.invalidate()
