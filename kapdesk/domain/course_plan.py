"""Planning a course: real times for every preparation, dosing and integration session, inside the clinic's hours
and everyone's availability, with the protocol's spacing and integration windows; and the checks an edited plan
must pass before it is booked.

Pure: the service reads the calendar around the course into a `PlanContext` once, and everything here works on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from kapdesk.domain.appointments import AppointmentKind
from kapdesk.domain.busy import BusyIndex
from kapdesk.domain.courses import StepKey
from kapdesk.domain.opening_hours import Availability
from kapdesk.domain.protocols import ProtocolSpec
from kapdesk.domain.wall_clock import day_start

STEP = timedelta(minutes=15)
SEARCH_DAYS = 14  # how far past its target a session is looked for before it is left for the planner to place
PATIENT = "patient"

_PREP, _DOSE, _INTEGRATION = AppointmentKind.PREPARATION, AppointmentKind.DOSING, AppointmentKind.INTEGRATION


@dataclass(frozen=True)
class Shape:
    """How one kind of session is booked: its appointment type, length, room turnover, rooms to try in order,
    and who sees the patient."""

    type_id: int
    minutes: int
    turnover_minutes: int
    rooms: tuple[int, ...]
    clinicians: tuple[int, ...]

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def turnover(self) -> timedelta:
        return timedelta(minutes=self.turnover_minutes)


@dataclass(frozen=True)
class Proposed:
    key: StepKey
    phase: int
    starts_at: datetime | None  # None: no time found; the planner picks one
    ends_at: datetime | None
    room_id: int | None
    fixed: bool = False  # already booked or done: shown, checked against, never moved by planning


@dataclass
class PlanContext:
    """The calendar around a course, as read once by the service."""

    spec: ProtocolSpec
    doses_per_phase: tuple[int, ...]
    start_on: date
    now: datetime
    availability: Availability
    shapes: dict[AppointmentKind, Shape]
    busy: BusyIndex  # keys: PATIENT, clinician ids, ("room", id); the course's own booked sessions excluded
    room_names: dict[int, str]
    clinician_names: dict[int, str]

    def shape(self, key: StepKey) -> Shape:
        return self.shapes[key.kind]


def plan(context: PlanContext, sessions: Sequence[Proposed]) -> list[Proposed]:
    """Place every session that isn't fixed, in course order. `sessions` lists the course's steps in order (fixed
    ones carry their booked times)."""
    spec, zone = context.spec, context.availability.zone
    busy = context.busy.copy()
    placed: list[Proposed] = []
    cursor = max(day_start(context.start_on, zone), _on_grid(context.now))
    last_prep: Proposed | None = None
    last_dose: Proposed | None = None
    last_integration: Proposed | None = None
    first_dose_time: time | None = None
    phase_of_last = -1
    doses_in_phase = 0
    for session in sessions:
        key = session.key
        if session.fixed:
            found = session
        elif key.kind is _PREP:
            found = _first_free(context, busy, session, cursor, cursor + timedelta(days=SEARCH_DAYS))
        elif key.kind is _DOSE:
            earliest = cursor
            if last_prep is not None and last_prep.starts_at is not None:
                lead_day = context.availability.local_day(last_prep.starts_at) + timedelta(
                    days=max(spec.prep_lead_days, 0)
                )
                earliest = max(earliest, day_start(lead_day, zone), last_prep.ends_at or earliest)
            if last_dose is not None and last_dose.starts_at is not None:
                doses_in_phase = doses_in_phase + 1 if session.phase == phase_of_last else 0
                gap = _gap_days(context.spec.phases[session.phase].per_week, doses_in_phase)
                target_day = context.availability.local_day(last_dose.starts_at) + timedelta(days=gap)
                earliest = max(
                    earliest, day_start(target_day, zone), last_dose.starts_at + timedelta(hours=spec.min_spacing_hours)
                )
            if last_integration is not None and last_integration.ends_at is not None:
                earliest = max(earliest, last_integration.ends_at)
            follower = next((s for s in sessions if _follows(s, key) and not s.fixed), None)
            found = _dose(context, busy, session, earliest, first_dose_time, follower)
        else:
            dose = next((p for p in placed if p.key == StepKey(_DOSE, key.number)), None)
            found = session if dose is None or dose.starts_at is None else _integration(context, busy, session, dose)
        if key.kind is _PREP:
            last_prep = found
            if found.starts_at is not None:
                next_day = context.availability.local_day(found.starts_at) + timedelta(days=1)
                cursor = max(cursor, day_start(next_day, zone))
        elif key.kind is _DOSE:
            if found.starts_at is not None:
                first_dose_time = first_dose_time or found.starts_at.astimezone(zone).time()
                last_dose = found
            phase_of_last = session.phase
        else:
            last_integration = found
        if not found.fixed and found.starts_at is not None:
            _hold(busy, context, found)
        placed.append(found)
    return placed


def move(context: PlanContext, sessions: Sequence[Proposed], key: StepKey, starts_at: datetime) -> list[Proposed]:
    """The planner moved one session. A dose takes its integration session with it (same shift); each keeps its
    room if that room is free at the new time, else the first free room of the right kind."""
    current = next(s for s in sessions if s.key == key)
    shift = starts_at - current.starts_at if current.starts_at is not None else None
    others = [s for s in sessions if s.key != key]
    busy = context.busy.copy()
    for other in others:
        if other.starts_at is not None and not other.fixed and not _follows(other, key):
            _hold(busy, context, other)
    moved: dict[StepKey, Proposed] = {key: _placed(context, busy, current, starts_at)}
    _hold(busy, context, moved[key])
    if key.kind is _DOSE and shift is not None:
        follower = next((s for s in others if _follows(s, key)), None)
        if follower is not None and follower.starts_at is not None and not follower.fixed:
            moved[follower.key] = _placed(context, busy, follower, follower.starts_at + shift)
    return [moved.get(s.key, s) for s in sessions]


def problems(context: PlanContext, sessions: Sequence[Proposed]) -> dict[StepKey, list[str]]:
    """Everything wrong with a plan, per session, in words: unplaced, in the past, outside hours, taken, overlapping
    another session of the plan, out of order, too close, or an integration outside its window."""
    spec, found = context.spec, {s.key: [] for s in sessions}
    placed = [s for s in sessions if s.starts_at is not None and s.ends_at is not None]
    for session in sessions:
        if session.starts_at is None:
            found[session.key].append("No free time found; pick one.")
    for index, session in enumerate(placed):
        notes = found[session.key]
        assert session.starts_at is not None and session.ends_at is not None
        if not session.fixed:
            notes += _placement_problems(context, session)
        for other in placed[:index]:
            assert other.starts_at is not None and other.ends_at is not None
            if other.starts_at < session.ends_at and session.starts_at < other.ends_at:
                notes.append(f"Overlaps {other.key.label.lower()}.")
    preps = [s for s in placed if s.key.kind is _PREP]
    doses = sorted((s for s in placed if s.key.kind is _DOSE), key=lambda s: s.key.number)
    if doses and preps:
        first = doses[0]
        assert first.starts_at is not None
        lead = timedelta(days=spec.prep_lead_days)
        for prep in preps:
            assert prep.starts_at is not None and prep.ends_at is not None
            if prep.ends_at > first.starts_at or context.availability.local_day(prep.starts_at) + lead > (
                context.availability.local_day(first.starts_at)
            ):
                found[prep.key].append(
                    f"Preparation must come at least {spec.prep_lead_days} day(s) before the first dose."
                )
    spacing = timedelta(hours=spec.min_spacing_hours)
    for before, after in pairwise(doses):
        assert before.starts_at is not None and after.starts_at is not None
        if after.starts_at - before.starts_at < spacing:
            hours = (after.starts_at - before.starts_at) / timedelta(hours=1)
            found[after.key].append(
                f"Only {hours:.0f} h after dose {before.key.number}; this protocol needs at least "
                f"{spec.min_spacing_hours} h between doses."
            )
    by_number = {s.key.number: s for s in doses}
    for session in placed:
        if session.key.kind is not _INTEGRATION:
            continue
        dose = by_number.get(session.key.number)
        if dose is None:
            continue
        assert dose.ends_at is not None and session.starts_at is not None
        gap = (session.starts_at - dose.ends_at) / timedelta(hours=1)
        if not spec.integration_min_hours <= gap <= spec.integration_max_hours:
            found[session.key].append(
                f"{gap:.0f} h after dose {dose.key.number}; the window is {spec.integration_min_hours}–"
                f"{spec.integration_max_hours} h."
            )
        following = by_number.get(dose.key.number + 1)
        if following is not None and following.starts_at is not None and session.starts_at >= following.starts_at:
            found[session.key].append(f"Comes after dose {following.key.number}.")
    return {key: notes for key, notes in found.items() if notes}


# -- placing one session ------------------------------------------------------------------------------------


def _first_free(
    context: PlanContext, busy: BusyIndex, session: Proposed, after: datetime, before: datetime
) -> Proposed:
    """The earliest time from `after` (starting no later than `before`) when the patient, the session's clinicians
    and one of its rooms are free, inside everyone's hours."""
    shape = context.shape(session.key)
    people = [PATIENT, *shape.clinicians]
    day = context.availability.local_day(after)
    last_day = context.availability.local_day(before)
    while day <= last_day:
        for span_start, span_end in context.availability.open_spans(day, shape.clinicians):
            start = max(span_start, _on_grid(after))
            while start + shape.duration <= span_end and start < before:
                end = start + shape.duration
                if busy.free(people, start, end):
                    room = _free_room(busy, shape, start, end)
                    if room is not None:
                        return replace(session, starts_at=start, ends_at=end, room_id=room)
                start += STEP
        day += timedelta(days=1)
    return replace(session, starts_at=None, ends_at=None, room_id=None)


