"""Handing a finished PDF to the user: print it through Qt's print dialog, or save it where they choose.

The bytes stay in memory: printing renders pages from them with QtPdf, so no temporary copy is left on disk.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPagedPaintDevice, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

PRINT_DPI = 300


def deliver_pdf(parent: QWidget, data: bytes, title: str, suggested_name: str) -> None:
    """Ask whether to print or save; do it."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(f"{title} is ready.")
    print_button = box.addButton("Print…", QMessageBox.ButtonRole.AcceptRole)
    save_button = box.addButton("Save as PDF…", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is print_button:
        print_pdf(parent, data)
    elif box.clickedButton() is save_button:
        save_file(parent, data, suggested_name, "PDF documents (*.pdf)")


def save_file(parent: QWidget, data: bytes, suggested_name: str, filter_text: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Save as", str(Path.home() / suggested_name), filter_text)
    if not name:
        return None
    path = Path(name)
    try:
        path.write_bytes(data)
    except OSError as error:
        QMessageBox.warning(parent, "Not saved", f"kapdesk couldn't write {path} ({error.strerror}).")
        return None
    return path


def print_pdf(parent: QWidget, data: bytes) -> bool:
    """Qt's print dialog, then each page rendered from memory at the printer's resolution."""
    return print_pdfs(parent, [data])


def print_pdfs(parent: QWidget, documents: list[bytes]) -> bool:
    """Several PDFs as one print job: one print dialog, their pages one after another."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)  # the printer's own 1200 dpi would take seconds and hundreds of MB a page
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    render_pdfs(printer, documents)
    return True


def render_pdfs(printer: QPagedPaintDevice, documents: list[bytes]) -> int:
    """Draw every page of each PDF onto the printer, scaled to its page; the number of pages drawn."""
    from PySide6.QtPdf import QPdfDocument

    painter = QPainter(printer)
    pages = 0
    try:
        for data in documents:
            buffer = QBuffer()
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document = QPdfDocument()
            document.load(buffer)
            for page in range(document.pageCount()):
                if pages:
                    printer.newPage()
                target = painter.viewport()
                points = document.pagePointSize(page)
                scale = min(target.width() / points.width(), target.height() / points.height())
                size = QSize(int(points.width() * scale), int(points.height() * scale))
                painter.drawImage(0, 0, document.render(page, size))
                pages += 1
            document.close()
            buffer.close()
    finally:
        painter.end()
    return pages
