"""Running slow work off the UI thread, with the result delivered back on it by signal."""

from __future__ import annotations

import threading
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


class _BatchRelay(QObject):
    started = Signal(int, object)
    done = Signal(int, object, object)
    failed = Signal(int, object, object)
    finished = Signal(bool)


class _BatchJob(QRunnable):
    def __init__(self, run: Callable[[], None]) -> None:
        super().__init__()
        self._run = run

    def run(self) -> None:
        self._run()


class BatchTask(QObject):
    """The same piece of work for each of several items, one after another, off the UI thread. Each item's start
    and its result (or the exception it raised) reach the UI thread by signal; `cancel()` stops the batch before
    the next item, never in the middle of one, so what was done stays done. Keep a reference until `finished`.

    `run_here()` runs the same loop on the calling thread (signals delivered at once): for tests, and for callers
    that are already off the UI thread."""

    item_started = Signal(int, object)  # index, item
    item_done = Signal(int, object, object)  # index, item, result
    item_failed = Signal(int, object, object)  # index, item, exception
    finished = Signal(bool)  # True when cancelled before the last item

    def __init__(self, items: list[Any], work: Callable[[Any], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items = list(items)
        self._work = work
        self._cancelled = threading.Event()
        self._relay = _BatchRelay()  # lives on the UI thread, so a worker's emits are queued to it
        self._relay.started.connect(self.item_started)
        self._relay.done.connect(self.item_done)
        self._relay.failed.connect(self.item_failed)
        self._relay.finished.connect(self.finished)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def start(self) -> None:
        QThreadPool.globalInstance().start(_BatchJob(self._loop))

    def run_here(self) -> None:
        self._loop()

    def _loop(self) -> None:
        stopped = False
        for index, item in enumerate(self.items):
            if self._cancelled.is_set():
                stopped = True
                break
            self._relay.started.emit(index, item)
            try:
                result = self._work(item)
            except Exception as error:  # this item's problem; the UI words it and the batch goes on
                self._relay.failed.emit(index, item, error)
            else:
                self._relay.done.emit(index, item, result)
        self._relay.finished.emit(stopped)
