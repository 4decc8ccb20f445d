"""The one question kapdesk asks before throwing typed work away."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def may_discard(parent: QWidget, title: str, text: str) -> bool:
    """True only if the user chose Discard; Cancel (the default) keeps the form open."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard
