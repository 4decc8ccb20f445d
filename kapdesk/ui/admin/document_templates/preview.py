"""The live preview beside the template editor: the PDF the text makes, re-made a moment after typing stops.

The PDF is shown from memory through a QBuffer, never a file. It is made on the UI thread once typing has paused
(a three-page consent takes ~0.1 s): made on a pool thread, Python's garbage collector could free Qt objects
there, which crashes. While the text can't be used, the last good preview stays, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QTimer, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kapdesk.domain.document_templates import TemplateSpec
from kapdesk.domain.errors import FieldError, KapdeskError, ValidationFailed

DEBOUNCE_MS = 400
NOTE_STYLE = "color: #555555;"
STALE_STYLE = "color: #8a5a00; font-weight: bold;"


class LivePreview(QWidget):
    refused = Signal(object)  # list[FieldError]: why the text can't make a document
    accepted = Signal()  # the latest text made a document

    def __init__(self, make: Callable[[TemplateSpec], bytes]) -> None:
        super().__init__()
        self._make = make
        self._wanted: TemplateSpec | None = None  # the text to show next
        self._buffer: QBuffer | None = None
        self.renders = 0  # previews shown so far (tests wait on it)

        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Preview")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._make_wanted)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.note)
        column.addWidget(self.view, 1)
        self._say("Preview with an invented patient, on the clinic's letterhead and paper.")

    def request(self, spec: TemplateSpec | None, *, now: bool = False) -> None:
        """Show what `spec` makes once typing has paused, or at once (`now`); None empties the preview."""
        self._wanted = spec
        self.timer.stop()
        if spec is None:
            self._show(None)
            self._say("")
        elif now:
            self._make_wanted()
        else:
            self.timer.start()

    def page_count(self) -> int:
        return self.document.pageCount()

    def shown_text(self) -> str:
        """The words of the preview on screen, page after page."""
        return "\n".join(self.document.getAllText(page).text() for page in range(self.page_count()))

    def busy(self) -> bool:
        return self.timer.isActive()

    # -- making it --------------------------------------------------------------------------------------

    def _make_wanted(self) -> None:
        spec, self._wanted = self._wanted, None
        if spec is None:
            return
        try:
            data = self._make(spec)
        except ValidationFailed as invalid:
            self._say("Not updated until the errors marked in red are fixed: this is the last good preview.", True)
            self.refused.emit(invalid.errors)
            return
        except KapdeskError as error:
            self._say(f"Not updated: {error.message}", True)
            self.refused.emit([FieldError("", error.message)])
            return
        self._show(data)
        pages = self.page_count()
        self._say(f"Preview with an invented patient · {pages} page{'s' if pages != 1 else ''}")
        self.accepted.emit()

    # -- showing it -------------------------------------------------------------------------------------

    def _show(self, data: bytes | None) -> None:
        """Swap in the new PDF from memory, staying where the reader was scrolled to."""
        scrolled = self.view.verticalScrollBar().value()
        old = self._buffer
        self.document.close()
        self._buffer = None
        if data is not None:
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document.load(self._buffer)
            self.renders += 1
            QTimer.singleShot(0, lambda: self.view.verticalScrollBar().setValue(scrolled))
        if old is not None:
            old.close()
            old.deleteLater()

    def _say(self, text: str, stale: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(STALE_STYLE if stale else NOTE_STYLE)
