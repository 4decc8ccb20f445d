"""The scheduling rules as pure functions: series and moves across DST, opening hours and their warnings,
integration windows, booking-form checks and the status path (free slots: test_free_slots.py). No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kapdesk.domain.appointments import (
    TRANSITIONS,
    Appointment,
    AppointmentDraft,
    AppointmentKind,
    Status,
    holds_time,
    may_move_to,
    validate_draft,
)
from kapdesk.domain.integration import IntegrationWindow, integration_warnings
from kapdesk.domain.opening_hours import Availability, TimeOff, WeeklyHours, hours_warnings
from kapdesk.domain.series import Repeat, check_repeat, repeat_starts, shift_wall_clock

LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
EVERY_DAY = WeeklyHours({d: (time(8), time(18)) for d in range(7)})  # so a DST Sunday has hours


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LA) -> datetime:
    """A wall-clock time in `zone` as the UTC instant the rules take."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


# -- series and moves across DST --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "zone", "expected"),
    [
        # Los Angeles springs forward on Sunday 2027-03-14: 09:00 PST is 17:00 UTC, 09:00 PDT 16:00 UTC.
        (
            at(date(2027, 3, 1), 9),
            LA,
            [utc(2027, 3, 1, 17), utc(2027, 3, 8, 17), utc(2027, 3, 15, 16), utc(2027, 3, 22, 16)],
        ),
        # ... and falls back on Sunday 2026-11-01.
        (
            at(date(2026, 10, 19), 9),
            LA,
            [utc(2026, 10, 19, 16), utc(2026, 10, 26, 16), utc(2026, 11, 2, 17), utc(2026, 11, 9, 17)],
        ),
        # London starts summer time on Sunday 2027-03-28: 09:00 GMT is 09:00 UTC, 09:00 BST 08:00 UTC.
        (
            at(date(2027, 3, 15), 9, zone=LONDON),
            LONDON,
            [utc(2027, 3, 15, 9), utc(2027, 3, 22, 9), utc(2027, 3, 29, 8), utc(2027, 4, 5, 8)],
        ),
    ],
    ids=["LA spring forward", "LA fall back", "London spring forward"],
)
def test_a_weekly_series_keeps_its_wall_clock_time_across_dst(
    first: datetime, zone: ZoneInfo, expected: list[datetime]
) -> None:
    starts = repeat_starts(first, Repeat(every_days=7, count=4), zone)
    assert starts == expected
    assert {s.astimezone(zone).time() for s in starts} == {time(9)}


def test_a_daily_series_through_the_dst_sunday_itself() -> None:
    starts = repeat_starts(at(date(2027, 3, 13), 9), Repeat(every_days=1, count=3), LA)
    assert starts == [utc(2027, 3, 13, 17), utc(2027, 3, 14, 16), utc(2027, 3, 15, 16)]


