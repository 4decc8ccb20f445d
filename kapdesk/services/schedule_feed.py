"""Server mode: hear about every PC's bookings as they commit (PostgreSQL LISTEN/NOTIFY), so open calendars
refresh without anyone pressing a key.

BookingService sends the ids it touched on NOTIFY_CHANNEL inside its transaction; PostgreSQL delivers them
only when that transaction commits, so a refused or rolled-back booking sends nothing. The payload is
appointment ids only: nothing here reads or logs patient data.

On SQLite there is one PC, and the app's own ChangeBus already refreshes its views: the feed is not live.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kapdesk.services.booking_places import NOTIFY_CHANNEL

if TYPE_CHECKING:
    import psycopg

    from kapdesk.db.engine import Database

log = logging.getLogger("kapdesk.schedule_feed")

Listener = Callable[[frozenset[int]], None]
# Handed to the listener after every (re)connect: notifications sent while nobody listened are gone, so
# anything may have changed and an open calendar should reload what it shows.
EVERYTHING: frozenset[int] = frozenset()

RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds between attempts while the server is away; last repeats
STOP_WAIT = 1.0  # stop() returns within this long, even if the thread is stuck connecting
# Our own connection settings: the listener idles for hours, so TCP keepalives are what notice a server that
# vanished without closing the connection (power cut, cable pulled) - within about 35 s instead of never.
DEFAULT_OPTIONS = {
    "application_name": "kapdesk schedule feed",  # how an admin tells this connection apart in pg_stat_activity
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 20,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}  # settings written into the server's URL win


def parse_ids(payload: str) -> frozenset[int]:
    """'12,13,14' -> {12, 13, 14}; anything that is not a positive id is ignored."""
    parts = (part.strip() for part in payload.split(","))
    return frozenset(int(part) for part in parts if part.isascii() and part.isdigit() and int(part) > 0)


class ScheduleFeed:
    """One dedicated listening connection, served by a daemon thread that calls the listener with the ids of
    the appointments each committed booking, change or cancellation touched. The listener runs on that
    thread: hand its argument on (a queued Qt signal) rather than touching widgets."""

    def __init__(self, database: Database) -> None:
        self.live = not database.is_sqlite
        # The dialect's own reading of the URL - exactly the host, socket, port, user and password the app's
        # pool connects with (percent-escapes, socket paths in the query) - but a connection of our own: kept
        # out of the pool, in autocommit, with keepalives, and never reset, pre-pinged or disposed by it.
        self._connect_args: dict[str, Any] = {}
        if self.live:
            _, from_url = database.engine.dialect.create_connect_args(database.engine.url)
            # Autocommit: notifications reach a session only between its transactions.
            self._connect_args = DEFAULT_OPTIONS | from_url | {"autocommit": True}
        self._current: _Listening | None = None

    def start(self, listener: Listener) -> None:
        """Begin listening in the background; returns at once (connecting may take a moment, or the server may
        be away). A no-op on SQLite."""
        if not self.live:
            return
        if self._current is not None:
            raise RuntimeError("the schedule feed is already running")
        self._current = _Listening(self._connect_args, listener)

    def stop(self) -> None:
        """Stop listening and close the connection. Returns within STOP_WAIT seconds; the listener is not called
        after it returns. Harmless when not running."""
        current, self._current = self._current, None
        if current is not None:
            current.stop()

    @property
    def running(self) -> bool:
        return self._current is not None and self._current.thread.is_alive()


class _Listening:
    """One start-to-stop run of the feed, with its own stop flag: a run still finishing a connection attempt
    after stop() returned can't be revived by the next start()."""

    def __init__(self, connect_args: dict[str, Any], listener: Listener) -> None:
        self._connect_args = connect_args
        self._listener = listener
        self._stopping = threading.Event()
        self._wake_up, self._woken = socket.socketpair()  # sockets, not a pipe: Windows select() takes only sockets
        self.thread = threading.Thread(target=self._run, name="kapdesk schedule feed", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):  # the thread may already be gone
            self._wake_up.send(b"x")  # ends the thread's select() at once
        self.thread.join(STOP_WAIT)  # a connect in progress may outlast this; the thread then closes and ends alone
        self._wake_up.close()

    def _run(self) -> None:
        import psycopg  # here, not at import: start-up cost, and SQLite installations never need it

        attempt = 0
        try:
            while not self._stopping.is_set():
                try:
                    with psycopg.connect(**self._connect_args) as connection:
                        connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                        log.info("schedule feed: listening for other computers' bookings")
                        attempt = 0
                        self._deliver(EVERYTHING)
                        self._serve(connection)
                except (psycopg.Error, OSError) as error:
                    if self._stopping.is_set():
                        break
                    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                    attempt += 1
                    log.info(
                        "schedule feed: connection lost or refused (%s); retrying in %.1f s",
                        type(error).__name__,
                        delay,
                    )
                    self._stopping.wait(delay)
        finally:
            self._woken.close()

    def _serve(self, connection: psycopg.Connection[Any]) -> None:
        """Wait for the server or for stop(); raises psycopg.Error (or OSError) when the connection is lost."""
        while not self._stopping.is_set():
            readable, _, _ = select.select([connection.fileno(), self._woken], [], [])
            if self._woken in readable:
                return
            for notify in connection.notifies(timeout=0):  # reads what arrived; raises if the server went away
                if notify.channel == NOTIFY_CHANNEL and (ids := parse_ids(notify.payload)):
                    self._deliver(ids)

    def _deliver(self, ids: frozenset[int]) -> None:
        if self._stopping.is_set():
            return
        try:
            self._listener(ids)
        except Exception:  # one listener's bug must not end live refresh for the rest of the day
            log.exception("schedule feed: the listener failed")