def _dose(
    context: PlanContext,
    busy: BusyIndex,
    session: Proposed,
    earliest: datetime,
    wanted: time | None,
    integration: Proposed | None,
) -> Proposed:
    """The first free time for a dose from `earliest`, at the course's usual time of day when it can be, whose
    integration session (when it is still to place) also finds a time in its window: a dose late on the day before
    a weekend would otherwise leave its integration nowhere to go. When no day within the search allows both, the
    first free time for the dose alone (the planner then shows its integration unplaced)."""
    limit = earliest + timedelta(days=SEARCH_DAYS)
    alone: Proposed | None = None
    day = context.availability.local_day(earliest)
    while True:
        start = max(earliest, day_start(day, context.availability.zone))
        preferred = _at_time(start, wanted, context.availability)
        found = _first_free(context, busy, session, preferred, limit)
        if found.starts_at is None and preferred > start:
            found = _first_free(context, busy, session, start, limit)
        if found.starts_at is None:
            return alone or found
        alone = alone or found
        if integration is None or _integration(context, busy, integration, found).starts_at is not None:
            return found
        day = context.availability.local_day(found.starts_at) + timedelta(days=1)


def _integration(context: PlanContext, busy: BusyIndex, session: Proposed, dose: Proposed) -> Proposed:
    """The first free time for the integration session inside its window after `dose`."""
    assert dose.ends_at is not None
    spec = context.spec
    low = dose.ends_at + timedelta(hours=spec.integration_min_hours)
    high = dose.ends_at + timedelta(hours=spec.integration_max_hours) - context.shape(session.key).duration
    return _first_free(context, busy, session, low, high + STEP)


