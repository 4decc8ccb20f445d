"""The questions kapdesk asks before throwing typed work away, or before doing something rarely meant."""

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


def may_proceed(parent: QWidget, title: str, text: str) -> bool:
    """True only if the user chose Yes; No (the default, and Escape) leaves things as they are."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
