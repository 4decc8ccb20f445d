"""Server mode live refresh: a booking committed on one PC reaches every other PC's feed within 2 s, as the ids
it touched; nothing is sent for a booking that was refused; the feed survives losing its connection."""

from __future__ import annotations

import logging
import queue
import socket
import statistics
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from kapdesk.db.engine import Database
from kapdesk.domain.clashes import BookingConflict
from kapdesk.domain.series import Repeat
from kapdesk.services.clinic import Clinic
from kapdesk.services.schedule_feed import DEFAULT_OPTIONS, EVERYTHING, ScheduleFeed, parse_ids
from tests.helpers import open_test_clinic
from tests.schedule_world import MONDAY, World, build_world, draft, local

FEED_NAME = DEFAULT_OPTIONS["application_name"]
SECRET = "pw-never-logged-7719"
DELIVERY_LIMIT = 2.0  # issue 4: another PC's booking shows within 2 s


class Heard:
    """What a PC's feed handed its listener, with when it arrived."""

    def __init__(self) -> None:
        self.batches: queue.Queue[tuple[float, frozenset[int]]] = queue.Queue()

    def __call__(self, ids: frozenset[int]) -> None:
        self.batches.put((time.perf_counter(), ids))

    def next(self, timeout: float) -> tuple[float, frozenset[int]]:
        return self.batches.get(timeout=timeout)

    def wait_listening(self, timeout: float = 10.0) -> None:
        """The feed says 'reload everything' each time it starts listening."""
        assert self.next(timeout)[1] == EVERYTHING

    def nothing_within(self, seconds: float) -> bool:
        try:
            self.batches.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def pc_b(clinic: Clinic, backend: str, db_url: str, tmp_path: Path) -> Iterator[Clinic]:
    """A second PC on the same PostgreSQL database as `clinic` (PC A)."""
    if backend == "sqlite":
        pytest.skip("SQLite is one PC: its own ChangeBus refreshes its views, and there is nothing to listen to")
    other = open_test_clinic(db_url, tmp_path, workstation="pc-b")
    yield other
    other.close()


@pytest.fixture
def world(clinic: Clinic, pc_b: Clinic) -> World:
    return build_world(clinic)


@pytest.fixture
def feed(pc_b: Clinic) -> Iterator[ScheduleFeed]:
    started = ScheduleFeed(pc_b.database)
    yield started
    started.stop()


def listener_pids(clinic: Clinic) -> list[int]:
    with clinic.database.reading() as connection:
        rows = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"),
            {"name": FEED_NAME},
        )
        return [pid for (pid,) in rows]


