"""Booking under random sequences of actions, on SQLite, against a model of what should be booked.

The machine books (once or as a series), moves, resizes, cancels, changes statuses and edits from outdated copies.
The model (tests/services/booking_model.py) predicts each outcome: success, or the exact refusal (what is in the
way, by resource, name and span; the free slots offered; the field named). After every step the calendar and the
tables under it equal the model, and nothing that holds time overlaps for one clinician, one patient or one room
(a room is held through its turnover, to room_free_at); back-to-back is fine. Any other exception fails the test.

Run `pytest --hypothesis-show-statistics` to see how often each action succeeded or was refused.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from kapdesk.db.models import AppointmentClinician, AppointmentRow
from kapdesk.domain.appointments import Appointment, AppointmentDraft, AppointmentKind, Status
from kapdesk.domain.clashes import BookingConflict, NotReady, OutsideHours
from kapdesk.domain.errors import ConflictError, ValidationFailed
from kapdesk.domain.readiness import Need, State
from kapdesk.domain.series import Repeat, Scope
from kapdesk.services.clinic import Clinic
from tests.helpers import open_test_clinic, set_up
from tests.schedule_world import build_world
from tests.services.booking_model import (
    EDGES,
    QUARTER,
    Booked,
    Facts,
    Model,
    Refusal,
    Request,
    at,
    double_bookings,
    edge_start,
    in_hours,
    overlaps,
    series_starts,
    shape,
    shifted,
    time_error,
    wall,
)

T = TypeVar("T")
CODES = ("dose-iv", "dose-sl", "integration", "prep", "follow-up")  # dosing (with turnover), therapy, consult
DAYS = (date(2027, 3, 12), date(2027, 3, 14), date(2027, 3, 15))  # Fri, Sun (DST starts), Mon: few, so they clash
NOW = datetime(2027, 3, 14, 19, tzinfo=UTC)  # Sunday noon in the clinic: Friday's may be marked, Monday's not yet
PAGE = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))  # where it books; moves may go beyond
BOOKED_REASON, MOVED_REASON = "evening clinic", "only time that works"

patients = st.integers(0, 3)
clinician_sets = st.sets(st.integers(0, 2), min_size=1, max_size=2)
quarters = st.integers(7 * 4, 19 * 4 - 1)  # 07:00–18:45 local: inside and outside the clinic's hours
lengths = st.sampled_from([15, 30, 60, 90, 120, 150, 180])
resizes = st.sampled_from([-30, 0, 15, 45, 60, 120, 240, 12 * 60, 12 * 60 + 15])  # ≤ 0 and > 12 h are refused
picks = st.integers(0, 10**6)  # which appointment, modulo how many there are
room_choices = st.integers(0, 9)  # 9: a room of the wrong kind
repeats = st.none() | st.builds(Repeat, every_days=st.sampled_from([1, 2, 7]), count=st.integers(2, 4))
reasons = st.sampled_from(["patient unwell", "  clinic closed early ", "   ", "x" * 201])
new_statuses = st.sampled_from([Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW, Status.SCHEDULED])


class BookingMachine(RuleBasedStateMachine):
    """One run: a sequence of steps on the test's clinic, emptied of appointments first."""

    def __init__(self, clinic: Clinic, facts: Facts) -> None:
        super().__init__()
        with clinic.database.writing() as connection:
            connection.execute(AppointmentClinician.__table__.delete())
            connection.execute(AppointmentRow.__table__.delete())
        self.clinic = clinic
        self.model = Model(facts)

    # -- booking -----------------------------------------------------------------------------------------

    @rule(
        patient=patients,
        code=st.sampled_from(CODES),
        room_choice=room_choices,
        clinicians=clinician_sets,
        day=st.sampled_from(DAYS),
        quarter=quarters,
        minutes=lengths,
        repeat=repeats,
    )
    def book(
        self,
        patient: int,
        code: str,
        room_choice: int,
        clinicians: set[int],
        day: date,
        quarter: int,
        minutes: int,
        repeat: Repeat | None,
    ) -> None:
        kind = self.model.facts.types[code]  # the appointment type
        start, length = at(day, quarter), timedelta(minutes=minutes)
        starts = series_starts(start, repeat.every_days, repeat.count) if repeat else [start]
        request = Request(
            self.patient(patient),
            kind,
            self.model.room_for(kind, room_choice),
            self.clinicians(clinicians),
            tuple((s, s + length) for s in starts),
        )
        self.submit("book" if repeat is None else "book a series", request, repeat)

    @precondition(lambda self: self.model.holding())
    @rule(
        pick=picks,
        edge=st.sampled_from(EDGES),
        patient=patients,
        code=picks,
        clinicians=clinician_sets,
        minutes=lengths,
    )
    def book_next_to(self, pick: int, edge: str, patient: int, code: int, clinicians: set[int], minutes: int) -> None:
        """Book in the same room at an edge of another booking: where half-open spans and the turnover decide."""
        neighbour = choose(pick, self.model.holding())
        fitting = [t for t in self.model.facts.types.values() if t.room_kind == neighbour.type.room_kind]
        kind = choose(code, sorted(fitting, key=lambda t: t.code))
        length = timedelta(minutes=minutes)
        start = edge_start(neighbour, edge, length, kind)
        request = Request(
            self.patient(patient), kind, neighbour.room_id, self.clinicians(clinicians), ((start, start + length),)
        )
        self.submit(f"book {edge}", request, None)

    @precondition(lambda self: self.model.booked)  # a mistake only counts once there is something to disturb
    @rule(
        patient=patients,
        mistake=st.sampled_from(["end before start", "no length", "over 12 hours", "no clinician", "long notes"]),
        day=st.sampled_from(DAYS),
        quarter=quarters,
    )
    def book_with_a_mistake(self, patient: int, mistake: str, day: date, quarter: int) -> None:
        start = at(day, quarter)
        prep = self.model.facts.types["prep"]
        draft = AppointmentDraft(
            self.patient(patient),
            prep.id,
            (min(self.model.facts.clinicians),),
            self.model.rooms_of(prep)[0],
            start,
            start + timedelta(hours=1),
        )
        draft, field = {
            "end before start": (replace(draft, ends_at=start - QUARTER), "end"),
            "no length": (replace(draft, ends_at=start), "end"),
            "over 12 hours": (replace(draft, ends_at=start + timedelta(hours=12, minutes=15)), "end"),
            "no clinician": (replace(draft, clinician_ids=()), "clinicians"),
            "long notes": (replace(draft, notes="n" * 501), "notes"),
        }[mistake]
        self.attempt(
            "book with a mistake",
            lambda: self.clinic.booking.book(draft, override_reason=BOOKED_REASON),
            Refusal(ValidationFailed, field),
        )

    # -- moving and resizing -----------------------------------------------------------------------------

    @precondition(lambda self: self.model.movable())
    @rule(
        pick=picks,
        day=st.sampled_from(DAYS),
        quarter=quarters,
        room_choice=st.none() | room_choices,
        clinicians=st.none() | clinician_sets,
        scope=st.sampled_from(Scope),
        override=st.booleans(),
    )
    def move(
        self,
        pick: int,
        day: date,
        quarter: int,
        room_choice: int | None,
        clinicians: set[int] | None,
        scope: Scope,
        override: bool,
    ) -> None:
        target = choose(pick, self.model.movable())
        start = at(day, quarter)
        room = None if room_choice is None else self.model.room_for(target.type, room_choice)
        people = None if clinicians is None else self.clinicians(clinicians)
        self.change(target, start, start + (target.ends_at - target.starts_at), room, people, scope, override)

    @precondition(lambda self: self.model.movable())
    @rule(pick=picks, minutes=resizes, scope=st.sampled_from(Scope), override=st.booleans())
    def resize(self, pick: int, minutes: int, scope: Scope, override: bool) -> None:
        target = choose(pick, self.model.movable())
        end = target.starts_at + timedelta(minutes=minutes)
        self.change(target, target.starts_at, end, None, None, scope, override)

    @precondition(lambda self: len(self.model.movable()) > 1)
    @rule(pick=picks, other=picks, edge=st.sampled_from(EDGES), scope=st.sampled_from(Scope))
    def move_next_to(self, pick: int, other: int, edge: str, scope: Scope) -> None:
        """Drag one appointment to an edge of another, into its room when the room fits."""
        target = choose(pick, self.model.movable())
        neighbour = choose(other, [b for b in self.model.holding() if b.id != target.id])
        length = target.ends_at - target.starts_at
        start = edge_start(neighbour, edge, length, target.type)
        room = neighbour.room_id if neighbour.type.room_kind == target.type.room_kind else None
        self.change(target, start, start + length, room, None, scope, override=True)

    @precondition(lambda self: self.model.series_pairs())
    @rule(pick=picks, edge=st.sampled_from(EDGES[:2]), minutes=resizes)
    def squeeze_a_series(self, pick: int, edge: str, minutes: int) -> None:
        """Move a later member of a series on its own to just after an earlier one, then resize the earlier one
        with the rest of its series: lengthened, its members would overlap each other."""
        earlier, later = choose(pick, self.model.series_pairs())
        length = later.ends_at - later.starts_at
        start = edge_start(earlier, edge, length, later.type)
        self.change(later, start, start + length, None, None, Scope.ONE, override=True)
        end = earlier.starts_at + timedelta(minutes=minutes)
        self.change(earlier, earlier.starts_at, end, None, None, Scope.FOLLOWING, override=True)

    # -- cancelling and statuses -------------------------------------------------------------------------

    @precondition(lambda self: self.model.movable())
    @rule(pick=picks, reason=reasons, scope=st.sampled_from(Scope))
    def cancel(self, pick: int, reason: str, scope: Scope) -> None:
        target = choose(pick, self.model.movable())
        bad_reason = not reason.strip() or len(reason.strip()) > 200
        outcome = self.attempt(
            f"cancel {scope}",
            lambda: self.clinic.booking.cancel(target.id, target.version, reason, scope=scope),
            Refusal(ValidationFailed, "reason") if bad_reason else None,
        )
        if outcome is None:
            return
        cancelled = [target, *(self.model.following(target) if scope is Scope.FOLLOWING else [])]
        assert {a.id for a in outcome.value} == {b.id for b in cancelled}
        for a in outcome.value:
            old = self.model.booked[a.id]
            assert a.version > old.version
            self.model.booked[a.id] = replace(
                old, status=Status.CANCELLED, cancel_reason=reason.strip(), version=a.version
            )

    @precondition(lambda self: self.model.movable())
    @rule(pick=picks, status=new_statuses)
    def set_status(self, pick: int, status: Status) -> None:
        target = choose(pick, self.model.movable())
        allowed = {
            Status.SCHEDULED: {Status.ARRIVED, Status.NO_SHOW},
            Status.ARRIVED: {Status.COMPLETED, Status.SCHEDULED},
        }[target.status]
        early = status is not Status.SCHEDULED and wall(target.starts_at).date() > wall(NOW).date()
        # Nobody here has a screening: a dosing check-in that would otherwise go ahead is refused as not ready.
        unready = status is Status.ARRIVED and target.type.kind is AppointmentKind.DOSING
        expected = None if status in allowed and not early else Refusal(ValidationFailed, "status")
        if expected is None and unready:
            expected = Refusal(NotReady)
        outcome = self.attempt(
            "set status", lambda: self.clinic.booking.set_status(target.id, target.version, status), expected
        )
        if outcome is not None:
            assert outcome.value.status is status and outcome.value.version > target.version
            self.model.booked[target.id] = replace(target, status=status, version=outcome.value.version)

    @precondition(lambda self: self.model.closed())
    @rule(pick=picks, action=st.sampled_from(["move", "cancel", "arrive"]), day=st.sampled_from(DAYS), quarter=quarters)
    def edit_a_closed_one(self, pick: int, action: str, day: date, quarter: int) -> None:
        """Cancelled, completed and no-show appointments stay as they are."""
        target = choose(pick, self.model.closed())
        start = at(day, quarter)
        end = start + (target.ends_at - target.starts_at)
        booking = self.clinic.booking
        call: Callable[[], object] = {
            "move": lambda: booking.move(target.id, target.version, start, end, override_reason=MOVED_REASON),
            "cancel": lambda: booking.cancel(target.id, target.version, "closed already"),
            "arrive": lambda: booking.set_status(target.id, target.version, Status.ARRIVED),
        }[action]
        self.attempt(f"{action} a closed one", call, Refusal(ValidationFailed, "status"))

    @precondition(lambda self: self.model.booked)
    @rule(pick=picks, action=st.sampled_from(["move", "cancel", "arrive"]), newer=st.booleans())
    def edit_an_outdated_copy(self, pick: int, action: str, newer: bool) -> None:
        """Another PC changed it since this copy was read (or this one is ahead): refused, whatever its state."""
        target = choose(pick, sorted(self.model.booked.values(), key=lambda b: b.id))
        version = target.version + 1 if newer or target.version == 1 else target.version - 1
        booking = self.clinic.booking
        call: Callable[[], object] = {
            "move": lambda: booking.move(target.id, version, target.starts_at + QUARTER, target.ends_at + QUARTER),
            "cancel": lambda: booking.cancel(target.id, version, "outdated copy"),
            "arrive": lambda: booking.set_status(target.id, version, Status.ARRIVED),
        }[action]
        event(f"{action} an outdated copy")
        try:
            call()
        except ConflictError as refused:
            assert isinstance(refused.current, Appointment) and shape(refused.current) == target.shape()
        else:
            raise AssertionError(f"an edit made to version {version} of {target} was accepted")

    # -- invariants --------------------------------------------------------------------------------------

    @invariant()
    def the_calendar_is_the_model(self) -> None:
        page = self.clinic.calendar.page(*self.window())
        assert {a.id: shape(a) for a in page.appointments} == {b.id: b.shape() for b in self.model.booked.values()}
        holds = [a for a in page.appointments if a.holds_time]
        assert not double_bookings(
            [(("room", a.room_id), a.starts_at, a.room_free_at, a.id) for a in holds]
            + [(("patient", a.patient_id), a.starts_at, a.ends_at, a.id) for a in holds]
            + [(("clinician", c), a.starts_at, a.ends_at, a.id) for a in holds for c in a.clinician_ids]
        )
        for a in holds:
            if a.kind is AppointmentKind.DOSING and a.status in (Status.SCHEDULED, Status.ARRIVED):
                states = {r.need: r.state for r in page.readiness[a.id].requirements}
                assert states[Need.PREPARATION] is (State.MET if self.model.prepared(a) else State.MISSING), a
                escorted = a.patient_id in self.model.facts.escorted
                assert states[Need.ESCORT] is (State.MET if escorted else State.MISSING)

    @invariant()
    def the_tables_hold_no_double_booking(self) -> None:
        """Read past the services: the rows the PostgreSQL constraints would judge."""
        a, ac = AppointmentRow.__table__, AppointmentClinician.__table__
        with self.clinic.database.reading() as connection:
            rows = {r.id: r for r in connection.execute(select(a))}
            people = connection.execute(select(ac)).all()
        holding = [r for r in rows.values() if r.status != Status.CANCELLED.value]
        for person in people:
            row = rows[person.appointment_id]
            assert (person.starts_at, person.ends_at) == (row.starts_at, row.ends_at)
            assert person.holds_time is (row.status != Status.CANCELLED.value)
        assert {i: frozenset(p.user_id for p in people if p.appointment_id == i) for i in rows} == {
            b.id: b.clinicians for b in self.model.booked.values()
        }
        assert not double_bookings(
            [(("room", r.room_id), r.starts_at, r.room_free_at, r.id) for r in holding]
            + [(("patient", r.patient_id), r.starts_at, r.ends_at, r.id) for r in holding]
            + [(("clinician", p.user_id), p.starts_at, p.ends_at, p.appointment_id) for p in people if p.holds_time]
        )

    def window(self) -> tuple[datetime, datetime]:
        """PAGE, widened to hold every booking: "this and the following" carries the rest of a series along, so a
        member dragged to the end of its series' last one takes the rest weeks further on, past any fixed range."""
        booked = self.model.booked.values()
        return min([PAGE[0], *(b.starts_at for b in booked)]), max([PAGE[1], *(b.room_free_at for b in booked)])

    # -- calling the service and checking its answer -----------------------------------------------------

    def submit(self, label: str, request: Request, repeat: Repeat | None) -> None:
        """A new booking. A reason is always given, so hours warnings never stop it (moves exercise them)."""
        (start, end), *_ = request.places
        draft = AppointmentDraft(
            request.patient_id, request.type.id, tuple(sorted(request.clinicians)), request.room_id, start, end
        )
        outcome = self.attempt(
            label,
            lambda: self.clinic.booking.book(draft, repeat=repeat, override_reason=BOOKED_REASON),
            self.model.kind_error(request) or self.model.clash_error(request),
            request,
        )
        if outcome is None:
            return
        saved = outcome.value
        assert [(a.starts_at, a.ends_at) for a in saved] == list(request.places)
        series = {a.series_id for a in saved}
        assert (series == {None}) if repeat is None else (len(series) == 1 and None not in series)
        for a in saved:
            self.model.booked[a.id] = Booked(
                a.id, request.patient_id, request.type, request.room_id, request.clinicians, a.starts_at,
                a.ends_at, Status.SCHEDULED, a.series_id, a.version, BOOKED_REASON,
            )  # fmt: skip

    def change(
        self,
        target: Booked,
        start: datetime,
        end: datetime,
        room: int | None,
        clinicians: frozenset[int] | None,
        scope: Scope,
        override: bool,
    ) -> None:
        """A move or resize of a scheduled or arrived appointment: new times, maybe another room or clinicians,
        for it alone or for it and the rest of its series still to come (each keeping its own day)."""
        moving = [target, *(self.model.following(target) if scope is Scope.FOLLOWING else [])]
        places = [(start, end)]
        for later in moving[1:]:
            moved_start = shifted(later.starts_at, target.starts_at, start)
            places.append((moved_start, moved_start + (end - start)))
        request = Request(
            target.patient_id,
            target.type,
            target.room_id if room is None else room,
            target.clinicians if clinicians is None else clinicians,
            tuple(places),
            frozenset(b.id for b in moving),
        )
        held = [(s, e + request.turnover) for s, e in places]  # one booking's members share everything
        crowded = any(overlaps(a, b) for n, a in enumerate(held) for b in held[n + 1 :])
        expected = (
            time_error(start, end)
            or self.model.kind_error(request)
            or (Refusal(ValidationFailed, "start") if crowded else None)
            or self.model.clash_error(request)
        )
        # Hours are checked again only where the times or the clinicians change; so is the reason kept.
        moved = [
            (s, e) != (b.starts_at, b.ends_at) or request.clinicians != b.clinicians
            for b, (s, e) in zip(moving, places, strict=True)
        ]
        reason = MOVED_REASON if override else ""
        outside = [p for p, m in zip(places, moved, strict=True) if m and not in_hours(*p)]
        if expected is None and outside and not reason:
            expected = Refusal(OutsideHours)
        outcome = self.attempt(
            f"move {scope}" + (f" ({len(moving)})" if scope is Scope.FOLLOWING else ""),
            lambda: self.clinic.booking.move(
                target.id,
                target.version,
                start,
                end,
                room_id=room,
                clinician_ids=None if clinicians is None else sorted(clinicians),
                scope=scope,
                override_reason=reason,
            ),
            expected,
            request,
        )
        if outcome is None:
            return
        assert [a.id for a in outcome.value] == [b.id for b in moving]
        for a, (s, e), m in zip(outcome.value, places, moved, strict=True):
            old = self.model.booked[a.id]
            assert (a.starts_at, a.ends_at) == (s, e) and a.version > old.version
            self.model.booked[a.id] = replace(
                old,
                starts_at=s,
                ends_at=e,
                room_id=request.room_id,
                clinicians=request.clinicians,
                version=a.version,
                override_reason=reason if reason or m else old.override_reason,
            )

    def attempt(
        self, label: str, call: Callable[[], T], expected: Refusal | None, request: Request | None = None
    ) -> T | None:
        """Run one service call: it succeeds exactly when nothing is expected to stop it, or is refused with the
        expected refusal. Anything else propagates and fails the run."""
        event(f"{label}: {expected.error.__name__ if expected else 'accepted'}")
        try:
            result = call()
        except (BookingConflict, ValidationFailed, OutsideHours, ConflictError, NotReady) as refused:
            assert expected is not None, f"refused, but nothing should stop it: {refused!r}"
            assert type(refused) is expected.error, f"expected {expected}, got {refused!r}"
            if isinstance(refused, ValidationFailed):
                assert expected.field in [e.field for e in refused.errors], refused.errors
            if isinstance(refused, BookingConflict):
                assert request is not None
                self.check_conflict(refused, expected, request)
            return None
        assert expected is None, f"accepted, but the model expected {expected}"
        return result

    def check_conflict(self, refused: BookingConflict, expected: Refusal, request: Request) -> None:
        """It names exactly what is in the way, and offers the earliest free slots: in the room asked for
        whenever that room is free then, otherwise in another room of the same kind."""
        found = {(c.resource, c.name, c.appointment_id, c.starts_at, c.ends_at) for c in refused.clashes}
        assert found == expected.clashes
        slots = self.model.free_slots(request)
        assert [(s.starts_at, s.ends_at) for s in refused.suggestions] == [(s.starts_at, s.ends_at) for s in slots]
        for offered, slot in zip(refused.suggestions, slots, strict=True):
            if request.room_id in slot.free_rooms:
                assert offered.room_id == request.room_id
            else:
                assert offered.room_id in slot.free_rooms

    def patient(self, n: int) -> int:
        return sorted(self.model.facts.patients)[n]

    def clinicians(self, picked: set[int]) -> frozenset[int]:
        ids = sorted(self.model.facts.clinicians)
        return frozenset(ids[n] for n in picked)


