"""Booking on both databases: no double booking, clear refusals, series, moves and statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kapdesk.domain.appointments import Status
from kapdesk.domain.clashes import BookingConflict, OutsideHours, Resource
from kapdesk.domain.errors import ConflictError, ValidationFailed
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.series import Repeat, Scope
from tests.schedule_world import MONDAY, PAST_MONDAY, ZONE, build_world, draft, local


@pytest.fixture
def world(clinic):  # type: ignore[no-untyped-def]
    return build_world(clinic)


def retire(clinic, room_id: int) -> None:  # type: ignore[no-untyped-def]
    room = next(r for r in clinic.schedule_setup.resources().rooms if r.id == room_id)
    clinic.schedule_setup.update_room(room.id, room.name, room.kind, active=False, expected_version=room.version)


def test_two_admins_editing_one_room_get_a_conflict_not_a_silent_overwrite(clinic, world) -> None:
    room = next(r for r in clinic.schedule_setup.resources().rooms if r.id == world.rooms["dose1"])
    clinic.schedule_setup.update_room(room.id, room.name, room.kind, active=False, expected_version=room.version)
    with pytest.raises(ConflictError):  # the other admin renames from what they read before it was retired
        clinic.schedule_setup.update_room(room.id, "Suite One", room.kind, active=True, expected_version=room.version)
    now = next(r for r in clinic.schedule_setup.resources().rooms if r.id == room.id)
    assert (now.name, now.active) == ("Dosing Suite 1", False)
    kind = next(t for t in clinic.schedule_setup.resources().types if t.code == "dose-iv")
    clinic.schedule_setup.update_type(kind.id, kind.name, 130, 15, RoomKind.DOSING, True, expected_version=kind.version)
    with pytest.raises(ConflictError):
        clinic.schedule_setup.update_type(
            kind.id, kind.name, 110, 15, RoomKind.DOSING, True, expected_version=kind.version
        )


def week(clinic):  # type: ignore[no-untyped-def]
    return clinic.calendar.page(local(MONDAY, 0), local(MONDAY + timedelta(days=7), 0))


def test_a_booking_is_on_the_calendar_with_its_room_hold(clinic, world) -> None:
    booked = clinic.booking.book(draft(world, local(MONDAY, 9))).value
    assert len(booked) == 1
    appointment = booked[0]
    assert appointment.starts_at == local(MONDAY, 9) and appointment.ends_at == local(MONDAY, 11)
    assert appointment.room_free_at == local(MONDAY, 11, 15)  # IV: 2 h plus 15 min turnover
    assert appointment.status is Status.SCHEDULED and appointment.clinician_names == ("Prescriber",)
    assert [a.id for a in week(clinic).appointments] == [appointment.id]
    assert appointment.uid and appointment.patient_initials == "A.L."


def test_the_room_is_held_through_turnover_but_people_may_go_back_to_back(clinic, world) -> None:
    clinic.booking.book(draft(world, local(MONDAY, 9)))
    with pytest.raises(BookingConflict) as refused:
        clinic.booking.book(draft(world, local(MONDAY, 11), clinicians=("nurse",), patient=1))
    assert [c.resource for c in refused.value.clashes] == [Resource.ROOM]
    assert "Dosing Suite 1" in refused.value.message
    # The first slot offered is really free: booking it succeeds.
    slot = refused.value.suggestions[0]
    assert slot.starts_at >= local(MONDAY, 11)
    assert (slot.room_id, slot.starts_at) in {
        (world.rooms["dose2"], local(MONDAY, 11)),
        (world.rooms["dose1"], local(MONDAY, 11, 15)),
    }
    wanted = draft(world, slot.starts_at, clinicians=("nurse",), patient=1)
    clinic.booking.book(replace(wanted, room_id=slot.room_id))
    # Same clinician, other room, starting exactly when the first ends: allowed.
    clinic.booking.book(draft(world, local(MONDAY, 11), code="integration", room="therapy", minutes=60, patient=2))
    assert len(week(clinic).appointments) == 3


def test_clinician_and_patient_clashes_name_what_is_in_the_way(clinic, world) -> None:
    clinic.booking.book(draft(world, local(MONDAY, 9)))
    with pytest.raises(BookingConflict) as clinician:
        clinic.booking.book(draft(world, local(MONDAY, 10), room="dose2", patient=1))
    assert {c.resource for c in clinician.value.clashes} == {Resource.CLINICIAN}
    assert "Prescriber is booked 09:00–11:00" in clinician.value.message
    with pytest.raises(BookingConflict) as patient:
        clinic.booking.book(
            draft(world, local(MONDAY, 10), code="prep", room="therapy", clinicians=("therapist",), minutes=60)
        )
    assert {c.resource for c in patient.value.clashes} == {Resource.PATIENT}
    assert len(week(clinic).appointments) == 1


def test_cancelling_frees_the_time_and_keeps_the_record(clinic, world) -> None:
    first = clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    with pytest.raises(ValidationFailed) as no_reason:
        clinic.booking.cancel(first.id, first.version, "  ")
    assert no_reason.value.errors[0].field == "reason"
    cancelled = clinic.booking.cancel(first.id, first.version, "patient unwell").value[0]
    assert cancelled.status is Status.CANCELLED and cancelled.cancel_reason == "patient unwell"
    clinic.booking.book(draft(world, local(MONDAY, 9), patient=1))
    statuses = sorted(a.status for a in week(clinic).appointments)
    assert statuses == [Status.CANCELLED, Status.SCHEDULED]


def test_outside_hours_needs_a_reason_which_is_kept(clinic, world) -> None:
    early = draft(world, local(MONDAY, 7))
    with pytest.raises(OutsideHours) as warned:
        clinic.booking.book(early)
    assert "outside clinic hours (08:00–18:00)" in warned.value.message
    saturday = draft(world, local(MONDAY + timedelta(days=5), 9), patient=1)
    with pytest.raises(OutsideHours, match="closed on Saturdays"):
        clinic.booking.book(saturday)
    assert week(clinic).appointments == ()
    booked = clinic.booking.book(early, override_reason="only slot before work").value[0]
    assert booked.override_reason == "only slot before work"
    from kapdesk.services.audit import AuditQuery

    bookings = [r.summary for r in clinic.audit.events(AuditQuery()).rows if r.entity_type == "appointment"]
    assert bookings == ["booked appointment: dose-iv; outside hours, reason recorded"]
    clinic.schedule_setup.set_closed_day(MONDAY + timedelta(days=3), "Thanksgiving")
    with pytest.raises(OutsideHours, match="Thanksgiving"):
        clinic.booking.book(draft(world, local(MONDAY + timedelta(days=3), 10), patient=2))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: replace(d, ends_at=d.starts_at - timedelta(minutes=30)), "end"),
        (lambda d: replace(d, ends_at=d.starts_at), "end"),
        (lambda d: replace(d, clinician_ids=()), "clinicians"),
    ],
    ids=["end before start", "zero length", "no clinician"],
)
def test_impossible_times_are_refused_at_the_field(clinic, world, change, field) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clinic.booking.book(change(draft(world, local(MONDAY, 9))))
    assert refused.value.errors[0].field == field
    assert week(clinic).appointments == ()


def test_archived_patients_disabled_clinicians_and_retired_rooms_cannot_be_booked(clinic, world) -> None:
    patient = clinic.patients.get(world.patients[0])
    clinic.patients.archive(patient.id, patient.version, "moved away")
    with pytest.raises(ValidationFailed) as archived:
        clinic.booking.book(draft(world, local(MONDAY, 9)))
    assert archived.value.errors[0].field == "patient" and "archived" in archived.value.errors[0].message
    clinic.users.disable("nurse")
    with pytest.raises(ValidationFailed) as disabled:
        clinic.booking.book(draft(world, local(MONDAY, 9), clinicians=("nurse",), patient=1))
    assert disabled.value.errors[0].field == "clinicians" and "disabled" in disabled.value.errors[0].message
    retire(clinic, world.rooms["dose2"])
    with pytest.raises(ValidationFailed) as retired:
        clinic.booking.book(draft(world, local(MONDAY, 9), room="dose2", patient=1))
    assert retired.value.errors[0].field == "room" and "retired" in retired.value.errors[0].message
    with pytest.raises(ValidationFailed) as wrong_kind:
        clinic.booking.book(draft(world, local(MONDAY, 9), room="therapy", patient=1))
    assert "needs a dosing room" in wrong_kind.value.errors[0].message
    assert week(clinic).appointments == ()


def test_a_weekly_series_keeps_its_local_time_across_the_dst_change(clinic, world) -> None:
    first_day = MONDAY + timedelta(weeks=14)  # 2027-03-01; DST starts 2027-03-14
    booked = clinic.booking.book(draft(world, local(first_day, 9)), repeat=Repeat(every_days=7, count=4)).value
    assert [a.starts_at.astimezone(ZONE).hour for a in booked] == [9, 9, 9, 9]
    assert len({a.series_id for a in booked}) == 1 and booked[0].series_id
    assert {a.starts_at.astimezone(ZONE).utcoffset() for a in booked} == {timedelta(hours=-8), timedelta(hours=-7)}
    # This and the following: moved to the next day at 10:00, each on its own week.
    second = booked[1]
    moved = clinic.booking.move(
        second.id,
        second.version,
        local(first_day + timedelta(days=8), 10),
        local(first_day + timedelta(days=8), 12),
        scope=Scope.FOLLOWING,
    ).value
    assert [a.id for a in moved] == [a.id for a in booked[1:]]
    assert [(a.starts_at.astimezone(ZONE).date(), a.starts_at.astimezone(ZONE).hour) for a in moved] == [
        (first_day + timedelta(days=8 + 7 * n), 10) for n in range(3)
    ]


def test_a_move_made_to_an_old_version_is_refused(clinic, world) -> None:
    booked = clinic.booking.book(draft(world, local(MONDAY, 9))).value[0]
    clinic.booking.move(booked.id, booked.version, local(MONDAY, 13), local(MONDAY, 15))
    with pytest.raises(ConflictError):
        clinic.booking.move(booked.id, booked.version, local(MONDAY, 14), local(MONDAY, 16))
    assert week(clinic).appointments[0].starts_at == local(MONDAY, 13)


def test_statuses_follow_the_allowed_path(clinic, world) -> None:
    booked = clinic.booking.book(draft(world, local(PAST_MONDAY, 9), code="prep", room="therapy", minutes=60)).value[0]
    arrived = clinic.booking.set_status(booked.id, booked.version, Status.ARRIVED).value
    done = clinic.booking.set_status(arrived.id, arrived.version, Status.COMPLETED).value
    assert done.status is Status.COMPLETED
    with pytest.raises(ValidationFailed, match="completed appointment can't be marked"):
        clinic.booking.set_status(done.id, done.version, Status.NO_SHOW)
    with pytest.raises(ValidationFailed):
        clinic.booking.cancel(done.id, done.version, "late")


def test_what_happened_is_not_recorded_before_the_day(clinic, world) -> None:
    ahead = clinic.booking.book(draft(world, local(MONDAY + timedelta(weeks=104), 9))).value[0]
    for status in (Status.ARRIVED, Status.NO_SHOW):  # (completed only follows arrived)
        with pytest.raises(ValidationFailed, match="before its day"):
            clinic.booking.set_status(ahead.id, ahead.version, status)
    assert clinic.calendar.get(ahead.id)[0].status is Status.SCHEDULED


def test_dosing_sessions_show_readiness_and_integration_warnings(clinic, world) -> None:
    dose = clinic.booking.book(draft(world, local(MONDAY, 9), patient=1)).value[0]  # patient 1 has no escort
    page = week(clinic)
    readiness = page.readiness[dose.id]
    lacking = {r.need.value: r.state.value for r in readiness.lacking}
    assert lacking == {
        "screening": "missing",
        "consent": "missing",
        "preparation": "missing",
        "escort": "missing",
    }
    assert "No integration appointment" in page.integration[dose.id]
    too_soon = clinic.booking.book(
        draft(
            world,
            local(MONDAY, 13),
            code="integration",
            room="therapy",
            clinicians=("therapist",),
            minutes=60,
            patient=1,
        )
    ).value[0]
    assert "under 24 h" in week(clinic).integration[dose.id]
    clinic.booking.move(
        too_soon.id, too_soon.version, local(MONDAY + timedelta(days=2), 10), local(MONDAY + timedelta(days=2), 11)
    )
    assert dose.id not in week(clinic).integration
    assert "Lacks" in week(clinic).flags()[dose.id]


def test_a_completed_preparation_session_meets_that_need(clinic, world) -> None:
    prep = clinic.booking.book(
        draft(world, local(PAST_MONDAY, 9), code="prep", room="therapy", clinicians=("therapist",), minutes=60)
    ).value[0]
    arrived = clinic.booking.set_status(prep.id, prep.version, Status.ARRIVED).value
    clinic.booking.set_status(arrived.id, arrived.version, Status.COMPLETED)
    dose = clinic.booking.book(draft(world, local(MONDAY + timedelta(days=1), 9))).value[0]
    _appointment, readiness, _warning = clinic.calendar.get(dose.id)
    assert readiness is not None
    assert {r.need.value for r in readiness.lacking} == {"screening", "consent"}
    assert {r.need.value for r in readiness.blocking} == {"screening", "consent"}


def test_the_chart_lists_a_patients_appointments_newest_first(clinic, world) -> None:
    clinic.booking.book(draft(world, local(MONDAY, 9)))
    clinic.booking.book(draft(world, local(MONDAY + timedelta(days=2), 9)))
    clinic.booking.book(draft(world, local(MONDAY + timedelta(days=1), 9), patient=1))
    listed = clinic.calendar.for_patient(world.patients[0])
    assert [a.starts_at for a in listed] == [local(MONDAY + timedelta(days=2), 9), local(MONDAY, 9)]


def test_a_clinicians_own_calendar_shows_only_theirs(clinic, world) -> None:
    clinic.booking.book(draft(world, local(MONDAY, 9)))
    clinic.booking.book(draft(world, local(MONDAY, 9), room="dose2", clinicians=("nurse",), patient=1))
    start, end = local(MONDAY, 0), local(MONDAY + timedelta(days=1), 0)
    mine = clinic.calendar.page(start, end, clinician_id=world.clinicians["nurse"]).appointments
    assert [a.clinician_names for a in mine] == [("Nurse",)]
    room = clinic.calendar.page(start, end, room_id=world.rooms["dose1"]).appointments
    assert [a.room_name for a in room] == ["Dosing Suite 1"]


def test_moving_the_following_ones_onto_a_member_moved_alone_is_refused(clinic, world) -> None:
    series = clinic.booking.book(
        draft(world, local(MONDAY, 9), code="follow-up", room="consult", minutes=30), repeat=Repeat(7, 3)
    ).value
    second_day = MONDAY + timedelta(weeks=1)
    third = series[2]
    clinic.booking.move(third.id, third.version, local(second_day, 9, 30), local(second_day, 10))  # alone
    second = series[1]
    with pytest.raises(ValidationFailed, match="overlap each other"):
        clinic.booking.move(
            second.id, second.version, local(second_day, 9), local(second_day, 10), scope=Scope.FOLLOWING
        )
    after = clinic.calendar.for_patient(world.patients[0])
    assert sorted(a.starts_at for a in after) == [local(MONDAY, 9), local(second_day, 9), local(second_day, 9, 30)]


def test_a_reason_given_for_hours_belongs_to_those_hours(clinic, world) -> None:
    early = clinic.booking.book(draft(world, local(MONDAY, 7)), override_reason="before work").value[0]
    noted = clinic.booking.change(early.id, early.version, draft(world, local(MONDAY, 7), notes="bring water")).value[0]
    assert noted.override_reason == "before work"  # editing the notes doesn't ask again
    moved = clinic.booking.move(noted.id, noted.version, local(MONDAY, 10), local(MONDAY, 12)).value[0]
    assert moved.override_reason == ""  # inside hours now: no reason stands


def test_an_appointment_keeps_its_retired_room_and_disabled_clinician_while_edited(clinic, world) -> None:
    booked = clinic.booking.book(draft(world, local(MONDAY, 9), clinicians=("nurse",))).value[0]
    retire(clinic, world.rooms["dose1"])
    clinic.users.disable("nurse")
    edited = clinic.booking.change(
        booked.id, booked.version, draft(world, local(MONDAY, 9), clinicians=("nurse",), notes="late start")
    ).value[0]
    assert (edited.room_name, edited.clinician_names, edited.notes) == ("Dosing Suite 1", ("Nurse",), "late start")
    with pytest.raises(ValidationFailed, match="disabled"):
        clinic.booking.book(draft(world, local(MONDAY, 13), room="dose2", clinicians=("nurse",), patient=1))


def test_a_missed_dosing_session_needs_no_integration(clinic, world) -> None:
    dose = clinic.booking.book(draft(world, local(PAST_MONDAY, 9))).value[0]
    start, end = local(PAST_MONDAY, 0), local(PAST_MONDAY + timedelta(days=1), 0)
    assert dose.id in clinic.calendar.page(start, end).integration
    clinic.booking.set_status(dose.id, dose.version, Status.NO_SHOW)
    page = clinic.calendar.page(start, end)
    assert dose.id not in page.integration and dose.id not in page.readiness


def test_retiring_a_room_is_told_how_many_bookings_are_still_ahead_there(clinic, world) -> None:
    far = MONDAY + timedelta(weeks=104)  # ahead of any real today
    clinic.booking.book(draft(world, local(far, 9)))
    clinic.booking.book(draft(world, local(far, 13), patient=1))
    gone = clinic.booking.book(draft(world, local(far + timedelta(days=1), 9), patient=2)).value[0]
    clinic.booking.cancel(gone.id, gone.version, "moved away")
    clinic.booking.book(draft(world, local(PAST_MONDAY, 9), patient=3))  # already past
    assert clinic.schedule_setup.bookings_ahead(world.rooms["dose1"]) == 2
    assert clinic.schedule_setup.bookings_ahead(world.rooms["dose2"]) == 0
