"""A document's PDF shown inside kapdesk, ready to print or save.

The bytes are handed to QtPdf through an in-memory buffer the dialog owns, never through a file, so no unencrypted
copy of a patient's document is left on disk; closing the dialog releases the document and the buffer. A document
whose bytes no longer match the fingerprint kept when it was made is shown under a red warning, and bytes that are
not a PDF get a message in place of the pages, never a blank view."""

from __future__ import annotations

import re

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kapdesk.domain.patient_documents import OpenedDocument
from kapdesk.ui.pdf_output import print_pdf, save_file
from kapdesk.ui.widgets.message_styles import ERROR_BOX

TAMPERED = (
    "This document has changed since it was made: its fingerprint (SHA-256) no longer matches. "
    "It can't be printed or saved from here; tell the clinic admin."
)
DAMAGED = (
    "The stored PDF is damaged and can't be shown. Nothing on screen or on paper can stand in for it: "
    "tell the clinic admin, and make a new document if one is needed."
)


class PdfPreviewDialog(QDialog):
    def __init__(self, opened: OpenedDocument | bytes, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if isinstance(opened, OpenedDocument):
            self._data, intact = opened.pdf, opened.intact
            title = title or opened.document.title
            readable = opened.readable
        else:
            self._data, intact, readable = opened, True, True
        self._title = title or "Document"
        self.setWindowTitle(self._title)
        self.setSizeGripEnabled(True)

        self._buffer: QBuffer | None = QBuffer(self)  # kept alive as long as QtPdf may read from it
        self._buffer.setData(QByteArray(self._data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document: QPdfDocument | None = QPdfDocument(self)
        if readable:
            self.document.load(self._buffer)
        self.loaded = readable and self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

        self.warning = QLabel(TAMPERED)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_BOX + " font-weight: bold;")
        self.warning.setAccessibleName("Warning")
        self.warning.setVisible(not intact)
        self.damaged = QLabel(DAMAGED)
        self.damaged.setWordWrap(True)
        self.damaged.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.damaged.setStyleSheet(ERROR_BOX + " font-size: 14px; padding: 24px;")
        self.damaged.setVisible(not self.loaded)

        self.view = QPdfView()
        self.view.setAccessibleName(f"Preview of {self._title}")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setVisible(self.loaded)
        self.page_label = QLabel()
        if self.loaded:
            self.view.setDocument(self.document)
            self.view.pageNavigator().currentPageChanged.connect(self._show_page)
            self._show_page(self.view.pageNavigator().currentPage())

        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save as PDF…")
        self.close_button = QPushButton("&Close")
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.close_button.clicked.connect(self.reject)
        # A document whose bytes no longer match what was made is shown, never handed on as if it were the record.
        self.print_button.setEnabled(self.loaded and intact)
        self.save_button.setEnabled(self.loaded and intact)
        self.print_button.setDefault(self.loaded and intact)
        buttons = QHBoxLayout()
        buttons.addWidget(self.page_label, 1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.damaged, 0 if self.loaded else 1)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(860, 940)

    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None and self.loaded else 0

    def _show_page(self, page: int) -> None:
        self.page_label.setText(f"Page {page + 1} of {self.page_count()}")

    def print_document(self) -> bool:
        return self.loaded and print_pdf(self, self._data)

    def save_document(self) -> bool:
        if not self.loaded:
            return False
        return save_file(self, self._data, suggested_file_name(self._title), "PDF documents (*.pdf)") is not None

    def done(self, result: int) -> None:
        self.release()
        super().done(result)

    def release(self) -> None:
        """Let go of the document and its bytes: nothing of it stays in this dialog once closed."""
        if self.document is not None:
            self.document.close()  # the view shows nothing from now on; the object goes with the dialog
            self.document = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer.deleteLater()
            self._buffer = None
        self._data = b""
        self.loaded = False


def suggested_file_name(title: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return f"{words or 'document'}.pdf"
