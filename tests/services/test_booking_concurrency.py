"""Two computers booking at the same moment, and the PostgreSQL constraints that stand behind the service.

The races run on both databases (SQLite serialises writers with BEGIN IMMEDIATE, PostgreSQL with the audit head
lock and, behind it, the exclusion constraints). The constraint tests write rows straight into the tables,
bypassing the service, to show that the database itself refuses a double booking.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.exc import IntegrityError

from kapdesk.db.models import AppointmentClinician, AppointmentRow
from kapdesk.domain.appointments import Status
from kapdesk.domain.clashes import BookingConflict, Resource
from kapdesk.domain.series import Repeat, Scope
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.helpers import ADMIN, PASSWORD, add_user, open_test_clinic, set_up
from tests.schedule_world import MONDAY, World, build_world, draft, local

_A, _AC = AppointmentRow.__table__, AppointmentClinician.__table__
ROUNDS = 10


@pytest.fixture
def two_pcs(db_url: str, tmp_path: Path) -> Iterator[tuple[Clinic, Clinic, World]]:
    """The admin at the first PC, the front desk at a second one, on one clinic database."""
    first = set_up(open_test_clinic(db_url, tmp_path))
    world = build_world(first)
    add_user(first, "desk", Role.FRONT_DESK)
    second = open_test_clinic(db_url, tmp_path, workstation="front-desk-pc")
    second.auth.sign_in("desk", PASSWORD)
    try:
        yield first, second, world
    finally:
        first.close()
        second.close()


def race(*calls: Callable[[], object], then: Callable[[], object] = lambda: None) -> list[object]:
    """Start every call at the same moment, each on its own thread, and run `then` here meanwhile; each call's
    result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    then()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a booking never came back"
    return results


