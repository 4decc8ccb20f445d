"""Clearing patient details that kapdesk put on the clipboard when the screen locks."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication

# Platforms without other applications, where anything on the clipboard came from kapdesk itself.
_PRIVATE_PLATFORMS = frozenset({"offscreen", "minimal"})


class ClipboardGuard(QObject):
    """Remembers the last text kapdesk copied. Qt can say who owns the clipboard on X11 and Windows;
    elsewhere the remembered text is compared instead."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours: dict[QClipboard.Mode, str] = {}
        self._clipboard = QGuiApplication.clipboard()
        self._clipboard.changed.connect(self._on_changed)

    def _owned(self, mode: QClipboard.Mode) -> bool:
        if mode == QClipboard.Mode.Selection:
            return self._clipboard.ownsSelection()
        return self._clipboard.ownsClipboard()

    def _on_changed(self, mode: QClipboard.Mode) -> None:
        text = self._clipboard.text(mode)
        if self._owned(mode) or QGuiApplication.platformName() in _PRIVATE_PLATFORMS:
            self._ours[mode] = text
        else:
            self._ours.pop(mode, None)  # another program's text: not ours to clear

    def clear_if_ours(self) -> bool:
        """Empty the clipboard (and the X11 selection) if what it holds came from kapdesk. True if cleared."""
        cleared = False
        modes = [QClipboard.Mode.Clipboard]
        if self._clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            text = self._clipboard.text(mode)
            if text and (self._owned(mode) or self._ours.get(mode) == text):
                self._clipboard.clear(mode)
                cleared = True
            self._ours.pop(mode, None)
        return cleared
