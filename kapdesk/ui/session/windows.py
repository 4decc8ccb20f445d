"""Hiding every other window while the screen is locked, and bringing the same ones back afterwards."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from kapdesk.ui.patients.chart import PatientChart
from kapdesk.ui.session.drafts import DraftSource

_WINDOW_KINDS = (Qt.WindowType.Window, Qt.WindowType.Dialog)


class WindowStash:
    """The charts, forms and boxes that were open when the screen locked.

    A dialog running its own exec() loop (a question box) ends that loop when hidden, answering nothing; it is
    not shown again, since nobody waits for its answer any more. Menus and tooltips simply disappear.
    """

    def __init__(self, keep: QWidget) -> None:
        self._keep = keep
        self._hidden: list[QWidget] = []

    def hide_all(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is self._keep or not widget.isVisible():
                continue
            widget.hide()
            if widget.windowType() in _WINDOW_KINDS and widget.windowModality() != Qt.WindowModality.ApplicationModal:
                self._hidden.append(widget)

    def windows(self) -> list[QWidget]:
        return [w for w in self._hidden if shiboken6.isValid(w)]

    def restore(self) -> None:
        """Show them again, forms last so a form that was on top of its window is on top again."""
        alive = self.windows()
        self._hidden = []
        ordered = sorted(alive, key=lambda w: isinstance(w, QDialog))
        for widget in ordered:
            widget.show()
        if ordered:
            ordered[-1].raise_()
            ordered[-1].activateWindow()

    def close_all(self) -> None:
        """Another user is taking over: close the previous user's windows without questions (the forms' unsaved
        edits were kept as drafts when the screen locked; a chart's typed course goals are not kept)."""
        alive = self.windows()
        self._hidden = []
        for widget in alive:
            if isinstance(widget, (DraftSource, PatientChart)):
                widget.close_without_asking()
            else:
                widget.close()
