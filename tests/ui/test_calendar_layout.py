"""The calendar's geometry without Qt: which column an appointment is in, where it sits, lanes, DST, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from kapdesk.ui.schedule import navigation
from kapdesk.ui.schedule.layout import (
    FREE_MARGIN,
    GUTTER,
    HEADER,
    Column,
    Grid,
    Placement,
    closed_minutes,
    to_utc,
)

LA = ZoneInfo("America/Los_Angeles")
DAY = date(2026, 11, 17)  # a Tuesday, Pacific Standard Time


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LA) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def appointment(
    id: int,
    starts_at: datetime,
    minutes: int = 60,
    clinicians: tuple[int, ...] = (1,),
    room: int = 1,
    kind: AppointmentKind = AppointmentKind.INTEGRATION,
    status: Status = Status.SCHEDULED,
    turnover: int = 0,
) -> Appointment:
    ends_at = starts_at + timedelta(minutes=minutes)
    return Appointment(
        id=id,
        uid=f"uid-{id}",
        patient_id=100 + id,
        chart_number=f"C{id:04d}",
        patient_name=f"Patient{id}, Pat",
        patient_initials="P.P.",
        type_id=1,
        type_name=kind.label,
        kind=kind,
        route=None,
        clinician_ids=clinicians,
        clinician_names=tuple(f"Clinician {c}" for c in clinicians),
        room_id=room,
        room_name=f"Room {room}",
        starts_at=starts_at,
        ends_at=ends_at,
        room_free_at=ends_at + timedelta(minutes=turnover),
        status=status,
        cancel_reason="",
        series_id=None,
        notes="",
        override_reason="",
        escort_named=True,
        version=1,
    )


def clinician_day(*clinicians: int, day: date = DAY) -> tuple[Column, ...]:
    return tuple(Column(f"c{c}", f"Clinician {c}", day, c, None) for c in clinicians)


def week(first: date, clinician: int = 1) -> tuple[Column, ...]:
    days = [first + timedelta(days=n) for n in range(7)]
    return tuple(Column(d.isoformat(), f"{d:%a %d}", d, clinician, None) for d in days)


def grid_of(columns: tuple[Column, ...], first_hour: int = 8, last_hour: int = 18) -> Grid:
    return Grid(columns, first_hour, last_hour, column_width=150, hour_height=48)


def y_of_local(hour: int, minute: int = 0, first_hour: int = 8) -> float:
    """What the tests expect, written out: the header, then 48 px per hour from the first hour shown."""
    return HEADER + (hour - first_hour) * 48 + minute * 48 / 60


def test_an_appointment_with_two_clinicians_shows_in_both_of_their_columns_only() -> None:
    shared = appointment(1, at(DAY, 10), clinicians=(1, 3))
    placement = Placement(grid_of(clinician_day(1, 2, 3)), [shared], LA)

    assert [len(blocks) for blocks in placement.columns] == [1, 0, 1]
    first, third = placement.columns[0][0], placement.columns[2][0]
    assert first.y == third.y == y_of_local(10)
    assert first.x == GUTTER and third.x == GUTTER + 2 * 150
    assert first.h == 48


def test_room_columns_show_each_room_s_appointments() -> None:
    columns = (Column("r1", "Room 1", DAY, None, 1), Column("r2", "Room 2", DAY, None, 2))
    placement = Placement(grid_of(columns), [appointment(1, at(DAY, 9), room=2)], LA)

    assert [len(blocks) for blocks in placement.columns] == [0, 1]


def test_a_week_puts_each_appointment_in_its_local_day_s_column() -> None:
    monday = date(2026, 11, 16)
    # 23:30 on Wednesday in Los Angeles is already Thursday in UTC: it still belongs to Wednesday.
    late = appointment(1, at(monday + timedelta(days=2), 17, 30), minutes=30)
    other_clinician = appointment(2, at(monday, 10), clinicians=(2,))
    placement = Placement(grid_of(week(monday), 8, 20), [late, other_clinician], LA)

    assert [len(blocks) for blocks in placement.columns] == [0, 0, 1, 0, 0, 0, 0]
    assert placement.columns[2][0].y == y_of_local(17, 30)


@pytest.mark.parametrize("change", [date(2026, 3, 8), date(2026, 11, 1)], ids=["spring forward", "fall back"])
def test_nine_o_clock_is_on_the_nine_o_clock_line_on_both_sides_of_a_dst_change(change: date) -> None:
    columns = week(change - timedelta(days=3))
    days = [change - timedelta(days=2), change, change + timedelta(days=2)]
    nines = [appointment(n, at(day, 9)) for n, day in enumerate(days)]
    assert len({a.starts_at.time() for a in nines}) == 2  # the UTC times differ by the hour that changed

    placement = Placement(grid_of(columns), nines, LA)

    blocks = [placement.block(a.id) for a in nines]
    assert [b.y for b in blocks if b] == [y_of_local(9)] * 3
    assert [b.column for b in blocks if b] == [1, 3, 5]
    assert all(b.h == 48 for b in blocks if b)


@pytest.mark.parametrize(("day", "utc_hour"), [(date(2026, 3, 6), 17), (date(2026, 3, 8), 16), (date(2026, 3, 9), 16)])
def test_a_time_on_the_grid_turns_into_the_instant_local_clocks_show_it(day: date, utc_hour: int) -> None:
    grid = grid_of(week(date(2026, 3, 5)))

    minutes = grid.snapped_minutes_at(y_of_local(9, 2))  # two minutes past the line snaps back to it

    assert minutes == 9 * 60
    assert to_utc(day, minutes, LA) == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)


def test_a_cancelled_appointment_and_its_rebooking_share_the_column_side_by_side() -> None:
    cancelled = appointment(1, at(DAY, 10), status=Status.CANCELLED)
    rebooked = appointment(2, at(DAY, 10))
    later = appointment(3, at(DAY, 12))
    placement = Placement(grid_of(clinician_day(1)), [rebooked, cancelled, later], LA)

    left, right, alone = placement.columns[0]
    lane = (150 - FREE_MARGIN) / 2
    assert (left.appointment.id, right.appointment.id) == (1, 2)  # a stable order: by id when times tie
    assert (left.x, right.x) == (GUTTER, GUTTER + lane)
    assert left.w == right.w == lane
    assert alone.w == 150 - FREE_MARGIN  # overlaps elsewhere in the day don't narrow it


def test_a_lane_is_reused_once_its_appointment_has_ended() -> None:
    first = appointment(1, at(DAY, 9))
    overlapping = appointment(2, at(DAY, 9, 30))
    after_first = appointment(3, at(DAY, 10))  # overlaps the second only
    placement = Placement(grid_of(clinician_day(1)), [first, overlapping, after_first], LA)

    blocks = {b.appointment.id: b for b in placement.columns[0]}
    assert blocks[3].x == blocks[1].x != blocks[2].x
    assert {b.w for b in blocks.values()} == {(150 - FREE_MARGIN) / 2}


def test_a_dosing_session_s_turnover_is_a_tail_in_its_room_column_and_keeps_the_next_one_beside_it() -> None:
    dosing = appointment(1, at(DAY, 9), minutes=120, kind=AppointmentKind.DOSING, turnover=30)
    in_the_reset = appointment(2, at(DAY, 11, 15), clinicians=(2,))
    room = (Column("r1", "Room 1", DAY, None, 1),)
    placement = Placement(grid_of(room + clinician_day(1)), [dosing, in_the_reset], LA)

    session, next_one = placement.columns[0]
    assert session.h == 96 and session.tail == 24
    assert next_one.x != session.x  # the tail still holds the room, so they overlap
    clinician_block = placement.columns[1][0]
    assert clinician_block.tail == 0  # a clinician is free at the end; only the room needs resetting


def test_a_cancelled_dosing_session_leaves_no_turnover() -> None:
    dosing = appointment(1, at(DAY, 9), kind=AppointmentKind.DOSING, turnover=30, status=Status.CANCELLED)
    placement = Placement(grid_of((Column("r1", "Room 1", DAY, None, 1),)), [dosing], LA)

    assert placement.columns[0][0].tail == 0


def test_appointments_outside_the_hours_shown_are_left_out_and_straddling_ones_clipped() -> None:
    early = appointment(1, at(DAY, 6))
    straddling = appointment(2, at(DAY, 7, 30))
    placement = Placement(grid_of(clinician_day(1)), [early, straddling], LA)

    (block,) = placement.columns[0]
    assert block.appointment.id == 2
    assert (block.y, block.h) == (HEADER, 24)
    assert block.start == 7 * 60 + 30  # the real start is kept for dragging


def test_hit_testing_finds_the_lane_under_the_pointer_and_nothing_in_the_free_margin() -> None:
    one, two = appointment(1, at(DAY, 10)), appointment(2, at(DAY, 10, 30))
    placement = Placement(grid_of(clinician_day(1, 2)), [one, two], LA)
    lane = (150 - FREE_MARGIN) / 2

    assert placement.at(GUTTER + 5, y_of_local(10, 45)).appointment.id == 1  # type: ignore[union-attr]
    assert placement.at(GUTTER + lane + 5, y_of_local(10, 45)).appointment.id == 2  # type: ignore[union-attr]
    assert placement.at(GUTTER + 150 - 3, y_of_local(10, 45)) is None
    assert placement.at(GUTTER + 5, y_of_local(11, 1)) is None
    assert placement.at(GUTTER + 150 + 5, y_of_local(10, 45)) is None


def test_only_blocks_reaching_into_a_strip_are_found_for_painting() -> None:
    many = [appointment(n, at(DAY, 8) + timedelta(minutes=30 * n), minutes=30) for n in range(18)]
    placement = Placement(grid_of(clinician_day(1)), many, LA)

    found = placement.within(0, y_of_local(10, 10), y_of_local(10, 50))

    assert [b.appointment.id for b in found] == [4, 5]


def test_closed_time_is_what_lies_outside_the_open_spans() -> None:
    column = clinician_day(1)[0]
    spans = [(at(DAY, 13), at(DAY, 18)), (at(DAY, 8), at(DAY, 12))]

    closed = closed_minutes(grid_of((column,), 7, 20), column, spans, LA)

    assert closed == [(7 * 60, 8 * 60), (12 * 60, 13 * 60), (18 * 60, 20 * 60)]
    assert closed_minutes(grid_of((column,), 7, 20), column, [], LA) == [(7 * 60, 20 * 60)]


def test_keyboard_steps_go_by_time_in_a_column_and_to_the_nearest_across() -> None:
    in_first = [appointment(1, at(DAY, 9)), appointment(2, at(DAY, 12))]
    in_third = [appointment(3, at(DAY, 11, 30), clinicians=(3,)), appointment(4, at(DAY, 16), clinicians=(3,))]
    placement = Placement(grid_of(clinician_day(1, 2, 3)), in_first + in_third, LA)
    first = placement.block(1)
    assert first is not None

    assert navigation.step_in_column(placement, None, 0, 1) is first
    assert navigation.step_in_column(placement, first, 0, -1) is None
    nxt = navigation.step_in_column(placement, first, 0, 1)
    assert nxt is not None and nxt.appointment.id == 2
    assert navigation.step_across(placement, nxt, 0, 1, 0) == (1, None)  # an empty column still takes focus
    column, across = navigation.step_across(placement, nxt, 1, 1, 0) or (None, None)
    assert (column, across and across.appointment.id) == (2, 3)
    assert navigation.step_across(placement, across, 2, 1, 0) is None


def test_home_goes_to_the_first_appointment_or_the_opening_hour_whichever_is_earlier() -> None:
    grid = grid_of(clinician_day(1, 2), 6, 20)
    closed = [[(6 * 60, 8 * 60)], [(6 * 60, 9 * 60)]]

    assert navigation.start_y(Placement(grid, [appointment(1, at(DAY, 10))], LA), closed) == y_of_local(8, 0, 6)
    early = Placement(grid, [appointment(1, at(DAY, 7))], LA)
    assert navigation.start_y(early, closed) == y_of_local(7, 0, 6)
