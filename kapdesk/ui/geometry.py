"""Windows and dialogs that come back where the user left them."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget


def restore_geometry(widget: QWidget, settings: QSettings, key: str) -> bool:
    saved = settings.value(f"geometry/{key}")
    return bool(saved) and widget.restoreGeometry(saved)


def save_geometry(widget: QWidget, settings: QSettings, key: str) -> None:
    settings.setValue(f"geometry/{key}", widget.saveGeometry())
