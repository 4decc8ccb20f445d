"""Course planning on a pure calendar: spacing, integration windows, preparation first, clinic hours, closed days,
other bookings, and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from kapdesk.domain.appointments import AppointmentKind, Route
from kapdesk.domain.busy import BusyIndex
from kapdesk.domain.course_plan import PATIENT, PlanContext, Proposed, Shape, move, plan, problems
from kapdesk.domain.courses import StepKey, course_steps
from kapdesk.domain.opening_hours import Availability, WeeklyHours
from kapdesk.domain.protocols import MeasureDue, Phase, ProtocolSpec, Timing, dose_counts

LA = ZoneInfo("America/Los_Angeles")
PRESCRIBER, THERAPIST = 1, 2
DOSING_ROOMS, THERAPY_ROOM = (10, 11), 20
NOW = datetime(2026, 11, 1, tzinfo=UTC)
HOURS = WeeklyHours({d: (time(8), time(18)) for d in range(5)})


def spec(**changes: object) -> ProtocolSpec:
    base = dict(
        name="IV ketamine induction",
        route=Route.IV,
        dose_unit="mg/kg",
        dose_min=0.5,
        dose_max=1.0,
        dose_ceiling=1.5,
        preparation_sessions=1,
        preparation_minutes=60,
        dosing_minutes=120,
        integration_minutes=60,
        integration_min_hours=24,
        integration_max_hours=72,
        min_spacing_hours=36,
        prep_lead_days=1,
        dosing_with_therapist=False,
        phases=(Phase("Induction", 6, 6, 3),),
        measures=(MeasureDue("PHQ-9", Timing.BEFORE_EACH_DOSE),),
    )
    base.update(changes)
    return ProtocolSpec(**base)  # type: ignore[arg-type]


ESKETAMINE = spec(
    route=Route.ESKETAMINE,
    dose_unit="mg",
    dose_min=56,
    dose_max=84,
    dose_ceiling=84,
    min_spacing_hours=48,
    dosing_minutes=135,
    phases=(Phase("Weeks 1–4", 8, 8, 2), Phase("Weeks 5–8", 4, 4, 1)),
)


def context(
    protocol: ProtocolSpec,
    start: date,
    *,
    busy: dict[object, list[tuple[datetime, datetime]]] | None = None,
    closed: dict[date, str] | None = None,
    zone: str = "America/Los_Angeles",
) -> tuple[PlanContext, list[Proposed]]:
    therapy = (PRESCRIBER, THERAPIST) if protocol.dosing_with_therapist else (PRESCRIBER,)
    shapes = {
        AppointmentKind.PREPARATION: Shape(1, protocol.preparation_minutes, 0, (THERAPY_ROOM,), (THERAPIST,)),
        AppointmentKind.DOSING: Shape(2, protocol.dosing_minutes, 15, DOSING_ROOMS, therapy),
        AppointmentKind.INTEGRATION: Shape(3, protocol.integration_minutes, 0, (THERAPY_ROOM,), (THERAPIST,)),
    }
    counts = dose_counts(protocol, protocol.doses_min)
    availability = Availability(zone, HOURS, closed or {})
    ctx = PlanContext(
        protocol, counts, start, NOW, availability, shapes, BusyIndex(busy or {}, timedelta(hours=14)), {}, {}
    )
    sessions = [Proposed(key, phase, None, None, None) for key, phase in course_steps(1, counts)]
    return ctx, sessions


def of(kind: AppointmentKind, placed: list[Proposed]) -> list[Proposed]:
    return sorted((p for p in placed if p.key.kind is kind), key=lambda p: p.key.number)


def local(instant: datetime | None, zone: ZoneInfo = LA) -> datetime:
    assert instant is not None
    return instant.astimezone(zone)


def test_an_iv_induction_is_six_doses_three_a_week_each_followed_by_integration() -> None:
    ctx, sessions = context(spec(), date(2026, 11, 2))  # a Monday
    placed = plan(ctx, sessions)
    assert problems(ctx, placed) == {}
    prep, doses, integrations = (
        of(AppointmentKind.PREPARATION, placed),
        of(AppointmentKind.DOSING, placed),
        of(AppointmentKind.INTEGRATION, placed),
    )
    assert [local(p.starts_at).date() for p in prep] == [date(2026, 11, 2)]
    assert len(doses) == 6 and len(integrations) == 6
    days = [local(d.starts_at).date() for d in doses]
    assert days[0] == date(2026, 11, 3)  # the day after preparation (prep_lead_days = 1)
    assert all(local(d.starts_at).weekday() < 5 for d in doses)  # never on a weekend: the clinic is closed
    assert (days[-1] - days[0]).days <= 21  # 2–3 a week: done within three weeks
    for before, after in pairwise(doses):
        assert after.starts_at - before.starts_at >= timedelta(hours=36)
    for dose, integration in zip(doses, integrations, strict=True):
        assert timedelta(hours=24) <= integration.starts_at - dose.ends_at <= timedelta(hours=72)
    for integration, next_dose in zip(integrations, doses[1:], strict=False):
        assert integration.ends_at <= next_dose.starts_at
    for each in placed:  # within 08–18 wall clock
        assert time(8) <= local(each.starts_at).time() and local(each.ends_at).time() <= time(18)


def test_esketamine_is_twice_weekly_for_four_weeks_then_weekly() -> None:
    ctx, sessions = context(ESKETAMINE, date(2026, 11, 2))
    placed = plan(ctx, sessions)
    assert problems(ctx, placed) == {}
    doses = of(AppointmentKind.DOSING, placed)
    assert len(doses) == 12
    first = local(doses[0].starts_at).date()
    weeks = [(local(d.starts_at).date() - first).days // 7 for d in doses]
    assert weeks[:8].count(0) == 2 and weeks[:8].count(3) == 2  # two a week in weeks 1–4
    gaps = [(local(b.starts_at).date() - local(a.starts_at).date()).days for a, b in pairwise(doses[8:])]
    assert all(g >= 7 for g in gaps[1:])  # then weekly


def test_a_closed_day_and_other_bookings_are_planned_around() -> None:
    thanksgiving = date(2026, 11, 26)
    blocked = datetime.combine(date(2026, 11, 3), time(8), tzinfo=LA).astimezone(UTC)
    busy = {("room", 10): [(blocked, blocked + timedelta(hours=10))], PRESCRIBER: []}
    ctx, sessions = context(spec(), date(2026, 11, 23), closed={thanksgiving: "Thanksgiving"})
    placed = plan(ctx, sessions)
    assert thanksgiving not in {local(p.starts_at).date() for p in placed}
    ctx2, sessions2 = context(spec(), date(2026, 11, 2), busy=busy)
    first_dose = of(AppointmentKind.DOSING, plan(ctx2, sessions2))[0]
    assert first_dose.room_id == 11  # suite 1 was taken all day: the other dosing room
    patient_busy = {PATIENT: [(blocked, blocked + timedelta(hours=10))]}
    ctx3, sessions3 = context(spec(), date(2026, 11, 2), busy=patient_busy)
    assert local(of(AppointmentKind.DOSING, plan(ctx3, sessions3))[0].starts_at).date() == date(2026, 11, 4)


def test_a_dose_moves_to_a_day_whose_integration_window_has_room_rather_than_leaving_it_unplaced() -> None:
    # The prescriber is booked until 16:00 on Thursday: a dose then ends at 18:00 and its 24–72 h window falls on
    # Friday evening and the closed weekend. Friday's dose leaves Monday morning inside the window.
    thursday = datetime.combine(date(2026, 11, 5), time(8), tzinfo=LA).astimezone(UTC)
    ctx, sessions = context(spec(), date(2026, 11, 4), busy={PRESCRIBER: [(thursday, thursday + timedelta(hours=8))]})
    placed = plan(ctx, sessions)
    assert problems(ctx, placed) == {}
    dose, integration = of(AppointmentKind.DOSING, placed)[0], of(AppointmentKind.INTEGRATION, placed)[0]
    assert local(dose.starts_at) == datetime(2026, 11, 6, 8, tzinfo=LA)
    assert local(integration.starts_at).date() == date(2026, 11, 9)
    assert integration.starts_at - dose.ends_at <= timedelta(hours=72)


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("America/Los_Angeles", date(2027, 3, 8)),
        ("Europe/London", date(2027, 3, 22)),
        ("America/Los_Angeles", date(2026, 10, 26)),
    ],
)
def test_across_a_dst_change_sessions_keep_wall_clock_hours_and_real_spacing(zone: str, start: date) -> None:
    tz = ZoneInfo(zone)
    ctx, sessions = context(ESKETAMINE, start, zone=zone)
    placed = plan(ctx, sessions)
    assert problems(ctx, placed) == {}
    for each in placed:
        assert time(8) <= local(each.starts_at, tz).time() and local(each.ends_at, tz).time() <= time(18)
    doses = of(AppointmentKind.DOSING, placed)
    first_time = local(doses[0].starts_at, tz).time()
    assert sum(local(d.starts_at, tz).time() == first_time for d in doses) >= 10  # a steady time of day


def test_moving_a_dose_takes_its_integration_along_and_spacing_is_rechecked() -> None:
    ctx, sessions = context(spec(), date(2026, 11, 2))
    placed = plan(ctx, sessions)
    dose2, after2 = StepKey(AppointmentKind.DOSING, 2), StepKey(AppointmentKind.INTEGRATION, 2)
    before = {p.key: p for p in placed}
    later = before[dose2].starts_at + timedelta(hours=2)
    moved = {p.key: p for p in move(ctx, placed, dose2, later)}
    assert moved[dose2].starts_at == later
    assert moved[after2].starts_at - before[after2].starts_at == timedelta(hours=2)
    dose1 = before[StepKey(AppointmentKind.DOSING, 1)]
    too_close = move(ctx, placed, dose2, dose1.starts_at + timedelta(hours=26))
    found = problems(ctx, too_close)
    assert any("at least 36 h" in text for text in found[dose2])


def test_an_integration_outside_its_window_or_preparation_after_a_dose_is_named() -> None:
    ctx, sessions = context(spec(), date(2026, 11, 2))
    placed = {p.key: p for p in plan(ctx, sessions)}
    after1 = placed[StepKey(AppointmentKind.INTEGRATION, 1)]
    shifted = [
        p
        if p.key != after1.key
        else Proposed(p.key, p.phase, p.starts_at + timedelta(days=3), p.ends_at + timedelta(days=3), p.room_id)
        for p in placed.values()
    ]
    assert any("window is 24–72 h" in t for t in problems(ctx, shifted)[after1.key])
    prep = placed[StepKey(AppointmentKind.PREPARATION, 1)]
    late = [
        p
        if p.key != prep.key
        else Proposed(p.key, p.phase, p.starts_at + timedelta(days=1), p.ends_at + timedelta(days=1), p.room_id)
        for p in placed.values()
    ]
    assert any("before the first dose" in t for t in problems(ctx, late)[prep.key])


def test_a_session_in_the_past_or_outside_hours_or_on_a_taken_room_is_a_problem() -> None:
    ctx, sessions = context(spec(), date(2026, 11, 2))
    placed = plan(ctx, sessions)
    dose1 = StepKey(AppointmentKind.DOSING, 1)
    night = datetime.combine(date(2026, 11, 3), time(20), tzinfo=LA).astimezone(UTC)
    found = problems(ctx, move(ctx, placed, dose1, night))
    assert any("Outside clinic" in t for t in found[dose1])
    past = NOW - timedelta(days=2)
    assert any("In the past" in t for t in problems(ctx, move(ctx, placed, dose1, past))[dose1])
