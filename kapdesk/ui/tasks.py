"""Running slow work off the UI thread, with the result delivered back on it by signal.

Python's cyclic garbage collector runs on whichever thread happens to allocate. If it ran on a worker it could
destroy Qt objects that belong to the UI thread, which crashes Qt; so while any worker runs the collector is off,
and it is switched back on, and run, from the UI thread once the last worker has reported.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_running = 0
_running_lock = threading.Lock()


@contextmanager
def _collector_off() -> Iterator[None]:
    """Around a worker's run (see the module docstring)."""
    global _running
    with _running_lock:
        _running += 1
        gc.disable()
    try:
        yield
    finally:
        with _running_lock:
            _running -= 1


def _collector_back_on() -> None:
    """On the UI thread, after a worker reported: the last one out turns the collector back on and runs it here."""
    with _running_lock:
        if _running == 0 and not gc.isenabled():
            gc.enable()
            gc.collect()


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        error: BaseException | None = None
        with _collector_off():
            try:
                result = self._work()
            except BaseException as raised:  # delivered to the UI thread, which decides what to show
                error = raised
        # Reported only once the collector count is down, so the UI thread can turn it back on.
        if error is not None:
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
        for signal, forward in ((self._relay.succeeded, self.succeeded), (self._relay.failed, self.failed)):
            signal.connect(lambda _value: _collector_back_on())
            signal.connect(forward)

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Job(self._work, self._relay))


class _BatchRelay(QObject):
    started = Signal(int, object)
    done = Signal(int, object, object)
    failed = Signal(int, object, object)
    finished = Signal(bool)


class _BatchJob(QRunnable):
    def __init__(self, loop: Callable[[], bool], finished: Signal) -> None:
        super().__init__()
        self._loop = loop
        self._finished = finished

    def run(self) -> None:
        with _collector_off():
            stopped = self._loop()
        self._finished.emit(stopped)  # once the collector count is down (see _Job.run)


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
        self._relay.finished.connect(lambda _stopped: _collector_back_on())
        self._relay.finished.connect(self.finished)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def start(self) -> None:
        QThreadPool.globalInstance().start(_BatchJob(self._loop, self._relay.finished))

    def run_here(self) -> None:
        self._relay.finished.emit(self._loop())

    def _loop(self) -> bool:
        """Every item until cancelled; True when cancelled before the last one."""
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
        return stopped
