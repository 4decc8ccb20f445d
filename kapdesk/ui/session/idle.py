"""Noticing that nobody has touched the keyboard or mouse for a while, so the screen can lock itself."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QKeyCombination, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

CHECK_INTERVAL_MS = 10_000  # a lock a few seconds late is fine; a busy timer is not
LOCK_KEYS = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_L)

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Watches every input event in the application; `idle` fires once after `limit` seconds without any.

    The clock is injectable (monotonic seconds) so tests can move time instead of waiting for it.
    It also reports the lock keys pressed in any window: a form open over the main window blocks the main
    window's own shortcuts, and locking must work from anywhere.
    """

    idle = Signal()
    lock_keys_pressed = Signal()

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        interval_ms: int = CHECK_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._limit = 0.0
        self._last_input = clock()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, minutes: int) -> None:
        self._limit = minutes * 60.0
        self._last_input = self._clock()
        app = QCoreApplication.instance()
        if app is not None and not self.running:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def idle_seconds(self) -> float:
        return self._clock() - self._last_input

    def check(self) -> None:
        if self.running and self.idle_seconds() >= self._limit:
            self.stop()
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only what a person did counts (spontaneous events), not events the program sends itself.
        if event.spontaneous() and event.type() in _INPUT:
            self._last_input = self._clock()
            if isinstance(event, QKeyEvent) and event.keyCombination() == LOCK_KEYS and not event.isAutoRepeat():
                self.lock_keys_pressed.emit()
                return True
        return False
