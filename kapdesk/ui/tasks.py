"""Running slow work off the UI thread, with the result delivered back on it by signal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # delivered to the UI thread, which decides what to show
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


class BackgroundTask(QObject):
    """One piece of work on the shared thread pool. Keep a reference until it reports back."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._relay = _Relay()  # lives on the UI thread, so its signals are queued to it
        self._relay.succeeded.connect(self.succeeded)
        self._relay.failed.connect(self.failed)

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Job(self._work, self._relay))
