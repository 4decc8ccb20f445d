"""Free slots: the earliest grid times when everyone named and a room of the kind (through its turnover) are free,
inside the hours when they can all be booked. No database."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kapdesk.domain.free_slots import Slot, next_free_slots
from tests.schedule_world import MONDAY, ZONE, local

DAY = (local(MONDAY, 8), local(MONDAY, 18))
HOUR, QUARTER, TURNOVER = timedelta(hours=1), timedelta(minutes=15), timedelta(minutes=15)
ROOM_A, ROOM_B = 1, 2


def slots(**changes: object) -> list[tuple[int, int, int]]:
    """next_free_slots on MONDAY with sensible defaults, as (hour, minute, room)."""
    arguments: dict = {
        "after": local(MONDAY, 8), "duration": HOUR, "turnover": TURNOVER, "open_spans": [DAY], "people_busy": [],
        "rooms_busy": {}, "room_order": [ROOM_A, ROOM_B],
    } | changes  # fmt: skip
    found = next_free_slots(**arguments)
    return [(s.starts_at.astimezone(ZONE).hour, s.starts_at.astimezone(ZONE).minute, s.room_id) for s in found]


def test_free_slots_start_at_the_earliest_grid_time_in_the_room_asked_for() -> None:
    assert slots() == [(8, 0, ROOM_A), (8, 15, ROOM_A), (8, 30, ROOM_A)]
    assert slots(room_order=[ROOM_B, ROOM_A]) == [(8, 0, ROOM_B), (8, 15, ROOM_B), (8, 30, ROOM_B)]
    assert slots(after=local(MONDAY, 8, 7)) == [(8, 15, ROOM_A), (8, 30, ROOM_A), (8, 45, ROOM_A)]
    assert slots(after=local(MONDAY, 6)) == [(8, 0, ROOM_A), (8, 15, ROOM_A), (8, 30, ROOM_A)]
    assert slots(step=timedelta(minutes=30), count=2) == [(8, 0, ROOM_A), (8, 30, ROOM_A)]
    assert len(slots(count=5)) == 5


def test_free_slots_wait_for_the_people_and_the_room_with_its_turnover() -> None:
    # The patient or a clinician is busy until 10:00: back to back is fine.
    assert slots(people_busy=[(local(MONDAY, 8), local(MONDAY, 10))])[0] == (10, 0, ROOM_A)
    # Room A is held until 10:15 (turnover included): room B instead, or A once it is free.
    busy_a = {ROOM_A: [(local(MONDAY, 8), local(MONDAY, 10, 15))]}
    assert slots(rooms_busy=busy_a)[0] == (8, 0, ROOM_B)
    assert slots(rooms_busy=busy_a, room_order=[ROOM_A])[0] == (10, 15, ROOM_A)
    # Room A is taken from 11:00: the new appointment's own turnover must end by then.
    later_a = {ROOM_A: [(local(MONDAY, 11), local(MONDAY, 12))]}
    found = slots(after=local(MONDAY, 9, 30), rooms_busy=later_a, room_order=[ROOM_A], count=4)
    assert found == [(9, 30, ROOM_A), (9, 45, ROOM_A), (12, 0, ROOM_A), (12, 15, ROOM_A)]


def test_free_slots_move_on_to_the_next_open_span() -> None:
    spans = [
        (local(MONDAY, 8), local(MONDAY, 9, 30)),
        (local(MONDAY + timedelta(days=1), 8), local(MONDAY + timedelta(days=1), 18)),
    ]
    found = next_free_slots(local(MONDAY, 8), HOUR, TURNOVER, spans, [], {}, [ROOM_A], count=4)
    assert [s.starts_at for s in found] == [
        local(MONDAY, 8), local(MONDAY, 8, 15), local(MONDAY, 8, 30), local(MONDAY + timedelta(days=1), 8)
    ]  # fmt: skip
    assert next_free_slots(local(MONDAY, 8), 11 * HOUR, TURNOVER, [DAY], [], {}, [ROOM_A]) == []


# Everything within a few hours of each other (in quarter hours), so busy times, turnovers and edges meet.
quarter_spans = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=6)


@given(
    after=st.integers(0, 60 * 6),
    minutes=st.integers(1, 8).map(lambda q: q * 15),
    turnover=st.sampled_from([0, 15, 30]),
    opening=st.lists(st.tuples(st.integers(0, 8), st.integers(1, 40)), min_size=1, max_size=4),
    people=quarter_spans,
    room_a=quarter_spans,
    room_b=quarter_spans,
    count=st.integers(1, 5),
)
def test_free_slots_are_the_earliest_really_free_ones(
    after: int, minutes: int, turnover: int, opening: list, people: list, room_a: list, room_b: list, count: int
) -> None:
    """Against brute force: every 15-minute start inside an open span, nobody busy, a room free through the
    turnover; the first `count` of them, each in the first room of the order that is free."""
    origin = local(MONDAY, 0)

    def spans(pairs: list) -> list[tuple[datetime, datetime]]:  # (start quarter, length in quarters)
        return [(origin + s * QUARTER, origin + (s + n) * QUARTER) for s, n in pairs]

    open_spans, cursor = [], 0  # disjoint and in order, as Availability makes them
    for gap, length in opening:
        open_spans.append((origin + (cursor + gap) * QUARTER, origin + (cursor + gap + length) * QUARTER))
        cursor += gap + length
    start, duration, hold = origin + timedelta(minutes=after), timedelta(minutes=minutes), timedelta(minutes=turnover)
    busy = {ROOM_A: spans(room_a), ROOM_B: spans(room_b)}

    def free(begin: datetime, end: datetime, taken: list) -> bool:
        return all(end <= b or e <= begin for b, e in taken)

    expected = []
    candidate = origin + -(-(start - origin) // QUARTER) * QUARTER
    while len(expected) < count and candidate < open_spans[-1][1]:
        end = candidate + duration
        inside = any(s <= candidate and end <= e for s, e in open_spans)
        rooms = [r for r in (ROOM_B, ROOM_A) if free(candidate, end + hold, busy[r])]
        if inside and free(candidate, end, spans(people)) and rooms:
            expected.append(Slot(candidate, end, rooms[0]))
        candidate += QUARTER
    found = next_free_slots(start, duration, hold, open_spans, spans(people), busy, [ROOM_B, ROOM_A], count=count)
    assert found == expected