@given(
    zone=st.sampled_from([LA, LONDON, ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")]),
    day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    quarter=st.integers(7 * 4, 20 * 4),  # clinic times: never in a DST gap or overlap
    every_days=st.integers(1, 28),
    count=st.integers(2, 52),
)
def test_every_repeat_is_on_its_day_at_the_first_ones_local_time(
    zone: ZoneInfo, day: date, quarter: int, every_days: int, count: int
) -> None:
    first = at(day, quarter // 4, quarter % 4 * 15, zone)
    starts = repeat_starts(first, Repeat(every_days, count), zone)
    assert len(starts) == count and starts[0] == first
    for n, start in enumerate(starts):
        local = start.astimezone(zone)
        assert local.date() == day + timedelta(days=n * every_days)
        assert local.time() == time(quarter // 4, quarter % 4 * 15)
        assert start.tzinfo is UTC


@pytest.mark.parametrize(
    ("repeat", "valid"),
    [(Repeat(7, 2), True), (Repeat(28, 52), True), (Repeat(0, 4), False), (Repeat(29, 4), False),
     (Repeat(7, 1), False), (Repeat(7, 53), False)],
)  # fmt: skip
def test_series_size_and_interval_limits(repeat: Repeat, valid: bool) -> None:
    errors = check_repeat(repeat)
    assert (errors == []) is valid
    assert all(e.field == "repeat" for e in errors)


def test_moving_this_and_following_shifts_by_wall_clock_not_by_hours() -> None:
    """Friday 09:00 (PST) moved to Monday 09:00 (PDT): 72 wall-clock hours but 71 real ones. The following
    Friday's appointment (already PDT) must land on its Monday at 09:00, not 08:00."""
    old, new = at(date(2027, 3, 12), 9), at(date(2027, 3, 15), 9)
    assert new - old == timedelta(hours=71)
    later = at(date(2027, 3, 19), 9)
    assert shift_wall_clock(later, old, new, LA) == at(date(2027, 3, 22), 9) == utc(2027, 3, 22, 16)
    # Autumn: Friday 2026-10-30 09:00 PDT to Monday 11-02 10:00 PST, applied to a member a week on.
    old, new = at(date(2026, 10, 30), 9), at(date(2026, 11, 2), 10)
    assert shift_wall_clock(at(date(2026, 11, 6), 9), old, new, LA) == at(date(2026, 11, 9), 10)


@given(
    when=st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31)),
    old_day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    shift_days=st.integers(-60, 60),
    old_quarter=st.integers(7 * 4, 20 * 4),
    new_quarter=st.integers(7 * 4, 20 * 4),
)
def test_shifting_back_undoes_a_shift(
    when: datetime, old_day: date, shift_days: int, old_quarter: int, new_quarter: int
) -> None:
    when = at(when.date(), 7 + when.hour % 13, when.minute // 15 * 15)
    old = at(old_day, old_quarter // 4, old_quarter % 4 * 15)
    new = at(old_day + timedelta(days=shift_days), new_quarter // 4, new_quarter % 4 * 15)
    wall = [t.astimezone(LA).replace(tzinfo=None) for t in (when, old, new)]
    assume(3 <= (wall[0] + (wall[2] - wall[1])).hour <= 22)  # a time the clocks skip or repeat can't round-trip
    moved = shift_wall_clock(when, old, new, LA)
    assert moved.astimezone(LA).replace(tzinfo=None) - wall[0] == wall[2] - wall[1]
    assert shift_wall_clock(moved, new, old, LA) == when


# -- opening hours on DST days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "day_length", "expected"),
    [
        (date(2027, 3, 14), timedelta(hours=23), (utc(2027, 3, 14, 15), utc(2027, 3, 15, 1))),
        (date(2026, 11, 1), timedelta(hours=25), (utc(2026, 11, 1, 16), utc(2026, 11, 2, 2))),
    ],
    ids=["spring forward", "fall back"],
)
def test_a_dst_day_still_opens_08_to_18_local(day: date, day_length: timedelta, expected: tuple) -> None:
    assert at(day + timedelta(days=1), 0) - at(day, 0) == day_length
    availability = Availability("America/Los_Angeles", clinic=EVERY_DAY)
    assert availability.clinic_span(day) == expected
    assert availability.open_spans(day, [1, 2]) == [expected]
    start, end = expected
    assert end - start == timedelta(hours=10)
    assert (start.astimezone(LA).time(), end.astimezone(LA).time()) == (time(8), time(18))


def test_open_spans_are_what_everyone_named_can_do_together() -> None:
    sunday = date(2027, 3, 14)
    availability = Availability(
        "America/Los_Angeles",
        clinic=EVERY_DAY,
        working={1: WeeklyHours({6: (time(9), time(17))}), 3: WeeklyHours({0: (time(9), time(17))})},
        time_off=(
            TimeOff(1, 1, at(sunday, 12), at(sunday, 13), "lunch talk"),
            TimeOff(2, 2, at(sunday, 7), at(sunday, 10), ""),
        ),
    )
    assert availability.open_spans(sunday, []) == [(at(sunday, 8), at(sunday, 18))]
    assert availability.open_spans(sunday, [1]) == [(at(sunday, 9), at(sunday, 12)), (at(sunday, 13), at(sunday, 17))]
    assert availability.open_spans(sunday, [1, 2]) == [
        (at(sunday, 10), at(sunday, 12)),
        (at(sunday, 13), at(sunday, 17)),
    ]
    assert availability.open_spans(sunday, [3]) == []  # works Mondays only
    closed = Availability("America/Los_Angeles", clinic=EVERY_DAY, closed_days={sunday: "DST party"})
    assert closed.clinic_span(sunday) is None and closed.open_spans(sunday, []) == []


# -- hours warnings ---------------------------------------------------------------------------------------

MONDAY = date(2026, 11, 23)
HOUR, QUARTER = timedelta(hours=1), timedelta(minutes=15)
THANKSGIVING = date(2026, 11, 26)


def warned(availability: Availability, day: date, start: int, end: int, who: dict[int, str] | None = None) -> list[str]:
    return hours_warnings(availability, at(day, start), at(day, end), who or {})


def test_hours_warnings_name_the_reason() -> None:
    clinic = Availability(
        "America/Los_Angeles",
        closed_days={THANKSGIVING: "Thanksgiving", MONDAY + timedelta(days=4): ""},
        working={7: WeeklyHours({0: (time(10), time(14))}), 8: WeeklyHours({1: (time(8), time(18))})},
        time_off=(
            TimeOff(1, 9, at(MONDAY, 12), at(MONDAY, 13), "conference"),
            TimeOff(2, 9, at(MONDAY, 15), at(MONDAY, 16), ""),
        ),
    )
    assert warned(clinic, MONDAY, 8, 18) == []  # opening to closing, exactly
    assert warned(clinic, MONDAY, 7, 9) == ["It is outside clinic hours (08:00–18:00)."]
    assert warned(clinic, MONDAY, 17, 19) == ["It is outside clinic hours (08:00–18:00)."]
    assert warned(clinic, THANKSGIVING, 9, 10) == ["The clinic is closed on Thursday Nov 26 (Thanksgiving)."]
    assert warned(clinic, MONDAY + timedelta(days=4), 9, 10) == ["The clinic is closed on Friday Nov 27."]
    assert warned(clinic, MONDAY + timedelta(days=5), 9, 10) == ["The clinic is closed on Saturdays."]
    assert warned(clinic, MONDAY, 9, 11, {7: "Dr Vega"}) == ["It is outside Dr Vega's working hours (10:00–14:00)."]
    assert warned(clinic, MONDAY, 10, 14, {7: "Dr Vega"}) == []
    assert warned(clinic, MONDAY, 9, 10, {8: "Nurse Kim"}) == ["Nurse Kim doesn't work on Mondays."]
    assert warned(clinic, MONDAY, 9, 10, {9: "Sam"}) == []  # no hours of their own: the clinic's
    assert warned(clinic, MONDAY, 11, 13, {9: "Sam"}) == ["Sam is off then (conference)."]
    assert warned(clinic, MONDAY, 13, 15, {9: "Sam"}) == []  # between the two, touching both
    assert warned(clinic, MONDAY, 15, 16, {9: "Sam"}) == ["Sam is off then."]
    assert warned(clinic, MONDAY, 7, 13, {7: "Dr Vega", 9: "Sam"}) == [
        "It is outside clinic hours (08:00–18:00).",
        "It is outside Dr Vega's working hours (10:00–14:00).",
        "Sam is off then (conference).",
    ]


def test_a_dst_sunday_warns_in_local_hours() -> None:
    clinic = Availability("America/Los_Angeles", clinic=EVERY_DAY)
    assert warned(clinic, date(2027, 3, 14), 8, 18) == []
    assert warned(clinic, date(2026, 11, 1), 17, 19) == ["It is outside clinic hours (08:00–18:00)."]


# -- integration after dosing -----------------------------------------------------------------------------

WINDOW = IntegrationWindow()
_ids = iter(range(1, 10_000))


def appointment(
    kind: AppointmentKind, start: datetime, *, patient: int = 1, status: Status = Status.SCHEDULED
) -> Appointment:
    length = timedelta(hours=2) if kind is AppointmentKind.DOSING else HOUR
    id_ = next(_ids)
    return Appointment(
        id=id_, uid=f"u{id_}", patient_id=patient, chart_number="KD-000001", patient_name="Doe, Jo",
        patient_initials="J.D.", type_id=1, type_name=kind.label, kind=kind, route=None, clinician_ids=(1,),
        clinician_names=("Dr A",), room_id=1, room_name="Room", starts_at=start, ends_at=start + length,
        room_free_at=start + length, status=status, cancel_reason="", series_id=None, notes="", override_reason="",
        escort_named=True, version=1,
    )  # fmt: skip


DOSE_END = at(MONDAY, 11)  # a dosing session 09:00–11:00


@pytest.mark.parametrize(
    ("after_hours", "warning"),
    [
        (None, "No integration appointment booked (24–72 h after the session)."),
        (12, "The integration appointment is under 24 h after the session."),
        (24, None),
        (48, None),
        (72, None),
        (73, "The integration appointment is over 72 h after the session."),
    ],
)
def test_each_dosing_session_wants_an_integration_24_to_72_hours_after(
    after_hours: int | None, warning: str | None
) -> None:
    dose = appointment(AppointmentKind.DOSING, at(MONDAY, 9))
    booked = [dose]
    if after_hours is not None:
        booked.append(appointment(AppointmentKind.INTEGRATION, DOSE_END + timedelta(hours=after_hours)))
    assert integration_warnings(booked, WINDOW).get(dose.id) == warning


def test_integration_warnings_ignore_what_does_not_count() -> None:
    dose = appointment(AppointmentKind.DOSING, at(MONDAY, 9))
    in_two_days = DOSE_END + timedelta(hours=48)
    cancelled = appointment(AppointmentKind.INTEGRATION, in_two_days, status=Status.CANCELLED)
    someone_elses = appointment(AppointmentKind.INTEGRATION, in_two_days, patient=2)
    a_follow_up = appointment(AppointmentKind.FOLLOW_UP, in_two_days)
    assert "No integration" in integration_warnings([dose, cancelled, someone_elses, a_follow_up], WINDOW)[dose.id]
    assert (
        integration_warnings([appointment(AppointmentKind.DOSING, at(MONDAY, 9), status=Status.CANCELLED)], WINDOW)
        == {}
    )
    assert (
        integration_warnings([appointment(AppointmentKind.DOSING, at(MONDAY, 9), status=Status.NO_SHOW)], WINDOW) == {}
    )


def test_a_second_dosing_session_before_any_integration_leaves_the_first_without_one() -> None:
    first = appointment(AppointmentKind.DOSING, at(MONDAY, 9))
    second = appointment(AppointmentKind.DOSING, at(MONDAY + timedelta(days=1), 9))
    integration = appointment(AppointmentKind.INTEGRATION, at(MONDAY + timedelta(days=2), 14))
    warnings = integration_warnings([integration, second, first], WINDOW)  # any order
    assert warnings == {first.id: "No integration appointment booked (24–72 h after the session)."}


def test_the_integration_window_is_a_setting() -> None:
    dose = appointment(AppointmentKind.DOSING, at(MONDAY, 9))
    follow = appointment(AppointmentKind.INTEGRATION, DOSE_END + timedelta(hours=12))
    assert integration_warnings([dose, follow], IntegrationWindow(6, 24)) == {}
    late = integration_warnings([dose, follow], IntegrationWindow(1, 6))[dose.id]
    assert late == "The integration appointment is over 6 h after the session."


# -- the booking form and the status path -----------------------------------------------------------------

NINE = at(MONDAY, 9)
FORM = AppointmentDraft(1, 1, (3, 3, 4), 1, NINE, NINE + HOUR, "  bring water  ")


@pytest.mark.parametrize(
    ("ends_at", "message"),
    [
        (NINE - QUARTER, "The end is before the start."),
        (NINE, "The appointment has no length: the end is the same as the start."),
        (NINE + timedelta(hours=12, minutes=1), "An appointment can't last more than 12 hours."),
    ],
    ids=["end before start", "zero length", "over 12 hours"],
)
def test_impossible_times_are_named_at_the_end_field(ends_at: datetime, message: str) -> None:
    _, errors = validate_draft(AppointmentDraft(1, 1, (3,), 1, NINE, ends_at))
    assert [(e.field, e.message) for e in errors] == [("end", message)]


def test_a_good_form_is_tidied_and_each_missing_choice_named() -> None:
    clean, errors = validate_draft(FORM)
    assert errors == [] and clean.notes == "bring water" and clean.clinician_ids == (3, 4)
    assert validate_draft(AppointmentDraft(1, 1, (3,), 1, NINE, NINE + timedelta(hours=12)))[1] == []
    _, errors = validate_draft(AppointmentDraft(None, None, (), None, None, None, "n" * 501))
    assert [e.field for e in errors] == ["patient", "type", "clinicians", "room", "start", "notes"]
    with pytest.raises(ValueError, match="aware"):
        validate_draft(AppointmentDraft(1, 1, (3,), 1, datetime(2026, 11, 23, 9), datetime(2026, 11, 23, 10)))


S = Status
ALLOWED = {
    (S.SCHEDULED, S.ARRIVED), (S.SCHEDULED, S.CANCELLED), (S.SCHEDULED, S.NO_SHOW),
    (S.ARRIVED, S.COMPLETED), (S.ARRIVED, S.SCHEDULED), (S.ARRIVED, S.CANCELLED),
}  # fmt: skip


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_the_status_path(current: Status, new: Status) -> None:
    """Checking in by mistake can be undone; completed, cancelled and no-show are final."""
    assert may_move_to(current, new) is ((current, new) in ALLOWED)
    assert (new in TRANSITIONS[current]) is ((current, new) in ALLOWED)


def test_only_cancelled_appointments_free_their_time() -> None:
    assert [s for s in Status if not holds_time(s)] == [Status.CANCELLED]
