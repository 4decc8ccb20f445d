"""The calendar export: events that update in place, and nothing identifying unless asked for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from kapdesk.documents.ics import calendar_ics
from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from tests.documents.samples import CLINIC, DAY, appointment, local

GENERATED = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
LONG_ROOM = "Integration & Group Room — east wing, second floor, past the reception desk (Łódź suite)"


def export(appointments: list[Appointment], **kwargs: object) -> bytes:
    return calendar_ics(appointments, clinic=CLINIC, generated_at=GENERATED, **kwargs)


def events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def sample() -> Appointment:
    return replace(
        _dosing(),
        patient_name="Wójcik, Łukasz",
        patient_initials="Ł.W.",
        chart_number="KD-004217",
        notes="Prefers the quiet room; history of nausea",
        room_name=LONG_ROOM,
    )


def _dosing() -> Appointment:
    return appointment(1, kind=AppointmentKind.DOSING, starts_at=local(DAY, 9), minutes=120)


def test_calendar_header_names_the_clinic() -> None:
    calendar = Calendar.from_ical(export([sample()]))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//kapdesk//Schedule//EN"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["X-WR-CALNAME"] == CLINIC.name


def test_one_event_per_appointment_with_utc_times_initials_and_room() -> None:
    (event,) = events(export([sample()]))
    assert event["SUMMARY"] == "Dosing — Ł.W."
    assert event["LOCATION"] == LONG_ROOM
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 1
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert start.utcoffset() == timedelta(0) and end - start == timedelta(hours=2)
    assert event.decoded("DTSTAMP") == GENERATED


def test_times_are_written_as_utc_not_with_a_zone_reference() -> None:
    ics = export([sample()])
    assert b"DTSTART:20260310T160000Z\r\n" in ics
    assert b"DTEND:20260310T180000Z\r\n" in ics
    assert b"TZID" not in ics and b"VTIMEZONE" not in ics


def test_uid_stays_the_same_when_the_appointment_is_moved() -> None:
    before = sample()
    moved = replace(before, starts_at=before.starts_at + timedelta(days=1), ends_at=before.ends_at + timedelta(days=1))
    moved = replace(moved, version=2)
    (first,) = events(export([before]))
    (second,) = events(export([moved]))
    assert first["UID"] == second["UID"] == f"{before.uid}@kapdesk"
    assert second["SEQUENCE"] == 2  # calendars take the higher sequence as the update
    assert second.decoded("DTSTART") != first.decoded("DTSTART")


def test_by_default_nothing_identifying_leaves_the_clinic() -> None:
    ics = export([sample()])
    unfolded = ics.replace(b"\r\n ", b"")  # a name split across a folded line still counts
    for secret in ("Wójcik", "Łukasz", "KD-004217", "quiet room", "nausea"):
        assert secret.encode() not in unfolded


def test_full_names_only_when_asked_for() -> None:
    (event,) = events(export([sample()], include_names=True))
    assert event["SUMMARY"] == "Dosing — Wójcik, Łukasz"
    unfolded = export([sample()], include_names=True).replace(b"\r\n ", b"")
    assert b"KD-004217" not in unfolded and b"nausea" not in unfolded


def test_cancelled_appointments_are_exported_as_cancelled() -> None:
    kept = _dosing()
    cancelled = replace(kept, id=2, uid="cancelled-uid", status=Status.CANCELLED, version=3)
    by_uid = {str(e["UID"]): e for e in events(export([kept, cancelled]))}
    assert by_uid[f"{kept.uid}@kapdesk"]["STATUS"] == "CONFIRMED"
    assert by_uid["cancelled-uid@kapdesk"]["STATUS"] == "CANCELLED"
    assert by_uid["cancelled-uid@kapdesk"]["SEQUENCE"] == 3


def test_lines_are_folded_to_75_octets_and_end_with_crlf() -> None:
    ics = export([sample()], include_names=True)
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long room name must have been folded"


def test_a_naive_generation_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar_ics([], clinic=CLINIC, generated_at=datetime(2026, 3, 9, 18, 0))
