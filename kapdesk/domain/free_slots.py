"""Finding the next times an appointment fits: everyone free, a room of the right kind free (with its turnover),
inside the hours when all the clinicians can be booked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kapdesk.domain.opening_hours import Span

STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    room_id: int


def next_free_slots(
    after: datetime,
    duration: timedelta,
    turnover: timedelta,
    open_spans: Sequence[Span],
    people_busy: Sequence[Span],
    rooms_busy: dict[int, Sequence[Span]],
    room_order: Sequence[int],
    *,
    count: int = 3,
    step: timedelta = STEP,
) -> list[Slot]:
    """Up to `count` slots starting at or after `after`, on the step grid of each open span, earliest first.
    Rooms are tried in `room_order` (the room asked for first), so a slot keeps the requested room if it can."""
    found: list[Slot] = []
    for span_start, span_end in sorted(open_spans):
        start = max(span_start, _on_grid(after, step))
        while start + duration <= span_end and len(found) < count:
            end = start + duration
            if not _clashes(start, end, people_busy):
                room = next((r for r in room_order if not _clashes(start, end + turnover, rooms_busy.get(r, ()))), None)
                if room is not None:
                    found.append(Slot(start, end, room))
            start += step
        if len(found) >= count:
            break
    return found


def _clashes(start: datetime, end: datetime, busy: Sequence[Span]) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in busy)


def _on_grid(when: datetime, step: timedelta) -> datetime:
    """Round up to the step (in UTC minutes; every clinic zone in use is offset by whole quarter hours)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -((epoch - when) // step)
    return epoch + steps * step