def _placed(context: PlanContext, busy: BusyIndex, session: Proposed, starts_at: datetime) -> Proposed:
    shape = context.shape(session.key)
    end = starts_at + shape.duration
    room = session.room_id
    if room is None or busy.holding(("room", room), starts_at, end + shape.turnover) is not None:
        room = _free_room(busy, shape, starts_at, end) or room
    return replace(session, starts_at=starts_at, ends_at=end, room_id=room)


def _placement_problems(context: PlanContext, session: Proposed) -> list[str]:
    assert session.starts_at is not None and session.ends_at is not None
    shape, notes = context.shape(session.key), []
    start, end = session.starts_at, session.ends_at
    if start < context.now:
        notes.append("In the past.")
    day = context.availability.local_day(start)
    if not any(s <= start and end <= e for s, e in context.availability.open_spans(day, shape.clinicians)):
        notes.append("Outside clinic or working hours (or someone's time off).")
    if context.busy.holding(PATIENT, start, end):
        notes.append("The patient has another appointment then.")
    for clinician in shape.clinicians:
        if context.busy.holding(clinician, start, end):
            notes.append(f"{context.clinician_names.get(clinician, 'A clinician')} is booked then.")
    if session.room_id is None:
        notes.append("No room chosen.")
    elif context.busy.holding(("room", session.room_id), start, end + shape.turnover):
        notes.append(f"{context.room_names.get(session.room_id, 'The room')} is taken then.")
    return notes


def _free_room(busy: BusyIndex, shape: Shape, start: datetime, end: datetime) -> int | None:
    return next((r for r in shape.rooms if busy.holding(("room", r), start, end + shape.turnover) is None), None)


def _hold(busy: BusyIndex, context: PlanContext, session: Proposed) -> None:
    assert session.starts_at is not None and session.ends_at is not None
    shape = context.shape(session.key)
    busy.add(PATIENT, (session.starts_at, session.ends_at))
    for clinician in shape.clinicians:
        busy.add(clinician, (session.starts_at, session.ends_at))
    if session.room_id is not None:
        busy.add(("room", session.room_id), (session.starts_at, session.ends_at + shape.turnover))


def _follows(session: Proposed, dose: StepKey) -> bool:
    return dose.kind is _DOSE and session.key == StepKey(_INTEGRATION, dose.number)


def _gap_days(per_week: float, index: int) -> int:
    """Days from the dose before to dose `index` of a phase: the differences of the ideal cumulative days, so two a
    week alternates 3 and 4 days and three a week gives 2, 3, 2."""
    ideal = 7 / per_week

    def day(n: int) -> int:
        return int(n * ideal + 0.5)

    return max(day(index) - day(index - 1), 1) if index > 0 else int(ideal + 0.5)


def _at_time(earliest: datetime, wanted: time | None, availability: Availability) -> datetime:
    """The first dose's time of day on the earliest allowed day, so a course keeps a steady time when it can."""
    if wanted is None:
        return earliest
    local = earliest.astimezone(availability.zone)
    candidate = datetime.combine(local.date(), wanted, tzinfo=availability.zone)
    return max(candidate, earliest)


def _on_grid(when: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=when.tzinfo)
    steps = -((epoch - when) // STEP)
    return epoch + steps * STEP
