"""Document templates: the clinic's consent forms and handouts, one list, the editor for the selected one, and a
live preview of the PDF it makes.

A draft is saved in place; saving an active template makes its next version, and documents already made keep
the version they were made from. Typed changes survive a refresh from another computer's save and are only
thrown away when the user says so (switching template, starting another, or closing kapdesk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSettings, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget

from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.document_templates import DocumentTemplate, TemplateSpec, TemplateStatus
from kapdesk.domain.errors import ConflictError, KapdeskError, ValidationFailed
from kapdesk.services.document_templates import DocumentTemplateService
from kapdesk.ui.admin.document_templates.editor import TemplateEditor
from kapdesk.ui.admin.document_templates.history import HistoryDialog
from kapdesk.ui.admin.document_templates.list_model import TemplatesModel, latest_versions
from kapdesk.ui.admin.document_templates.preview import LivePreview
from kapdesk.ui.admin.schedule_setup.dialog import error_words
from kapdesk.ui.admin.schedule_setup.inputs import rows_table, selected_row
from kapdesk.ui.admin.schedule_setup.save_bar import SAVED_STYLE, SaveBar
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.widgets.confirm import may_discard

LIST_ROWS_SHOWN = 4
SPLIT_KEY = "document_templates/split"
PREVIEW_SHARE = 0.45  # of the width, at first: enough to read a line of the preview
_ACTIVE, _DRAFT, _RETIRED = TemplateStatus.ACTIVE, TemplateStatus.DRAFT, TemplateStatus.RETIRED


class DocumentTemplatesPage(QWidget):
    def __init__(self, service: DocumentTemplateService, bus: ChangeBus, settings: QSettings) -> None:
        super().__init__()
        self._service = service
        self._publish = bus.publish
        self._settings = settings
        self._shown: DocumentTemplate | None = None  # the version the form was loaded from; None for a new one
        self._creating = False
        self._baseline: tuple[TemplateSpec, str] | None = None  # the form as loaded, to tell an edit
        self._stale = True  # read when first shown, once someone is signed in
        self._watched: QWidget | None = None  # the window whose closing asks about unsaved changes
        self._letterhead_changed = False  # while hidden: the preview is made again when shown
        self.history_dialog: HistoryDialog | None = None

        self.model = TemplatesModel()
        self.table = rows_table(self.model, "Document templates", stretch=0)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setMaximumHeight(row_height * (LIST_ROWS_SHOWN + 1) + 2 * self.table.frameWidth() + 4)
        self.new_button = QPushButton("&New template…")
        self.activate_button = QPushButton("&Activate")
        self.retire_button = QPushButton("&Retire…")
        self.history_button = QPushButton("Version &history…")
        side = QVBoxLayout()
        for button in (self.new_button, self.activate_button, self.retire_button, self.history_button):
            side.addWidget(button)
        side.addStretch(1)
        listing = QHBoxLayout()
        listing.addWidget(self.table, 1)
        listing.addLayout(side)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.editor = TemplateEditor()
        self.preview = LivePreview(self._service.preview)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        split.setChildrenCollapsible(False)
        split.splitterMoved.connect(lambda *_: settings.setValue(SPLIT_KEY, split.saveState()))
        self.split = split
        self.bar = SaveBar(self, "&Save")
        self.editor.after = [self.preview.view, self.bar.revert_button, self.bar.save_button]

        layout = QVBoxLayout(self)
        layout.addLayout(listing)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        layout.addWidget(self.bar)

        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.table.activated.connect(lambda _index: self.editor.body.setFocus())  # Enter: on to the text
        self.new_button.clicked.connect(self.start_new)
        self.activate_button.clicked.connect(self.activate)
        self.retire_button.clicked.connect(self.retire)
        self.history_button.clicked.connect(self.show_history)
        self.editor.edited.connect(self._edited)
        self.preview.refused.connect(lambda errors: self.editor.show_errors(errors, focus=False))
        self.preview.accepted.connect(lambda: self.editor.show_errors([], focus=False))
        self.bar.save_button.clicked.connect(self.save)
        self.bar.revert_button.clicked.connect(self.revert)
        bus.changed.connect(self._changed)
        self._update_controls()

    # -- reading -------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._watched is None and not self.split.restoreState(self._settings.value(SPLIT_KEY, b"")):
            width = self.split.width()
            self.split.setSizes([round(width * (1 - PREVIEW_SHARE)), round(width * PREVIEW_SHARE)])
        window = self.window()
        if window is not self and window is not self._watched:
            window.installEventFilter(self)  # closing kapdesk with unsaved text asks first
            self._watched = window
        if self._stale:
            self.load()
        elif self._letterhead_changed:
            self.refresh_preview()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Close and not self.may_leave("close kapdesk"):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

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
        """Read the list afresh. The form follows the selected template's latest version unless it holds
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

    def refresh_preview(self) -> None:
        """The clinic's letterhead or paper changed: make the preview again (when next shown, if hidden)."""
        self._letterhead_changed = not self.isVisible()
        if self._baseline is not None and self.isVisible():
            self.preview.request(self.editor.spec(), now=True)

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

    def selected(self) -> DocumentTemplate | None:
        row = selected_row(self.table)
        return self.model.template_at(row) if row is not None else None

    # -- the form ------------------------------------------------------------------------------------

    def is_edited(self) -> bool:
        return self._baseline is not None and (self.editor.spec(), self.editor.code.text()) != self._baseline

    def may_leave(self, then: str) -> bool:
        """True when nothing typed would be lost, or the user chose to discard it."""
        if not self.is_edited():
            return True
        what = "the new template" if self._creating else f"“{self._shown.spec.title}”" if self._shown else "this"
        return may_discard(self, "Unsaved changes", f"Your changes to {what} are not saved. Discard them and {then}?")

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

    def _load_form(self, template: DocumentTemplate | None, spec: TemplateSpec | None, new: bool = False) -> None:
        self._shown, self._creating, self._baseline = template, new, None
        self.editor.setEnabled(spec is not None)
        self.heading.setText("")
        if spec is not None:
            self.editor.show_template(spec, template.code if template else "", new)
            self._baseline = (self.editor.spec(), self.editor.code.text())
        if new:
            self.heading.setText("New template — saved as a draft, version 1; activate it when it is ready")
        elif template is not None:
            state = {
                _ACTIVE: "active: documents are made from it",
                _DRAFT: "draft: not used for patients until activated",
                _RETIRED: "retired: no documents are made from it",
            }[template.status]
            self.heading.setText(f"{template.spec.title} — {template.code}, version {template.version}, {state}")
            self.heading.setToolTip(template.spec.title)
        self.preview.request(spec, now=True)
        self._letterhead_changed = False
        self._update_controls()

    def _picked(self) -> None:
        """Another template chosen: unsaved changes are discarded only if the user says so."""
        if not self.may_leave("show another template"):
            previous = self.model.row_of(self._shown.code) if self._shown else None
            self._select(previous)
            return
        self._show_selected()

    def _edited(self) -> None:
        if self.is_edited():
            self.bar.edited()
        else:
            self.bar.say("")
        self.preview.request(self.editor.spec())

    def _update_controls(self) -> None:
        template = None if self._creating else self.selected()
        status = template.status if template is not None else None
        self.activate_button.setEnabled(status in (_DRAFT, _RETIRED))
        self.retire_button.setEnabled(status in (_DRAFT, _ACTIVE))
        self.history_button.setEnabled(template is not None)
        self.new_button.setEnabled(self._shown is not None or self._creating or self.model.rowCount() > 0)
        shown = self._shown
        if self._creating:
            label = "&Save as version 1"
        elif shown is not None and shown.status is _ACTIVE:
            label = f"&Save as version {shown.version + 1}"
        else:
            label = "&Save draft" if shown is not None and shown.status is _DRAFT else "&Save"
        self.bar.save_button.setText(label)
        retired = shown is not None and shown.status is _RETIRED
        self.bar.setEnabled(self._baseline is not None and not retired)
        self.editor.set_read_only(retired)  # still readable and previewed; Activate brings it back to edit

    # -- actions -------------------------------------------------------------------------------------

    def start_new(self) -> None:
        """A new template, starting from a copy of the selected one: it needs its own title and code."""
        if not self.may_leave("start a new template"):
            return
        source = self.selected() or self._shown
        if source is None:
            return
        self._select(None)
        self._load_form(None, replace(source.spec, title=""), new=True)
        self.bar.say("Starts as a copy of the selected template: give it a title and a code.")
        self.editor.title.setFocus()

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
                             "Not saved — please check the fields marked in red.")  # fmt: skip
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
        saved, before = outcome.value, self._shown
        self._creating = False
        self._shown, self._baseline = saved, None  # the reload shows the saved version
        self.load(select_code=saved.code)
        if before is not None and saved.version > before.version:
            self.bar.say(f"Saved as version {saved.version}, now active; documents made from version "
                         f"{before.version} keep it.", SAVED_STYLE)  # fmt: skip
        else:
            self.bar.say(f"Saved the draft “{saved.spec.title}”. Activate it when it is ready.", SAVED_STYLE)
        self._publish(outcome.changes)

    def activate(self) -> None:
        template = self.selected()
        if template is None or not self.may_leave("activate the saved version"):
            return
        spec = template.spec
        replaced = [
            t.spec.title
            for t in self.model.templates()
            if t.status is _ACTIVE and t.code != template.code and (t.spec.kind, t.spec.language) == (
                spec.kind, spec.language) and t.spec.routes & spec.routes
        ]  # fmt: skip
        if replaced:
            answer = QMessageBox.question(
                self,
                "Activate template",
                f"Activate “{spec.title}”? It replaces {' and '.join(f'“{t}”' for t in replaced)}, which will be "
                "retired. Documents already made keep the version they were made from.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._change(template, self._service.activate, "Activated: documents are made from it from now on.")

    def retire(self) -> None:
        template = self.selected()
        if template is None or not self.may_leave("retire it"):
            return
        answer = QMessageBox.question(
            self,
            "Retire template",
            f"Retire “{template.spec.title}”? No more documents are made from it; documents already made keep "
            f"it. Until another {template.spec.kind.label.lower()} template is active for its routes, none can "
            "be printed for them.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._change(template, self._service.retire, "Retired.")

    def _change(
        self, template: DocumentTemplate, call: Callable[[int, int], Outcome[DocumentTemplate]], done: str
    ) -> None:
        try:
            outcome = call(template.id, template.row_version)
        except ValidationFailed as invalid:
            self.editor.show_errors(invalid.errors)
            self.bar.refused(f"Not changed: {error_words(invalid)}")
            return
        except KapdeskError as error:
            self.bar.refused(f"Not changed: {error_words(error)}")
            self.load()
            return
        self._baseline = None  # show the template as it now is
        self.load(select_code=template.code)
        self.bar.say(done, SAVED_STYLE)
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
        if changes.document_templates:
            self.invalidate()
