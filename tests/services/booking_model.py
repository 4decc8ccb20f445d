"""A model of what should be booked, for the booking state machine: plain values and the rules written out
again independently of the services (half-open spans, the room held through its turnover, series by wall clock,
the free slots a refusal should offer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kapdesk.domain.appointments import Appointment, AppointmentKind, AppointmentType, Status
from kapdesk.domain.clashes import BookingConflict, Resource
from kapdesk.domain.errors import KapdeskError, ValidationFailed
from kapdesk.domain.rooms import RoomInfo
from tests.schedule_world import ZONE

QUARTER = timedelta(minutes=15)
LONGEST = timedelta(hours=12)
OPENS, CLOSES = time(8), time(18)  # the seeded clinic hours, Monday to Friday
SUGGESTION_DAYS = 14
GRID_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
EDGES = ("at its end", "when its room is free", "ending at its start", "ending a turnover before")

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Facts:
    """The clinic the machine books in: the same for every run."""

    types: dict[str, AppointmentType]  # by code
    rooms: dict[int, RoomInfo]
    clinicians: dict[int, str]  # id -> full name
    patients: dict[int, str]  # id -> "First Last", as clashes name them
    escorted: frozenset[int]  # patients with an escort on record


@dataclass(frozen=True)
class Booked:
    """The model's copy of one appointment."""

    id: int
    patient_id: int
    type: AppointmentType
    room_id: int
    clinicians: frozenset[int]
    starts_at: datetime
    ends_at: datetime
    status: Status
    series_id: str | None
    version: int
    override_reason: str = ""  # why it may be outside hours: kept only with the times it was given for
    cancel_reason: str = ""

    @property
    def room_free_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.type.turnover_minutes)

    @property
    def holds(self) -> bool:
        return self.status is not Status.CANCELLED

    @property
    def movable(self) -> bool:
        return self.status in (Status.SCHEDULED, Status.ARRIVED)

    def shape(self) -> tuple[object, ...]:
        return (
            self.id, self.patient_id, self.type.id, self.room_id, self.clinicians, self.starts_at, self.ends_at,
            self.room_free_at, self.status, self.series_id, self.version, self.override_reason, self.cancel_reason,
        )  # fmt: skip


def shape(a: Appointment) -> tuple[object, ...]:
    """An appointment as read back, in the model's terms."""
    return (
        a.id, a.patient_id, a.type_id, a.room_id, frozenset(a.clinician_ids), a.starts_at, a.ends_at,
        a.room_free_at, a.status, a.series_id, a.version, a.override_reason, a.cancel_reason,
    )  # fmt: skip


@dataclass(frozen=True)
class Request:
    """One booking or change as the model sees it: where each appointment goes, and what it holds."""

    patient_id: int
    type: AppointmentType
    room_id: int
    clinicians: frozenset[int]
    places: tuple[Span, ...]
    ignore: frozenset[int] = frozenset()  # the appointments being moved don't stand in their own way

    @property
    def turnover(self) -> timedelta:
        return timedelta(minutes=self.type.turnover_minutes)


@dataclass(frozen=True)
class Refusal:
    error: type[KapdeskError]
    field: str = ""  # ValidationFailed: the field it names
    clashes: frozenset[tuple[object, ...]] = frozenset()  # BookingConflict: (resource, name, id, start, end)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    free_rooms: tuple[int, ...]  # any of them will do, but the room asked for if it is among them


