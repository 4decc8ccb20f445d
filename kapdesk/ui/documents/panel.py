"""The chart's Documents tab: every consent form and handout made for the patient (newest first) with where it stands,
the selected one in full, one click to make each kind for the patient's current course, and the consent's signing
(on paper or on screen) and revocation. Whatever is made or opened is shown in the preview, ready to print.

Reading the list is an audited view: it happens when the tab is shown, and again when this patient's documents
change while it is shown."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.document_templates import DocumentKind
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.patient_documents import DocumentState, OpenedDocument, PatientDocument, SignMethod
from kapdesk.domain.permissions import Permission
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin.fields import as_sentence
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.documents.preview import PdfPreviewDialog
from kapdesk.ui.documents.signing import PaperSignatureDialog, RevokeDialog, SignOnScreenDialog
from kapdesk.ui.formatting import show_date
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.confirm import may_proceed
from kapdesk.ui.widgets.record_panel import RecordPanel, records_table
from kapdesk.ui.widgets.rows_model import Index, RowsTableModel

DOCUMENT_ROLE = Qt.ItemDataRole.UserRole + 1
TITLE_COLUMN, STATE_COLUMN = 1, 5
# (background, text) per state: amber waits for something, green is done, red stops dosing.
STATE_COLOURS = {
    DocumentState.MADE: ("#fff4e0", "#6d4c00"),
    DocumentState.SIGNED: ("#e6f4ea", "#1e6b34"),
    DocumentState.REVOKED: ("#fdecea", "#8e1b1b"),
}
# What each one-click button makes, and how a refusal names it.
MAKES = {
    DocumentKind.CONSENT: ("Consent for this course's &route", "the consent form"),
    DocumentKind.PREPARATION: ("&Preparation for the next dose", "the preparation instructions"),
    DocumentKind.AFTERCARE: ("A&ftercare handout", "the aftercare handout"),
}


def documents_tab(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> ChartTab:
    def make(patient_id: int, actor: Actor) -> DocumentsPanel:
        profile = clinic.admin.profile()
        zone = ZoneInfo(profile.time_zone if profile else "UTC")
        return DocumentsPanel(clinic, patient_id, actor, zone, bus)

    # Alt+O: D, N and S already open the Discontinue button, the Notes tab and the Screening tab.
    return ChartTab("D&ocuments", make, allowed=lambda actor: actor.may(Permission.PRINT_DOCUMENTS))


T = TypeVar("T")


def state_words(document: PatientDocument) -> str:
    if document.state is DocumentState.SIGNED:
        return "Signed on screen" if document.signed_method is SignMethod.ELECTRONIC else "Signed on paper"
    return document.state.label


class DocumentsTableModel(RowsTableModel):
    def __init__(self, zone: ZoneInfo) -> None:
        columns = ("Made", "Title", "Kind", "Route", "Template", "State", "Signed by", "Witness")
        super().__init__(columns, DOCUMENT_ROLE, self._cell, self._style)
        self._zone = zone

    def set_rows(self, rows: list[PatientDocument]) -> None:
        self._replace(rows)

    def document_at(self, row: int) -> PatientDocument:
        return self._rows[row]

    def row_of(self, document_id: int) -> int | None:
        return self._find(lambda d: d.id == document_id)

    def _cell(self, d: PatientDocument, column: int) -> str:
        return (
            f"{to_local(d.made_at, self._zone):%m/%d/%Y %H:%M}",
            d.title,
            d.kind.label,
            d.route.label if d.route is not None else "—",
            f"{d.template_code} v{d.template_version}",
            state_words(d),
            d.signer_name,
            d.witness_name,
        )[column]

    def _style(self, d: PatientDocument, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and d.state is DocumentState.REVOKED:
            return QBrush(QColor("#8a8a8a"))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == STATE_COLUMN:
            state = self._rows[index.row()].state
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(STATE_COLOURS[state][0]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(STATE_COLOURS[state][1]))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


class DocumentsPanel(RecordPanel):
    def __init__(
        self,
        clinic: Clinic,
        patient_id: int,
        actor: Actor,
        zone: ZoneInfo,
        bus: ChangeBus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(patient_id, bus, parent)
        self._clinic = clinic
        self._service = clinic.documents
        self._actor = actor
        self._zone = zone
        self.documents: list[PatientDocument] = []
        self.preview: PdfPreviewDialog | None = None

        self.make_buttons: dict[DocumentKind, QPushButton] = {}
        make_row = QHBoxLayout()
        make_row.addWidget(QLabel("<b>Make for the current course:</b>"))
        for kind, (text, _what) in MAKES.items():
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, k=kind: self.make(k))
            self.make_buttons[kind] = button
            make_row.addWidget(button)
        make_row.addStretch(1)

        self.model = DocumentsTableModel(zone)
        self.table = records_table(self.model, "Documents")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.details = QTextBrowser()
        self.details.setAccessibleName("Selected document")
        self.splitter = QSplitter(Qt.Orientation.Vertical)  # eight columns want the window's whole width
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 180])

        self.open_button = QPushButton("Op&en")
        self.screen_button = QPushButton("Si&gn on screen…")
        self.paper_button = QPushButton("Record paper signa&ture…")
        self.revoke_button = QPushButton("Re&voke consent…")
        for button, action in (
            (self.open_button, self.open_selected),
            (self.screen_button, self.sign_on_screen),
            (self.paper_button, self.record_paper_signature),
            (self.revoke_button, self.revoke_selected),
        ):
            button.clicked.connect(lambda _checked=False, act=action: act())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(make_row)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.button_row(self.open_button, self.screen_button, self.paper_button, self.revoke_button))
        self._selection_changed()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (d.id if (d := self.selected()) else None)
        self.documents = self.read(lambda: self._service.for_patient(self.patient_id)) or []
        self.model.set_rows(self.documents)
        if self._refused:
            self._selection_changed()
            return
        signed = sum(1 for d in self.documents if d.valid_consent)
        count = len(self.documents)
        self.status.setText(
            f"{count} document{'s' if count != 1 else ''} · {signed} signed consent{'s' if signed != 1 else ''}"
        )
        row = self.model.row_of(keep) if keep is not None else None
        self.table.selectRow(row if row is not None else 0)
        self._selection_changed()

    def cares(self, changes: Changes) -> bool:
        return self.patient_id in changes.documents

    def selected(self) -> PatientDocument | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.document_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        document = self.selected()
        self.splitter.setVisible(not self._refused)
        for button in (*self.make_buttons.values(), self.screen_button):
            button.setEnabled(not self._refused)
        consent = document is not None and document.kind is DocumentKind.CONSENT
        self.open_button.setEnabled(document is not None)
        self.paper_button.setEnabled(consent and document.state is DocumentState.MADE)  # type: ignore[union-attr]
        self.revoke_button.setEnabled(consent and document.state is DocumentState.SIGNED)  # type: ignore[union-attr]
        self.details.setHtml(
            document_html(document, self._zone)
            if document
            else "<p>No document has been made for this patient yet. Make one with the buttons above.</p>"
        )

    # -- actions -------------------------------------------------------------------------------------

    def make(self, kind: DocumentKind) -> PdfPreviewDialog | None:
        """One click: the document from the active template for the current course, then its preview. A consent
        while a signed one for the same route is on file asks first: a second copy to sign is rarely wanted."""
        if kind is DocumentKind.CONSENT and not self._another_consent_wanted():
            return None
        outcome = self._try(kind, lambda: self._service.make(self.patient_id, kind))
        if outcome is None:
            return None
        self._after(outcome, outcome.value.document.id)
        return self.show_preview(outcome.value)

    def _another_consent_wanted(self) -> bool:
        ready = self._try(DocumentKind.CONSENT, lambda: self._service.ready(self.patient_id, DocumentKind.CONSENT))
        if ready is None:
            return False
        on_file = next((d for d in self.documents if d.valid_consent and d.route == ready.route), None)
        if on_file is None or on_file.signed_at is None:
            return True
        signed = show_date(to_local(on_file.signed_at, self._zone).date())
        return may_proceed(
            self,
            "Another consent?",
            f"A consent for {on_file.route.label if on_file.route else 'this route'} signed on {signed} is on file "
            "and still valid. Make a new one to sign anyway?",
        )

    def _try(self, kind: DocumentKind, call: Callable[[], T]) -> T | None:
        """Make (or check) a document; a refusal names every missing fact in the message line."""
        what = MAKES[kind][1]
        try:
            found = call()
        except ValidationFailed as failure:  # every missing fact, in words
            self.show_message(f"Can't make {what}: " + " ".join(as_sentence(e.message) for e in failure.errors))
            return None
        except KapdeskError as error:
            self.show_message(f"Can't make {what}: {error}")
            return None
        self.show_message("")
        return found

    def open_selected(self) -> PdfPreviewDialog | None:
        document = self.selected()
        if document is None:
            return None
        try:
            opened = self._service.open(document.id)
        except KapdeskError as error:
            self.show_message(f"Can't open {document.title}: {error}")
            return None
        self.show_message("")
        return self.show_preview(opened)

    def show_preview(self, opened: OpenedDocument) -> PdfPreviewDialog:
        if self.preview is not None and self.preview.isVisible():
            self.preview.close()  # one preview at a time; closing releases its bytes
        self.preview = PdfPreviewDialog(opened, parent=self.window())
        self.preview.open()
        return self.preview

    def sign_on_screen(self) -> SignOnScreenDialog | None:
        if self._refused or self.busy():
            return None
        # Nobody signs for a consent that can't be made: the same check first, and the version they are shown.
        ready = self._try(DocumentKind.CONSENT, lambda: self._service.ready(self.patient_id, DocumentKind.CONSENT))
        if ready is None:
            return None
        dialog = SignOnScreenDialog(self._service, self.patient_id, ready, self._actor.display_name, self.window())
        dialog.saved.connect(self._signed_on_screen)
        return self.open_dialog(dialog)

    def record_paper_signature(self) -> PaperSignatureDialog | None:
        document = self.selected()
        if document is None or not self.paper_button.isEnabled() or self.busy():
            return None
        made_on = to_local(document.made_at, self._zone).date()
        today = self._clinic.patients.today()
        dialog = PaperSignatureDialog(self._service, document, made_on, today, self._actor.display_name, self.window())
        dialog.saved.connect(lambda outcome: self._after(outcome, outcome.value.id))
        return self.open_dialog(dialog)

    def revoke_selected(self) -> RevokeDialog | None:
        document = self.selected()
        if document is None or document.signed_at is None or not self.revoke_button.isEnabled() or self.busy():
            return None
        signed_on = to_local(document.signed_at, self._zone).date()
        dialog = RevokeDialog(self._service, document, signed_on, self._clinic.patients.today(), self.window())
        dialog.saved.connect(lambda outcome: self._after(outcome, outcome.value.id))
        return self.open_dialog(dialog)

    def _signed_on_screen(self, outcome: Outcome[OpenedDocument]) -> None:
        self._after(outcome, outcome.value.document.id)
        self.show_preview(outcome.value)

    def _after(self, outcome: Outcome[object], document_id: int) -> None:
        """Refresh once: through the bus (which also tells the rest of the app) or directly."""
        self.show_message("")
        if self.publish(outcome.changes):
            self.reload(select=document_id)
        elif (row := self.model.row_of(document_id)) is not None:
            self.table.selectRow(row)


def document_html(d: PatientDocument, zone: ZoneInfo) -> str:
    """The selected document in full: what it is, where it came from, and its signature or withdrawal."""
    made = to_local(d.made_at, zone)
    route = f" · {escape(d.route.label)}" if d.route is not None else ""
    back, text = STATE_COLOURS[d.state]
    parts = [
        f"<h3>{escape(d.title)}</h3>",
        f"<p>{escape(d.kind.label)}{route}<br>"
        f"<span style='background:{back}; color:{text}'><b>&nbsp;{escape(state_words(d))}&nbsp;</b></span></p>",
        f"<p>Made {made:%m/%d/%Y %H:%M} by {escape(d.made_by_name or 'the command line')} from template "
        f"{escape(d.template_code)} version {d.template_version}.<br>"
        f"<small>Fingerprint (SHA-256) {d.sha256[:16]}…</small></p>",
    ]
    if d.signed_at is not None and d.signed_method is not None:
        signed = to_local(d.signed_at, zone)
        parts.append(
            f"<p><b>{escape(d.signed_method.label.capitalize())}</b> on {show_date(signed.date())} by "
            f"{escape(d.signer_name)}, witnessed by {escape(d.witness_name)}.</p>"
        )
    elif d.kind.signed and d.state is DocumentState.MADE:
        parts.append(
            "<p>Waiting for the patient's signature: print it and record the paper signature when it comes back "
            "signed, or have the patient sign on screen.</p>"
        )
    if d.revoked_on is not None:
        parts.append(
            f"<p style='color:#8e1b1b'><b>Revoked</b> on {show_date(d.revoked_on)}: {escape(d.revoke_reason)}<br>"
            "No dosing by this route is checked in until a new consent is signed.</p>"
        )
    return "".join(parts)
