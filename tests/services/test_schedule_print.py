"""Day sheets, call lists and calendar exports made from real bookings on both databases."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from kapdesk.domain.errors import ValidationFailed
from kapdesk.services.schedule_print import Selection
from tests.schedule_world import MONDAY, build_world, draft, local


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def booked(clinic):  # type: ignore[no-untyped-def]
    world = build_world(clinic)
    dose = clinic.booking.book(draft(world, local(MONDAY, 9), patient=1)).value[0]
    prep = clinic.booking.book(
        draft(world, local(MONDAY, 13), code="prep", room="therapy", clinicians=("therapist",), minutes=60, patient=2)
    ).value[0]
    late = clinic.booking.book(draft(world, local(MONDAY, 14), room="dose2", clinicians=("nurse",), patient=0)).value[0]
    clinic.booking.cancel(late.id, late.version, "patient unwell")
    clinic.booking.book(draft(world, local(MONDAY + timedelta(days=1), 9), patient=3))  # another day
    return world, dose, prep


def test_a_rooms_day_sheet_lists_its_own_appointments(clinic, booked) -> None:
    world, dose, _prep = booked
    text = pdf_text(clinic.schedule_print.day_sheet(MONDAY, Selection(room_id=world.rooms["dose1"])))
    assert "Dosing Suite 1" in text and "Wójcik" in text and dose.chart_number in text
    assert "Müller" not in text  # in the therapy room
    assert "Hopper" not in text  # Tuesday


def test_a_clinicians_day_sheet_and_the_whole_clinics_call_list(clinic, booked) -> None:
    world, _dose, _prep = booked
    text = pdf_text(clinic.schedule_print.day_sheet(MONDAY, Selection(clinician_id=world.clinicians["therapist"])))
    assert "Müller" in text and "Wójcik" not in text
    calls = pdf_text(clinic.schedule_print.call_list(MONDAY))
    assert "Wójcik" in calls and "Müller" in calls
    assert "Lovelace" not in calls  # cancelled: nobody rings about it


def test_the_calendar_export_carries_initials_and_kind_only(clinic, booked) -> None:
    _world, dose, _prep = booked
    data = clinic.schedule_print.export_ics(MONDAY, MONDAY + timedelta(days=1))
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 4
    assert f"{dose.uid}@kapdesk" in {str(e["UID"]) for e in events}
    assert b"Wojcik" not in data and "Wójcik".encode() not in data and dose.chart_number.encode() not in data
    mine = clinic.schedule_print.export_ics(MONDAY, MONDAY, clinician_username="nurse")
    assert len(Calendar.from_ical(mine).walk("VEVENT")) == 1
    with pytest.raises(ValidationFailed):
        clinic.schedule_print.export_ics(MONDAY, MONDAY - timedelta(days=1))
