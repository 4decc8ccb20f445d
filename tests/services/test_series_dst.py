"""Series changed "this and the following" around the 2027 spring-forward (Sunday 14 March in the clinic's zone):
each member keeps its wall-clock time, and a later member carried far ahead is still on record and on the
calendar that covers it (the booking state machine once lost sight of one past its fixed page's end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kapdesk.domain.appointments import Appointment, Status
from kapdesk.domain.series import Repeat, Scope
from tests.schedule_world import ZONE, build_world, draft, local

MACHINE_PAGE_END = datetime(2027, 5, 1, tzinfo=UTC)  # the end of the state machine's old fixed page


@pytest.fixture
def world(clinic):  # type: ignore[no-untyped-def]
    return build_world(clinic)


def drag_to_the_end_of(clinic, target: Appointment, neighbour: Appointment) -> list[Appointment]:  # type: ignore[no-untyped-def]
    length = target.ends_at - target.starts_at
    return clinic.booking.move(
        target.id,
        target.version,
        neighbour.ends_at,
        neighbour.ends_at + length,
        scope=Scope.FOLLOWING,
        override_reason="only time that works",
    ).value


def test_dragging_a_member_to_its_last_members_end_carries_the_rest_weeks_on_and_loses_none(clinic, world) -> None:
    """The saved failing example, reduced: a weekly series from the Monday after the change, dragged twice."""
    first, second, third, fourth = clinic.booking.book(
        draft(world, local(date(2027, 3, 15), 8, 30), 15), repeat=Repeat(every_days=7, count=4)
    ).value
    moved = drag_to_the_end_of(clinic, third, fourth)
    assert [a.id for a in moved] == [third.id, fourth.id]
    assert [a.starts_at for a in moved] == [local(date(2027, 4, 5), 8, 45), local(date(2027, 4, 12), 8, 45)]
    third, fourth = moved
    moved = drag_to_the_end_of(clinic, second, fourth)
    assert [a.id for a in moved] == [second.id, third.id, fourth.id]
    # Each shifted by the same wall-clock distance (21 days 30 minutes): the last lands in May.
    assert [a.starts_at for a in moved] == [
        local(date(2027, 4, 12), 9),
        local(date(2027, 4, 26), 9, 15),
        local(date(2027, 5, 3), 9, 15),
    ]
    everything = clinic.calendar.page(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))
    assert [(a.id, a.starts_at, a.version) for a in everything.appointments] == [
        (a.id, a.starts_at, a.version) for a in [first, *moved]
    ]
    assert all(a.status is Status.SCHEDULED for a in everything.appointments)
    # A page that ends before it rightly leaves the last one out; nothing else is missing from it.
    april = clinic.calendar.page(datetime(2027, 3, 1, tzinfo=UTC), MACHINE_PAGE_END)
    assert [a.id for a in april.appointments] == [first.id, second.id, third.id]


def test_a_daily_series_across_the_change_moves_and_cancels_by_wall_clock(clinic, world) -> None:
    booked = clinic.booking.book(
        draft(world, local(date(2027, 3, 12), 9), 60), repeat=Repeat(every_days=1, count=4), override_reason="weekend"
    ).value
    assert [a.starts_at.astimezone(ZONE).hour for a in booked] == [9, 9, 9, 9]
    assert [a.starts_at.astimezone(ZONE).utcoffset() for a in booked] == [timedelta(hours=h) for h in (-8, -8, -7, -7)]
    assert booked[2].starts_at - booked[1].starts_at == timedelta(hours=23)  # Saturday → Sunday, the short day
    # Saturday's and the following, to 10:30 on the same days: Sunday's and Monday's stay at 10:30 local too.
    saturday = booked[1]
    moved = clinic.booking.move(
        saturday.id,
        saturday.version,
        local(date(2027, 3, 13), 10, 30),
        local(date(2027, 3, 13), 11, 30),
        scope=Scope.FOLLOWING,
        override_reason="weekend",
    ).value
    assert [a.starts_at for a in moved] == [local(date(2027, 3, d), 10, 30) for d in (13, 14, 15)]
    cancelled = clinic.booking.cancel(moved[1].id, moved[1].version, "clinic closed", scope=Scope.FOLLOWING).value
    assert [a.id for a in cancelled] == [a.id for a in moved[1:]]
    page = clinic.calendar.page(local(date(2027, 3, 12), 0), local(date(2027, 3, 16), 0))
    assert [(a.id, a.status) for a in page.appointments] == [
        (booked[0].id, Status.SCHEDULED),
        (moved[0].id, Status.SCHEDULED),
        (moved[1].id, Status.CANCELLED),
        (moved[2].id, Status.CANCELLED),
    ]
