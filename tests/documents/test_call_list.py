"""Reminder calls: one call per patient about their first standing appointment, in the order of the day."""

from __future__ import annotations

import re

from kapdesk.documents.call_list import call_list_pdf
from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from kapdesk.domain.call_list import CallListEntry, call_list
from tests.documents.samples import CLINIC, DAY, PRINTED, appointment, drawn_squares, local, pdf_pages


def entry(a: Appointment, phone: str = "+15035550123", escort: str = "", escort_phone: str = "") -> CallListEntry:
    return CallListEntry(appointment=a, phone=phone, escort_name=escort, escort_phone=escort_phone)


def calls_pdf(entries: list[CallListEntry]) -> str:
    (page,) = pdf_pages(call_list_pdf(CLINIC, DAY, entries, printed_at=PRINTED))
    return page


def test_one_call_per_patient_about_their_earliest_appointment() -> None:
    dosing = appointment(1, patient_id=7, kind=AppointmentKind.DOSING, starts_at=local(DAY, 9))
    integration = appointment(2, patient_id=7, kind=AppointmentKind.INTEGRATION, starts_at=local(DAY, 14))
    other = appointment(3, patient_id=8, name="Other, Olga", starts_at=local(DAY, 11))
    # Handed over later-first: the rule must not keep whichever row it met first.
    result = call_list([entry(integration), entry(other), entry(dosing)])
    assert [e.appointment.id for e in result] == [1, 3]


def test_cancelled_appointments_get_no_call_and_do_not_hide_a_later_one() -> None:
    cancelled = appointment(1, patient_id=7, starts_at=local(DAY, 9), status=Status.CANCELLED)
    later = appointment(2, patient_id=7, starts_at=local(DAY, 15))
    only_cancelled = appointment(3, patient_id=9, starts_at=local(DAY, 10), status=Status.CANCELLED)
    result = call_list([entry(cancelled), entry(later), entry(only_cancelled)])
    assert [e.appointment.id for e in result] == [2]


def test_calls_are_in_time_order_then_by_name() -> None:
    noon_b = appointment(1, name="Baker, Bo", starts_at=local(DAY, 12))
    noon_a = appointment(2, name="Adams, Al", starts_at=local(DAY, 12))
    eight = appointment(3, name="Zimmer, Zoë", starts_at=local(DAY, 8))
    result = call_list([entry(noon_b), entry(noon_a), entry(eight)])
    assert [e.appointment.patient_name for e in result] == ["Zimmer, Zoë", "Adams, Al", "Baker, Bo"]


def test_the_printed_list_applies_the_same_rule() -> None:
    first = appointment(1, patient_id=7, name="Wójcik, Łukasz", kind=AppointmentKind.DOSING, starts_at=local(DAY, 9))
    second = appointment(2, patient_id=7, name="Wójcik, Łukasz", starts_at=local(DAY, 14))
    pdf = call_list_pdf(CLINIC, DAY, [entry(second), entry(first, escort="Anna Wójcik")], printed_at=PRINTED)
    (page,) = pdf_pages(pdf)
    assert page.count("Wójcik, Łukasz") == 1
    assert drawn_squares(pdf) == 1  # one "Called" box
    assert "9:00 AM" in page and "2:00 PM" not in page
    assert re.search(r"(?<!\d)1 call(?!s)", page)


def test_rows_show_phone_kind_and_the_dosing_escort() -> None:
    dosing = appointment(1, name="Müller, Zoë", kind=AppointmentKind.DOSING, starts_at=local(DAY, 9))
    prep = appointment(2, name="Ngô, Thanh", kind=AppointmentKind.PREPARATION, starts_at=local(DAY, 11))
    page = calls_pdf(
        [
            entry(dosing, phone="+15035550123", escort="Dvořák, Jan", escort_phone="+15035550188"),
            entry(prep, phone="+447911123456", escort="Should Not Show", escort_phone="+15035550177"),
        ]
    )
    assert "Reminder calls — Tuesday, March 10, 2026" in page
    for text in ("Called", "Notes", "(503) 555-0123", "+44 7911 123456", "IV infusion", "Preparation session"):
        assert text in page
    assert "Dvořák, Jan (503) 555-0188" in page
    # An escort is only part of a dosing call.
    assert "Should Not Show" not in page and "(503) 555-0177" not in page
    assert page.index("Müller, Zoë") < page.index("Ngô, Thanh")


def test_a_dosing_patient_without_an_escort_or_phone_stands_out() -> None:
    dosing = appointment(1, kind=AppointmentKind.DOSING)
    page = calls_pdf([entry(dosing, phone="")])
    assert "NOT NAMED" in page
    assert "No phone on file" in page


def test_no_calls_says_so() -> None:
    cancelled = appointment(1, status=Status.CANCELLED)
    page = calls_pdf([entry(cancelled)])
    assert "No calls to make" in page
    assert "Smith, Jane" not in page
