"""Server mode: other PCs' bookings, brought from the schedule feed's thread to the UI thread as one signal per
burst, so a calendar reloads once for a 20-appointment series or a flurry of bookings, not once per commit."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from kapdesk.services.schedule_feed import EVERYTHING, ScheduleFeed

SETTLE_MS = 200  # how long a burst may keep arriving before the one emission for all of it


class ScheduleWatcher(QObject):
    """Connect `changed` to a calendar's reload; nothing is emitted on SQLite, where the ChangeBus suffices."""

    # A frozenset of appointment ids another PC booked, changed or cancelled; empty (EVERYTHING) when the feed
    # has just (re)connected and anything may have changed while nobody was listening.
    changed = Signal(object)
    _heard = Signal(object)  # emitted on the feed's thread, handled on ours

    def __init__(self, feed: ScheduleFeed, parent: QObject | None = None, *, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self._feed = feed
        self._running = False
        self._pending: set[int] = set()
        self._everything = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self._flush)
        self._heard.connect(self._gather, Qt.ConnectionType.QueuedConnection)
        self.destroyed.connect(feed.stop)  # a watcher thrown away with its window takes its connection along
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        if not self._running and self._feed.live:
            self._feed.start(self._heard.emit)
            self._running = True

    def stop(self) -> None:
        self._running = False
        self._feed.stop()
        self._settle.stop()
        self._pending.clear()
        self._everything = False

    def _gather(self, ids: frozenset[int]) -> None:
        if not self._running:  # queued before stop(), delivered after it
            return
        if ids:
            self._pending |= ids
        else:
            self._everything = True
        if not self._settle.isActive():
            self._settle.start()

    def _flush(self) -> None:
        ids = EVERYTHING if self._everything else frozenset(self._pending)
        self._pending.clear()
        self._everything = False
        self.changed.emit(ids)
