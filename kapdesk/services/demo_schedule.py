"""The demo clinic's calendar: six past and four coming weeks of treatment courses around `today`.

Pure generation from a seeded rng: it returns plain rows for the caller's bulk inserts. Every appointment is
placed through the clinic's Availability (hours, closed days, time off) and one occupancy tracker per
clinician, room and patient, so the demo passes the rules a real booking must, PostgreSQL's exclusion
constraints included. The number of courses follows the dosing suites, not the patient count, so a 100k-patient
demo costs no more to schedule than a 200-patient one.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, insort
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from kapdesk.domain.appointments import AppointmentKind, AppointmentType, Route, Status
from kapdesk.domain.opening_hours import Availability, Span
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.series import Repeat, repeat_starts
from kapdesk.services.demo_closures import at, window

ACTIVE_SHARE = 0.3  # of the patients, in a course during these weeks ...
COURSES_PER_DOSING_ROOM = 25  # ... but no more than the dosing suites can hold
SERIES_MIN_PATIENTS = 20  # below this every patient goes to a course
STEP = timedelta(minutes=30)  # appointments start on the hour or half hour
ROUTE_WEIGHTS = {Route.IV: 35, Route.IM: 20, Route.SUBLINGUAL: 25, Route.ESKETAMINE: 20}
SESSIONS = {Route.IV: (4, 6), Route.IM: (3, 6), Route.SUBLINGUAL: (3, 6), Route.ESKETAMINE: (4, 6)}
# Days from one dosing session to the next: IV and esketamine twice a week, IM and sublingual weekly.
INTERVAL_DAYS = {Route.IV: (3, 4), Route.ESKETAMINE: (3, 4), Route.IM: (6, 8), Route.SUBLINGUAL: (6, 8)}
GAP_EVERY = 6  # every sixth course leaves one coming integration unbooked or late, so warnings show
CANCEL_REASONS = ("Patient unwell", "Rescheduled by patient", "Clinician unavailable", "Transport fell through")
Team = tuple[int, ...]


@dataclass(frozen=True)
class DemoStaff:
    """User ids by what they do in the demo; `booker` is the front-desk account that made the bookings."""

    prescribers: tuple[int, ...]
    nurses: tuple[int, ...]
    therapists: tuple[int, ...]
    booker: int


@dataclass
class DemoSchedule:
    appointments: list[dict[str, object]] = field(default_factory=list)
    teams: dict[str, Team] = field(default_factory=dict)  # clinicians by appointment uid

    def clinician_rows(self, ids: dict[str, int]) -> list[dict[str, object]]:
        """appointment_clinicians rows, given the appointment ids the database assigned (by uid)."""
        return [
            {
                "appointment_id": ids[row["uid"]],  # type: ignore[index]
                "user_id": user_id,
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "holds_time": row["status"] != Status.CANCELLED.value,
            }
            for row in self.appointments
            for user_id in self.teams[row["uid"]]  # type: ignore[index]
        ]


def patients_wanted(available: int, dosing_rooms: int) -> tuple[int, int]:
    """How many patients go on weekly series and how many into courses, out of `available` current ones."""
    series = 2 if available >= SERIES_MIN_PATIENTS else 0
    return series, min(round((available - series) * ACTIVE_SHARE), COURSES_PER_DOSING_ROOM * dosing_rooms)


def plan(
    rng: Random,
    availability: Availability,
    staff: DemoStaff,
    rooms: dict[RoomKind, tuple[int, ...]],
    types: Sequence[AppointmentType],
    patients: tuple[Sequence[int], Sequence[int]],
    today: date,
    now: datetime,
) -> DemoSchedule:
    """The demo's appointments for `patients`: (those on weekly series, those in courses)."""
    planner = _Planner(rng, availability, staff, rooms, types, today, now)
    on_series, in_courses = patients
    planner.weekly_series(on_series)
    first, _last = window(today)
    # Consultations from five weeks before the window (those courses are well on by its first day) to three
    # weeks into the coming ones; booked in that order, as a clinic would have.
    earliest = first - timedelta(weeks=5)
    days = (today + timedelta(weeks=3) - earliest).days
    starts = sorted(earliest + timedelta(days=rng.randrange(days)) for _ in in_courses)
    for index, (patient, start) in enumerate(zip(in_courses, starts, strict=True)):
        gap = today + timedelta(days=rng.randint(1, 14)) if index % GAP_EVERY == GAP_EVERY // 2 else None
        planner.course(patient, start, gap=gap)
    return planner.finish()