def slot(round_: int) -> datetime:
    """Each round on its own morning or afternoon, clear of the others' room turnover."""
    return local(MONDAY + timedelta(days=round_ // 2), 9 if round_ % 2 == 0 else 13)


def one_winner(results: list[object]) -> tuple[int, BookingConflict]:
    """The winner's appointment id and the loser's refusal; fails on anything else."""
    refused = [r for r in results if isinstance(r, BookingConflict)]
    booked = [r for r in results if not isinstance(r, Exception)]
    assert len(refused) == 1 and len(booked) == 1, results
    return booked[0].value[0].id, refused[0]  # type: ignore[attr-defined]


def test_two_pcs_booking_one_room_at_the_same_moment_get_one_booking_and_one_clear_refusal(
    two_pcs: tuple[Clinic, Clinic, World],
) -> None:
    first, second, world = two_pcs
    winners = []
    for n in range(ROUNDS):
        start = slot(n)
        results = race(
            lambda start=start: first.booking.book(draft(world, start, patient=0, clinicians=("prescriber",))),
            lambda start=start: second.booking.book(draft(world, start, patient=1, clinicians=("nurse",))),
        )
        winner, refused = one_winner(results)
        assert [(c.resource, c.name, c.appointment_id) for c in refused.clashes] == [
            (Resource.ROOM, "Dosing Suite 1", winner)
        ]
        assert "Dosing Suite 1 is booked" in refused.message
        winners.append(winner)
    held = first.calendar.page(local(MONDAY, 0), local(MONDAY + timedelta(days=7), 0)).appointments
    assert sorted(a.id for a in held) == sorted(winners)
    assert [a.starts_at for a in sorted(held, key=lambda a: a.starts_at)] == [slot(n) for n in range(ROUNDS)]


def test_a_move_and_a_booking_racing_for_one_room_leave_one_of_them_there(
    two_pcs: tuple[Clinic, Clinic, World],
) -> None:
    first, second, world = two_pcs
    for n in range(ROUNDS // 2):
        start = slot(n)
        away = first.booking.book(draft(world, start + timedelta(days=7), patient=0)).value[0]
        results = race(
            lambda away=away, start=start: first.booking.move(away.id, away.version, start, start + timedelta(hours=2)),
            lambda start=start: second.booking.book(draft(world, start, patient=1, clinicians=("nurse",))),
        )
        winner, refused = one_winner(results)
        assert [(c.resource, c.appointment_id) for c in refused.clashes] == [(Resource.ROOM, winner)]
        there = first.calendar.page(start, start + timedelta(hours=2), room_id=world.rooms["dose1"]).appointments
        assert [a.id for a in there] == [winner]


# -- the database as the backstop (PostgreSQL) ------------------------------------------------------------

postgresql_only = pytest.mark.parametrize("backend", ["postgresql"])  # overrides conftest's two-way fixture


@dataclass(frozen=True)
class Stored:
    url: str
    world: World


@pytest.fixture
def stored(db_url: str, tmp_path: Path) -> Stored:
    """A clinic's rooms, staff and patients, and nothing booked, for rows written past the service."""
    clinic = set_up(open_test_clinic(db_url, tmp_path))
    try:
        return Stored(db_url, build_world(clinic))
    finally:
        clinic.close()


def appointment(
    world: World,
    id_: int,
    start: int,
    end: int,
    *,
    room: str = "dose1",
    patient: int = 0,
    status: Status = Status.SCHEDULED,
) -> dict[str, object]:
    """An IV session row (15 min turnover) from `start` to `end` minutes after 09:00 on Monday."""
    starts_at, ends_at = local(MONDAY, 9) + timedelta(minutes=start), local(MONDAY, 9) + timedelta(minutes=end)
    return {
        "id": id_,
        "uid": str(uuid.uuid4()),
        "patient_id": world.patients[patient],
        "type_id": world.types["dose-iv"],
        "room_id": world.rooms[room],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "room_free_at": ends_at + timedelta(minutes=15),
        "status": status.value,
        "cancel_reason": "changed plans" if status is Status.CANCELLED else "",
        "notes": "",
        "override_reason": "",
    }


def holding(row: dict[str, object], user_id: int, *, holds: bool = True) -> dict[str, object]:
    return {
        "appointment_id": row["id"],
        "user_id": user_id,
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "holds_time": holds,
    }


def commit_both(url: str, first: Callable[[Connection], None], second: Callable[[Connection], None]) -> None:
    """Two transactions open at once, each writing its rows; the first commits, then the second."""
    engine = create_engine(url)
    try:
        with engine.connect() as one, engine.connect() as two:
            first(one)
            second(two)
            one.commit()
            two.commit()
    finally:
        engine.dispose()


def inserting(*rows: dict[str, object], people: tuple[dict[str, object], ...] = ()) -> Callable[[Connection], None]:
    def write(connection: Connection) -> None:
        connection.execute(_A.insert(), list(rows))
        if people:
            connection.execute(_AC.insert(), list(people))

    return write


ROOM, PATIENT, CLINICIAN = "ex_appointments_room", "ex_appointments_patient", "ex_appointment_clinicians_user"


@postgresql_only
@pytest.mark.parametrize(
    ("second", "refused_by"),
    [
        (lambda w: appointment(w, 2, 60, 180, patient=1), ROOM),
        (lambda w: appointment(w, 2, 120, 180, patient=1), ROOM),  # inside the first's turnover
        (lambda w: appointment(w, 2, -60, 15, patient=1), ROOM),  # its own turnover reaches the first's start
        (lambda w: appointment(w, 2, 60, 180, room="dose2"), PATIENT),
        (lambda w: appointment(w, 2, 135, 255, patient=1), None),  # when the room is free again
        (lambda w: appointment(w, 2, 120, 240, room="dose2"), None),  # the patient straight on to the next
        (lambda w: appointment(w, 2, -135, -15, patient=1), None),  # ends a turnover before the first
    ],
    ids=[
        "same room, overlapping",
        "same room, in its turnover",
        "same room, in the new one's turnover",
        "same patient, other room",
        "same room, when it is free",
        "same patient, back to back",
        "same room, a turnover before",
    ],
)
def test_the_database_refuses_a_second_commit_that_double_books(stored: Stored, second, refused_by) -> None:
    world = stored.world
    first = appointment(world, 1, 0, 120)  # 09:00–11:00, room held to 11:15
    other = second(world)
    if refused_by is None:
        commit_both(stored.url, inserting(first), inserting(other))
        assert ids_in(stored.url) == [1, 2]
        return
    with pytest.raises(IntegrityError) as refused:
        commit_both(stored.url, inserting(first), inserting(other))
    assert_exclusion(refused.value, refused_by)
    assert ids_in(stored.url) == [1]


@postgresql_only
def test_cancelled_appointments_hold_nothing_in_the_database(stored: Stored) -> None:
    world = stored.world
    cancelled = appointment(world, 1, 0, 120, status=Status.CANCELLED)
    clinician = world.clinicians["prescriber"]
    again = appointment(world, 2, 0, 120)  # same room, same patient, same clinician, same time
    commit_both(
        stored.url,
        inserting(cancelled, people=(holding(cancelled, clinician, holds=False),)),
        inserting(again, people=(holding(again, clinician),)),
    )
    assert ids_in(stored.url) == [1, 2]


@postgresql_only
@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [(60, 180, True), (120, 180, False), (-60, 0, False)],
    ids=["overlapping", "straight after", "straight before"],
)
def test_the_database_refuses_one_clinician_in_two_places(stored: Stored, start: int, end: int, refused: bool) -> None:
    world = stored.world
    clinician = world.clinicians["prescriber"]
    first = appointment(world, 1, 0, 120)
    other = appointment(world, 2, start, end, room="dose2", patient=1)  # nothing shared but the clinician
    write_first = inserting(first, people=(holding(first, clinician),))
    write_other = inserting(other, people=(holding(other, clinician),))
    if not refused:
        commit_both(stored.url, write_first, write_other)
        assert ids_in(stored.url) == [1, 2]
        return
    with pytest.raises(IntegrityError) as error:
        commit_both(stored.url, write_first, write_other)
    assert_exclusion(error.value, CLINICIAN)
    assert ids_in(stored.url) == [1]


@postgresql_only
def test_a_booking_overtaken_before_its_commit_is_refused_naming_what_got_there_first(
    stored: Stored, tmp_path: Path
) -> None:
    """A writer the service can't see coming (its transaction still open while the service checks) takes the
    room: the constraint stops the service's commit, and the service's second attempt names the room."""
    clinic = open_test_clinic(stored.url, tmp_path)
    clinic.auth.sign_in(ADMIN, PASSWORD)
    engine = create_engine(stored.url)
    try:
        with engine.connect() as other:
            # An id clear of the table's sequence, which the service's row takes.
            inserting(appointment(stored.world, 900, 0, 120, patient=1))(other)  # not committed yet
            [result] = race(
                lambda: clinic.booking.book(draft(stored.world, local(MONDAY, 9))),
                then=lambda: (wait_for_a_lock_wait(engine), other.commit()),
            )
    finally:
        engine.dispose()
        clinic.close()
    assert isinstance(result, BookingConflict), result
    assert [(c.resource, c.name, c.appointment_id) for c in result.clashes] == [(Resource.ROOM, "Dosing Suite 1", 900)]
    assert ids_in(stored.url) == [900]


def wait_for_a_lock_wait(engine: Engine) -> None:
    """Until some transaction waits on another's lock (the service's commit, on the open insert)."""
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with engine.connect() as probe:  # a new transaction each time: the view is read once per transaction
            if probe.execute(waiting).scalar():
                return
        time.sleep(0.02)
    raise AssertionError("the booking never waited for the other transaction")


@postgresql_only
def test_the_constraints_wait_for_the_commit(stored: Stored) -> None:
    """Deferred: one transaction may pass rows through each other's slots (a series moved a week on)."""
    engine = create_engine(stored.url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT conname, condeferrable, condeferred FROM pg_constraint WHERE contype = 'x'")
            ).all()
    finally:
        engine.dispose()
    assert sorted(found) == [(CLINICIAN, True, True), (PATIENT, True, True), (ROOM, True, True)]


def ids_in(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(_A.c.id).order_by(_A.c.id)).scalars())
    finally:
        engine.dispose()


def assert_exclusion(error: IntegrityError, constraint: str) -> None:
    assert isinstance(error.orig, psycopg.errors.ExclusionViolation)
    assert error.orig.sqlstate == "23P01"
    assert error.orig.diag.constraint_name == constraint


# -- a whole series moved through its own slots (both databases) ---------------------------------------------


@pytest.mark.parametrize("weeks", [1, -1], ids=["a week later", "a week earlier"])
def test_a_weekly_series_moves_a_week_through_its_own_slots(clinic: Clinic, weeks: int) -> None:
    """Each member lands where the next one was: fine, as the constraints are checked at the commit."""
    world = build_world(clinic)
    first_day = MONDAY + timedelta(weeks=2)
    series = clinic.booking.book(draft(world, local(first_day, 9)), repeat=Repeat(7, 4)).value
    day = first_day + timedelta(weeks=weeks)
    moved = clinic.booking.move(
        series[0].id, series[0].version, local(day, 9), local(day, 11), scope=Scope.FOLLOWING
    ).value
    assert [a.id for a in moved] == [a.id for a in series]
    assert [a.starts_at for a in moved] == [local(day + timedelta(weeks=n), 9) for n in range(4)]
    assert all(a.version > b.version for a, b in zip(moved, series, strict=True))
    whole = clinic.calendar.page(local(MONDAY, 0), local(MONDAY + timedelta(weeks=8), 0)).appointments
    assert [(a.id, a.starts_at, a.room_free_at) for a in whole] == [
        (a.id, a.starts_at, a.starts_at + timedelta(hours=2, minutes=15)) for a in moved
    ]


def test_a_series_move_that_would_clash_changes_none_of_it(clinic: Clinic) -> None:
    world = build_world(clinic)
    series = clinic.booking.book(draft(world, local(MONDAY, 9)), repeat=Repeat(7, 4)).value
    week_later = MONDAY + timedelta(weeks=1)
    in_the_way = clinic.booking.book(
        draft(world, local(MONDAY + timedelta(weeks=4), 10), patient=1, clinicians=("nurse",))
    ).value[0]
    with pytest.raises(BookingConflict) as refused:
        clinic.booking.move(
            series[0].id, series[0].version, local(week_later, 9), local(week_later, 11), scope=Scope.FOLLOWING
        )
    assert [(c.resource, c.appointment_id) for c in refused.value.clashes] == [(Resource.ROOM, in_the_way.id)]
    now = {a.id: (a.starts_at, a.version) for a in clinic.calendar.for_patient(world.patients[0])}
    assert now == {a.id: (a.starts_at, a.version) for a in series}
