"""One app-wide signal: every service call's Changes, so each view decides whether it cares."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kapdesk.domain.changes import Changes


class ChangeBus(QObject):
    changed = Signal(object)  # Changes

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)