def weekday(n: int) -> date:
    """The n-th clinic weekday from MONDAY."""
    return MONDAY + timedelta(days=n // 5 * 7 + n % 5)


def test_a_booking_on_one_pc_reaches_the_others_feed_within_2_s(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()

    sent = time.perf_counter()
    booked = clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    arrived, ids = heard.next(DELIVERY_LIMIT)

    assert ids == {booked.id}
    print(f"\nnotification latency (booking call start -> PC B's listener): {(arrived - sent) * 1000:.1f} ms")
    assert arrived - sent < DELIVERY_LIMIT
    assert heard.nothing_within(0.3)  # one booking, one notification


def test_the_median_latency_over_20_bookings_is_well_under_2_s(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()
    latencies, calls = [], []
    for n in range(20):
        before = time.perf_counter()
        booked = clinic.booking.book(draft(world, local(weekday(n), 9))).value[0]
        committed = time.perf_counter()
        arrived, ids = heard.next(DELIVERY_LIMIT)
        assert ids == {booked.id}
        latencies.append(arrived - before)
        calls.append(committed - before)
    median = statistics.median(latencies)
    print(
        f"\n20 bookings: notification latency median {median * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; "
        f"the booking call itself median {statistics.median(calls) * 1000:.1f} ms"
    )
    assert max(latencies) < DELIVERY_LIMIT


def test_a_series_arrives_as_one_notification_with_every_id(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()
    series = clinic.booking.book(draft(world, local(MONDAY, 9)), repeat=Repeat(every_days=7, count=20)).value
    assert heard.next(DELIVERY_LIMIT)[1] == {a.id for a in series} and len(series) == 20
    assert heard.nothing_within(0.3)


def test_a_refused_booking_sends_nothing(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()
    first = clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    assert heard.next(DELIVERY_LIMIT)[1] == {first.id}

    with pytest.raises(BookingConflict):  # the same room at the same time: rolled back
        clinic.booking.book(draft(world, local(MONDAY, 10), clinicians=("nurse",), patient=1))
    assert heard.nothing_within(1.0)


def test_stop_is_prompt_closes_the_connection_and_a_new_start_listens_again(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()
    assert len(listener_pids(clinic)) == 1

    began = time.perf_counter()
    feed.stop()
    assert time.perf_counter() - began < 1.0
    assert not feed.running
    deadline = time.monotonic() + 2
    while listener_pids(clinic) and time.monotonic() < deadline:  # the server notices the close a moment later
        time.sleep(0.02)
    assert listener_pids(clinic) == []

    clinic.booking.book(draft(world, local(MONDAY, 9)))
    assert heard.nothing_within(0.5)
    feed.stop()  # twice is harmless

    feed.start(heard)  # the calendar opened again
    heard.wait_listening()
    booked = clinic.booking.book(draft(world, local(MONDAY, 12))).value[0]
    assert heard.next(DELIVERY_LIMIT)[1] == {booked.id}


def test_the_feed_reconnects_after_its_connection_is_killed(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    feed.start(heard)
    heard.wait_listening()
    [first_pid] = listener_pids(clinic)

    with clinic.database.reading() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid}).scalar_one()
    began = time.perf_counter()
    heard.wait_listening(timeout=5.0)  # back, and telling the calendar to reload what it may have missed
    print(f"\nreconnected {(time.perf_counter() - began) * 1000:.0f} ms after the server dropped the listener")
    assert listener_pids(clinic) not in ([], [first_pid])

    booked = clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    assert heard.next(DELIVERY_LIMIT)[1] == {booked.id}


def test_a_failing_listener_does_not_end_the_feed(clinic: Clinic, world: World, feed) -> None:
    heard = Heard()
    calls = 0

    def flaky(ids: frozenset[int]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the first booking's notification
            raise RuntimeError("a bug in a calendar view")
        heard(ids)

    feed.start(flaky)
    heard.wait_listening()
    clinic.booking.book(draft(world, local(MONDAY, 9)))
    booked = clinic.booking.book(draft(world, local(MONDAY, 12))).value[0]
    assert heard.next(DELIVERY_LIMIT)[1] == {booked.id}


def test_while_the_server_is_away_the_feed_retries_quietly_and_still_stops_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: every attempt is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_engine(f"postgresql+psycopg://kap:{SECRET}@127.0.0.1:{port}/kap")
    feed = ScheduleFeed(Database(engine))
    heard = Heard()
    with caplog.at_level(logging.INFO, logger="kapdesk.schedule_feed"):
        feed.start(heard)
        time.sleep(2.0)  # several attempts, backing off
        began = time.perf_counter()
        feed.stop()
    assert time.perf_counter() - began < 1.0 and not feed.running
    assert heard.nothing_within(0.1)
    attempts = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert 2 <= len(attempts) <= 4  # 0.5 s, 1 s, 2 s apart: not a busy loop
    assert SECRET not in caplog.text


def test_on_sqlite_the_feed_is_not_live_and_start_and_stop_are_harmless(sqlite_clinic: Clinic) -> None:
    feed = ScheduleFeed(sqlite_clinic.database)
    heard = Heard()
    assert not feed.live
    feed.start(heard)
    assert not feed.running
    world = build_world(sqlite_clinic)
    sqlite_clinic.booking.book(draft(world, local(MONDAY, 9)))
    feed.stop()
    assert heard.nothing_within(0.1)


def test_payloads_are_read_as_ids_and_garbage_is_ignored() -> None:
    assert parse_ids("12,13,14") == {12, 13, 14}
    assert parse_ids(" 7 ,x,,-3,0,²,8") == {7, 8}
    assert parse_ids("") == EVERYTHING == parse_ids("DROP TABLE")


@given(st.lists(st.integers(min_value=1, max_value=2**63 - 1)))
def test_any_list_of_ids_survives_the_round_trip(ids: list[int]) -> None:
    assert parse_ids(",".join(map(str, ids))) == set(ids)


@given(st.text())
def test_no_payload_breaks_the_parser(payload: str) -> None:
    assert all(i > 0 for i in parse_ids(payload))