def choose(n: int, among: list[T]) -> T:
    return among[n % len(among)]


def prepare(sqlite_template: Path, folder: Path) -> tuple[Clinic, Facts]:
    """A clinic with rooms, clinicians and patients, whose clock stands on the middle day the machine books."""
    shutil.copyfile(sqlite_template, folder / "kapdesk.sqlite3")
    clinic = open_test_clinic(f"sqlite:///{folder / 'kapdesk.sqlite3'}", folder, clock=lambda: NOW)
    world = build_world(set_up(clinic))
    resources = clinic.schedule_setup.resources()
    records = [clinic.patients.get(p) for p in world.patients]
    facts = Facts(
        types={t.code: t for t in resources.types if t.code in CODES},
        rooms={r.id: r for r in resources.rooms},
        clinicians={c.id: c.full_name for c in resources.clinicians if c.id in world.clinicians.values()},
        patients={p.id: f"{p.first_name} {p.last_name}" for p in records},
        escorted=frozenset(p.id for p in records if p.escort_name and p.escort_phone),
    )
    assert len(facts.clinicians) == 3 and len(facts.patients) == 4 and len(facts.types) == len(CODES)
    return clinic, facts


def test_random_bookings_never_double_book_and_refuse_exactly_what_they_should(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """One clinic for the whole test (each run empties it first): ~12 s. Shrinking a failure to the few steps
    that show it takes a minute or two."""
    clinic, facts = prepare(sqlite_template, tmp_path)
    try:
        run_state_machine_as_test(
            lambda: BookingMachine(clinic, facts),
            settings=settings(max_examples=30, stateful_step_count=40, deadline=None, report_multiple_bugs=False),
        )
    finally:
        clinic.close()