def at(day: date, quarter: int) -> datetime:
    """The UTC instant of the `quarter`-th quarter hour of `day` in the clinic."""
    return datetime.combine(day, time(quarter // 4, quarter % 4 * 15), tzinfo=ZONE).astimezone(UTC)


def wall(instant: datetime) -> datetime:
    return instant.astimezone(ZONE).replace(tzinfo=None)


def from_wall(local: datetime) -> datetime:
    return local.replace(tzinfo=ZONE).astimezone(UTC)


def series_starts(first: datetime, every_days: int, count: int) -> list[datetime]:
    """The same wall-clock time on each day of the series, whatever DST does in between."""
    return [from_wall(wall(first) + timedelta(days=n * every_days)) for n in range(count)]


def shifted(when: datetime, anchor: datetime, new_anchor: datetime) -> datetime:
    """Moved by the wall-clock distance the anchor moved ("this and the following")."""
    return from_wall(wall(when) + (wall(new_anchor) - wall(anchor)))


def in_hours(start: datetime, end: datetime) -> bool:
    local = start.astimezone(ZONE)
    closes = datetime.combine(local.date(), CLOSES, tzinfo=ZONE)
    return local.weekday() < 5 and local.time() >= OPENS and end <= closes


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def edge_start(neighbour: Booked, edge: str, length: timedelta, kind: AppointmentType) -> datetime:
    """Where an appointment of `kind` and `length` starts to touch (or just miss) `neighbour`'s edge."""
    turnover = timedelta(minutes=kind.turnover_minutes)
    return {
        "at its end": neighbour.ends_at,
        "when its room is free": neighbour.room_free_at,
        "ending at its start": neighbour.starts_at - length,
        "ending a turnover before": neighbour.starts_at - length - turnover,
    }[edge]


def double_bookings(holds: Iterable[tuple[object, datetime, datetime, int]]) -> list[tuple[object, int, int]]:
    """(what, id, id) for each pair holding the same clinician, patient or room at overlapping times."""
    by_key: dict[object, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for key, start, end, ident in holds:
        by_key[key].append((start, end, ident))
    found = []
    for key, spans in by_key.items():
        spans.sort()
        latest_end, latest = spans[0][1], spans[0][2]
        for start, end, ident in spans[1:]:
            if start < latest_end:
                found.append((key, latest, ident))
            if end > latest_end:
                latest_end, latest = end, ident
    return found


def time_error(start: datetime, end: datetime) -> Refusal | None:
    return None if start < end <= start + LONGEST else Refusal(ValidationFailed, "end")


@dataclass
class Model:
    facts: Facts
    booked: dict[int, Booked] = field(default_factory=dict)

    def holding(self, ignore: frozenset[int] = frozenset()) -> list[Booked]:
        return sorted((b for b in self.booked.values() if b.holds and b.id not in ignore), key=lambda b: b.id)

    def movable(self) -> list[Booked]:
        return sorted((b for b in self.booked.values() if b.movable), key=lambda b: b.id)

    def closed(self) -> list[Booked]:
        return sorted((b for b in self.booked.values() if not b.movable), key=lambda b: b.id)

    def following(self, target: Booked) -> list[Booked]:
        """The rest of its series still to come: scheduled, starting later."""
        later = [
            b
            for b in self.booked.values()
            if target.series_id is not None
            and b.series_id == target.series_id
            and b.starts_at > target.starts_at
            and b.status is Status.SCHEDULED
        ]
        return sorted(later, key=lambda b: (b.starts_at, b.id))

    def series_pairs(self) -> list[tuple[Booked, Booked]]:
        """(earlier, later) members of one series that a "this and following" change of the earlier would move."""
        return [(b, later) for b in self.movable() for later in self.following(b)]

    def prepared(self, dosing: Appointment) -> bool:
        """Whether the patient has a completed preparation session before this dosing session."""
        return any(
            b.patient_id == dosing.patient_id
            and b.type.kind is AppointmentKind.PREPARATION
            and b.status is Status.COMPLETED
            and b.starts_at < dosing.starts_at
            for b in self.booked.values()
        )

    def rooms_of(self, kind: AppointmentType) -> list[int]:
        return sorted(r.id for r in self.facts.rooms.values() if r.kind == kind.room_kind)

    def room_for(self, kind: AppointmentType, choice: int) -> int:
        """A room that fits `kind`, or for choice 9 one that doesn't."""
        if choice == 9:
            return min(r.id for r in self.facts.rooms.values() if r.kind != kind.room_kind)
        fitting = self.rooms_of(kind)
        return fitting[choice % len(fitting)]

    def kind_error(self, request: Request) -> Refusal | None:
        fits = self.facts.rooms[request.room_id].kind == request.type.room_kind
        return None if fits else Refusal(ValidationFailed, "room")

    def clash_error(self, request: Request) -> Refusal | None:
        """Everything holding the room (through both turnovers), the patient or a clinician at any place."""
        found: set[tuple[object, ...]] = set()
        for start, end in request.places:
            for b in self.holding(request.ignore):
                if b.room_id == request.room_id and overlaps(
                    (start, end + request.turnover), (b.starts_at, b.room_free_at)
                ):
                    room = self.facts.rooms[b.room_id].name
                    found.add((Resource.ROOM, room, b.id, b.starts_at, b.room_free_at))
                if not overlaps((start, end), (b.starts_at, b.ends_at)):
                    continue
                if b.patient_id == request.patient_id:
                    found.add((Resource.PATIENT, self.facts.patients[b.patient_id], b.id, b.starts_at, b.ends_at))
                for c in b.clinicians & request.clinicians:
                    found.add((Resource.CLINICIAN, self.facts.clinicians[c], b.id, b.starts_at, b.ends_at))
        return Refusal(BookingConflict, clashes=frozenset(found)) if found else None

    def free_slots(self, request: Request, count: int = 3) -> list[Slot]:
        """The earliest times from the first place's start, on the 15-minute grid, inside the clinic's hours,
        when the patient, the clinicians and a room of the kind are free, for up to SUGGESTION_DAYS ahead."""
        after, end = request.places[0]
        length = end - after
        rooms = self.rooms_of(request.type)
        busy = self.holding(request.ignore)
        found: list[Slot] = []
        start = after + (-(after - GRID_ORIGIN) % QUARTER)
        horizon = datetime.combine(wall(after).date() + timedelta(days=SUGGESTION_DAYS + 1), time(), tzinfo=ZONE)
        while len(found) < count and start < horizon:
            span = (start, start + length)
            people_free = not any(
                overlaps(span, (b.starts_at, b.ends_at))
                for b in busy
                if b.patient_id == request.patient_id or b.clinicians & request.clinicians
            )
            if in_hours(*span) and people_free:
                held = (start, span[1] + request.turnover)
                free = tuple(
                    r
                    for r in rooms
                    if not any(b.room_id == r and overlaps(held, (b.starts_at, b.room_free_at)) for b in busy)
                )
                if free:
                    found.append(Slot(start, span[1], free))
            start += QUARTER
        return found
