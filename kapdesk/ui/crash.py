"""Unexpected errors: logged (no patient data), and shown with a way to copy the details."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("kapdesk.crash")


def install_crash_handler() -> None:
    sys.excepthook = _on_exception


def _on_exception(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, error, tb))
    # Database errors can quote the offending row, so the log keeps where it failed, not what it said.
    log.error("unhandled %s\n%s", kind.__name__, "".join(traceback.format_tb(tb)))
    if QApplication.instance() is None:
        sys.__excepthook__(kind, error, tb)
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "kapdesk hit a problem",
        "Something went wrong. Your saved records are safe; the last action may not have "
        "completed. Please send the details to your administrator.",
    )
    box.setDetailedText(details)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.exec()