@dataclass(frozen=True)
class _Want:
    """One appointment to place: its type and patient, who may see them (in order of preference), and when."""

    kind: AppointmentType
    patient: int
    teams: Sequence[Team]
    prefer: float  # 0 = as early in the day as possible, 0.5 = from midday ...
    after: datetime | None = None
    before: datetime | None = None  # the latest start
    follows: Callable[[_Slot], bool] | None = None  # a further condition on the slot


@dataclass(frozen=True)
class _Slot:
    starts_at: datetime
    ends_at: datetime
    team: Team
    room: int


class _Occupancy:
    """Sorted, non-overlapping busy spans per clinician, room or patient (half-open, as the constraints)."""

    def __init__(self) -> None:
        self._spans: dict[Hashable, list[Span]] = {}

    def free(self, key: Hashable, start: datetime, end: datetime) -> bool:
        spans = self._spans.get(key)
        if not spans:
            return True
        index = bisect_left(spans, start, key=lambda s: s[0])
        if index < len(spans) and spans[index][0] < end:
            return False
        return index == 0 or spans[index - 1][1] <= start

    def take(self, key: Hashable, start: datetime, end: datetime) -> None:
        insort(self._spans.setdefault(key, []), (start, end))


class _Planner:
    def __init__(
        self,
        rng: Random,
        availability: Availability,
        staff: DemoStaff,
        rooms: dict[RoomKind, tuple[int, ...]],
        types: Sequence[AppointmentType],
        today: date,
        now: datetime,
    ) -> None:
        self._rng, self._hours, self._staff, self._rooms = rng, availability, staff, rooms
        self._today, self._now = today, now
        self._first, self._last = window(today)
        self._busy = _Occupancy()
        self._schedule = DemoSchedule()
        self._types = {(t.kind, t.route): t for t in types if t.active}

    def _type(self, kind: AppointmentKind, route: Route | None = None) -> AppointmentType:
        return self._types[(kind, route)]

    # -- what a clinic books -----------------------------------------------------------------------------

    def weekly_series(self, patients: Sequence[int]) -> None:
        """Standing weekly appointments for patients past their course: integration therapy on Tuesdays,
        a prescriber's check-in on Thursdays. One the clinic can't keep (closed, clinician away) is cancelled
        with the reason, as the front desk would."""
        plans = (
            (self._type(AppointmentKind.INTEGRATION), (self._staff.therapists[0],), 1, time(16)),
            (self._type(AppointmentKind.FOLLOW_UP), (self._staff.prescribers[0],), 3, time(12, 30)),
        )
        zone = self._hours.zone
        for patient, (kind, team, weekday, wall_clock) in zip(patients, plans, strict=False):
            day = self._first + timedelta(days=(weekday - self._first.weekday()) % 7)
            series = self._uid()
            for start in repeat_starts(at(day, wall_clock, zone), Repeat(7, (self._last - day).days // 7 + 1), zone):
                end = start + timedelta(minutes=kind.duration_minutes)
                room = self._free_room(kind, start) if self._fits(team, patient, start, end) else None
                status, reason = self._outcome(self._hours.local_day(start))
                if room is None:
                    closed = self._hours.closed_days.get(self._hours.local_day(start))
                    reason = f"Clinic closed ({closed})" if closed else "Clinician unavailable"
                    slot = _Slot(start, end, team, self._rooms[RoomKind(kind.room_kind)][0])
                    self._emit(kind, patient, slot, Status.CANCELLED, reason, series)
                else:
                    self._keep(kind, patient, _Slot(start, end, team, room), status, reason, series)

    def course(self, patient: int, start: date, *, gap: date | None) -> None:
        """Consultation, 1–2 preparation sessions, then 3–6 dosing sessions each followed by integration
        1–2 days later, and sometimes a follow-up: with the course's own prescriber, nurse and therapist.
        The first dosing session from `gap` on has its integration missing or late."""
        rng, staff = self._rng, self._staff
        route = rng.choices(list(ROUTE_WEIGHTS), weights=list(ROUTE_WEIGHTS.values()))[0]
        prescriber, nurse, therapist = (
            rng.choice(staff.prescribers),
            rng.choice(staff.nurses),
            rng.choice(staff.therapists),
        )
        prefer = rng.random()  # where in the day this patient likes to come
        medical, therapy = _teams(prescriber, staff.prescribers), _teams(therapist, staff.therapists)
        seen = self._book(_Want(self._type(AppointmentKind.CONSULTATION), patient, medical, prefer), start)
        for _ in range(rng.randint(1, 2)):
            if seen is None:
                return
            prep = _Want(self._type(AppointmentKind.PREPARATION), patient, therapy, prefer, after=seen.ends_at)
            seen = self._book(prep, self._day(seen) + timedelta(days=rng.randint(4, 9)))
        if seen is None:
            return
        low, high = INTERVAL_DAYS[route]
        day = self._day(seen) + timedelta(days=rng.randint(3, 7))
        for _ in range(rng.randint(*SESSIONS[route])):
            integration = _Want(self._type(AppointmentKind.INTEGRATION), patient, therapy, prefer)
            dosing = _Want(
                self._type(AppointmentKind.DOSING, route),
                patient,
                self._dosing_teams(prescriber, nurse),
                prefer,
                after=seen.ends_at,
                # Only where its integration can follow in time: not a Thursday evening before a weekend.
                follows=lambda dose, want=integration: self._integration(want, dose, book=False) is not None,
            )
            dose = self._book(dosing, day)
            if dose is None:
                return
            day = self._day(dose) + timedelta(days=rng.randint(low, high))
            if gap is not None and self._day(dose) >= gap:
                gap = None
                seen = self._late_integration(integration, dose) or dose
            else:
                seen = self._integration(integration, dose) or dose
            day = max(day, self._day(seen) + timedelta(days=1))
        if rng.random() < 0.6:
            follow_up = _Want(self._type(AppointmentKind.FOLLOW_UP), patient, medical, prefer, after=seen.ends_at)
            self._book(follow_up, self._day(seen) + timedelta(days=rng.randint(10, 21)))

    def finish(self) -> DemoSchedule:
        """Drop what fell before the window, and check in today's first patients."""
        schedule = self._schedule
        kept = [row for row in schedule.appointments if self._day_of(row) >= self._first]
        today = [row for row in kept if self._day_of(row) == self._today and row["status"] == Status.SCHEDULED.value]
        if today:
            earliest = min(row["starts_at"] for row in today)  # type: ignore[type-var]
            for row in today:
                if row["starts_at"] == earliest:
                    row["status"] = Status.ARRIVED.value
        uids = {row["uid"] for row in kept}
        return DemoSchedule(kept, {uid: team for uid, team in schedule.teams.items() if uid in uids})

    # -- placing -----------------------------------------------------------------------------------------

    def _integration(self, want: _Want, dose: _Slot, *, book: bool = True) -> _Slot | None:
        """24–72 h after the session ends, mostly on the next day. With book=False: only whether one fits."""
        window = replace(want, after=dose.ends_at + timedelta(hours=24), before=dose.ends_at + timedelta(hours=72))
        next_day = self._day(dose) + timedelta(days=1)
        if not book:
            return self._place(window, next_day, next_day + timedelta(days=2))
        preferred = next_day + timedelta(days=self._rng.choice((0, 0, 1)))
        return self._book(window, preferred, slack=2) or self._book(window, next_day, slack=2)

    def _late_integration(self, want: _Want, dose: _Slot) -> _Slot | None:
        """For the calendar's warning to have something to show: half the time not booked yet, else too late."""
        if self._rng.random() < 0.5:
            return None
        late = dose.ends_at + timedelta(hours=self._rng.randint(76, 100))
        return self._book(replace(want, after=late), self._hours.local_day(late), slack=3)

    def _dosing_teams(self, prescriber: int, nurse: int) -> list[Team]:
        """Often prescriber and nurse together, else the nurse or the prescriber alone; colleagues cover."""
        staff = self._staff
        first = self._rng.choices([(prescriber, nurse), (nurse,), (prescriber,)], weights=(5, 3, 2))[0]
        others = [(n,) for n in staff.nurses if n != nurse] + [(p,) for p in staff.prescribers if p != prescriber]
        return [first, *(t for t in [(nurse,), (prescriber,), *others] if t != first)]

    def _book(self, want: _Want, day: date, slack: int = 7) -> _Slot | None:
        """Place one appointment on `day` or up to `slack` days later and give it an outcome. A cancelled one is
        booked again from the next day, as the patient would be. None if nothing fits (or past the window)."""
        while slot := self._place(want, day, day + timedelta(days=slack)):
            status, reason = self._outcome(self._day(slot))
            if status is not Status.CANCELLED:
                self._keep(want.kind, want.patient, slot, status, reason, None)
                return slot
            self._emit(want.kind, want.patient, slot, status, reason, None)  # and booked again below
            day, want = self._day(slot) + timedelta(days=1), replace(want, after=slot.ends_at)
        return None

    def _place(self, want: _Want, day: date, last: date) -> _Slot | None:
        """The first free slot from `day` to `last` (never past the window; integration may run 3 days over)."""
        kind = want.kind
        last = min(last, self._last + timedelta(days=3 if kind.kind is AppointmentKind.INTEGRATION else 0))
        length = timedelta(minutes=kind.duration_minutes)
        while day <= last:
            for team in want.teams:
                starts = [
                    start
                    for opens, closes in self._hours.open_spans(day, team)
                    for start in _steps(opens, closes - length)
                    if (want.after is None or start >= want.after) and (want.before is None or start <= want.before)
                ]
                turn = int(want.prefer * len(starts))
                for start in starts[turn:] + starts[:turn]:
                    end = start + length
                    if not self._free(team, want.patient, start, end) or (room := self._free_room(kind, start)) is None:
                        continue
                    slot = _Slot(start, end, team, room)
                    if want.follows is None or want.follows(slot):
                        return slot
            day += timedelta(days=1)
        return None

    def _fits(self, team: Team, patient: int, start: datetime, end: datetime) -> bool:
        spans = self._hours.open_spans(self._hours.local_day(start), team)
        return any(o <= start and end <= c for o, c in spans) and self._free(team, patient, start, end)

    def _free(self, team: Team, patient: int, start: datetime, end: datetime) -> bool:
        return self._busy.free(("patient", patient), start, end) and all(
            self._busy.free(("user", u), start, end) for u in team
        )

    def _free_room(self, kind: AppointmentType, start: datetime) -> int | None:
        hold = timedelta(minutes=kind.duration_minutes + kind.turnover_minutes)
        return next(
            (r for r in self._rooms[RoomKind(kind.room_kind)] if self._busy.free(("room", r), start, start + hold)),
            None,
        )

    def _outcome(self, day: date) -> tuple[Status, str]:
        """Past: mostly completed, some no-shows and cancellations. Coming: scheduled, a few cancelled."""
        draw = self._rng.random()
        if day < self._today:
            if draw < 0.85:
                return Status.COMPLETED, ""
            if draw < 0.9:
                return Status.NO_SHOW, ""
        elif draw >= 0.04:
            return Status.SCHEDULED, ""
        return Status.CANCELLED, self._rng.choice(CANCEL_REASONS)

    # -- rows --------------------------------------------------------------------------------------------

    def _keep(
        self, kind: AppointmentType, patient: int, slot: _Slot, status: Status, reason: str, series: str | None
    ) -> None:
        """Record an appointment and, unless it is cancelled, mark its clinicians, room and patient busy."""
        if status is Status.CANCELLED:
            self._emit(kind, patient, slot, status, reason, series)
            return
        hold = slot.ends_at + timedelta(minutes=kind.turnover_minutes)
        self._busy.take(("patient", patient), slot.starts_at, slot.ends_at)
        self._busy.take(("room", slot.room), slot.starts_at, hold)
        for user in slot.team:
            self._busy.take(("user", user), slot.starts_at, slot.ends_at)
        self._emit(kind, patient, slot, status, reason, series)

    def _emit(
        self, kind: AppointmentType, patient: int, slot: _Slot, status: Status, reason: str, series: str | None
    ) -> None:
        uid = self._uid()
        self._schedule.appointments.append(
            {
                "uid": uid,
                "patient_id": patient,
                "type_id": kind.id,
                "room_id": slot.room,
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "room_free_at": slot.ends_at + timedelta(minutes=kind.turnover_minutes),
                "status": status.value,
                "cancel_reason": reason,
                "series_id": series,
                "notes": "",
                "override_reason": "",
                "created_by": self._staff.booker,
                "created_at": self._now,
                "updated_at": self._now,
                "version": 1,
            }
        )
        self._schedule.teams[uid] = slot.team

    def _uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _day(self, slot: _Slot) -> date:
        return self._hours.local_day(slot.starts_at)

    def _day_of(self, row: dict[str, object]) -> date:
        return self._hours.local_day(row["starts_at"])  # type: ignore[arg-type]


def _teams(preferred: int, everyone: Sequence[int]) -> list[Team]:
    return [(preferred,), *((u,) for u in everyone if u != preferred)]


def _steps(first: datetime, last: datetime) -> list[datetime]:
    """Starts on the half hour from `first` (rounded up) to `last`. Zone offsets are whole hours here, so a
    UTC half hour is a local one."""
    start = first + (datetime.min.replace(tzinfo=UTC) - first) % STEP
    return [start + n * STEP for n in range(int((last - start) / STEP) + 1)] if start <= last else []
