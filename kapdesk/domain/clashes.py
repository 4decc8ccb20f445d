"""Why a booking can't go where it was asked: what is in the way, and the warnings a reason may override."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from kapdesk.domain.errors import KapdeskError
from kapdesk.domain.free_slots import Slot


class Resource(StrEnum):
    CLINICIAN = "clinician"
    ROOM = "room"
    PATIENT = "patient"


@dataclass(frozen=True)
class Clash:
    """One appointment already holding a clinician, the room or the patient at that time."""

    resource: Resource
    name: str  # who or which room is taken
    appointment_id: int
    starts_at: datetime
    ends_at: datetime  # for a room, including the turnover
    what: str  # the other appointment's type; its patient is only named when it is the same patient

    def describe(self, zone: tzinfo) -> str:
        start, end = (t.astimezone(zone) for t in (self.starts_at, self.ends_at))
        return f"{self.name} is booked {start:%H:%M}–{end:%H:%M} ({self.what})."


class BookingConflict(KapdeskError):
    """Nothing was saved: something is already booked then. Carries the next free slots to offer."""

    title = "Already booked"

    def __init__(self, clashes: Sequence[Clash], suggestions: Sequence[Slot], message: str) -> None:
        super().__init__(message, "Nothing was saved. Pick another time, or one of the free slots offered.")
        self.clashes = tuple(clashes)
        self.suggestions = tuple(suggestions)


class OutsideHours(KapdeskError):
    """The time is outside clinic or working hours, or on a closed day: allowed with a reason."""

    title = "Outside hours"

    def __init__(self, warnings: Sequence[str]) -> None:
        super().__init__(" ".join(warnings), "Book it anyway only with a reason, which is recorded.")
        self.warnings = tuple(warnings)


class NotReady(KapdeskError):
    """Check-in refused: a requirement kapdesk enforces is missing."""

    title = "Not ready for dosing"
