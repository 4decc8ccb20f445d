"""The day sheet as the front desk reads it off the printer: names, times, escorts, pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from kapdesk.documents.day_sheet import day_sheet_pdf
from kapdesk.domain.appointments import AppointmentKind, Status
from tests.documents.samples import (
    CLINIC,
    DAY,
    PRINTED,
    appointment,
    drawn_squares,
    embedded_fonts,
    local,
    pdf_pages,
)

HEADING = "Dr Miriam Okafor"


def sheet(appointments: list, *, day: date = DAY, **kwargs: object) -> list[str]:
    return pdf_pages(day_sheet_pdf(CLINIC, day, HEADING, appointments, printed_at=PRINTED, **kwargs))


def test_letterhead_title_and_unicode_names_print_in_the_embedded_font() -> None:
    names = ["Wójcik, Łukasz", "Müller, Zoë", "Ngô, Thanh", "Dvořák, Antonín"]
    appointments = [appointment(i, name=n, starts_at=local(DAY, 9 + i)) for i, n in enumerate(names, 1)]
    pdf = day_sheet_pdf(CLINIC, DAY, HEADING, appointments, printed_at=PRINTED)
    (page,) = pdf_pages(pdf)
    assert CLINIC.name in page
    assert "Portland, OR 97214" in page
    assert "(503) 555-0100" in page
    assert "Day sheet — Dr Miriam Okafor — Tuesday, March 10, 2026" in page
    for name in names:
        assert name in page
    assert "KD-000003" in page
    # Helvetica would have dropped Ł, ř and ô; the text above only comes back because DejaVu is embedded.
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_rows_are_sorted_by_start_and_times_are_the_clinics_local_times() -> None:
    late = appointment(1, name="Late, Lena", starts_at=local(DAY, 15, 30), minutes=45)
    early = appointment(2, name="Early, Eddie", starts_at=local(DAY, 8, 15))
    (page,) = sheet([late, early])
    assert page.index("Early, Eddie") < page.index("Late, Lena")
    assert "8:15 AM" in page and "–9:15 AM" in page
    assert "3:30 PM" in page and "–4:15 PM" in page


def test_on_the_day_the_clocks_go_back_a_nine_oclock_appointment_prints_as_nine() -> None:
    fall_back = date(2026, 11, 1)  # America/Los_Angeles leaves PDT at 02:00 local
    nine_pst = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)  # what the database hands over: UTC
    (page,) = sheet([appointment(1, starts_at=nine_pst, minutes=50)], day=fall_back)
    assert "9:00 AM" in page and "–9:50 AM" in page
    assert "10:00 AM" not in page  # what a fixed PDT offset would print
    assert "Sunday, November 1, 2026" in page


def test_printed_time_is_shown_in_the_clinics_zone() -> None:
    (page,) = sheet([])
    assert "Printed Mar 9, 2026 4:30 PM PDT" in page  # 23:30 UTC, after the spring change on Mar 8


def test_dosing_rows_show_whether_an_escort_is_named_other_kinds_do_not() -> None:
    without = appointment(1, name="Nobody, Nora", kind=AppointmentKind.DOSING, escort_named=False)
    (page,) = sheet([without])
    assert "Escort: NOT NAMED" in page
    (page,) = sheet([appointment(1, kind=AppointmentKind.DOSING, escort_named=True)])
    assert "Escort: named" in page and "NOT NAMED" not in page
    (page,) = sheet([appointment(1, kind=AppointmentKind.INTEGRATION, escort_named=False)])
    assert "Escort:" not in page


def test_dosing_rows_get_three_boxes_others_one() -> None:
    dosing = appointment(1, kind=AppointmentKind.DOSING, starts_at=local(DAY, 9))
    prep = appointment(2, kind=AppointmentKind.PREPARATION, starts_at=local(DAY, 12))
    pdf = day_sheet_pdf(CLINIC, DAY, HEADING, [dosing, prep], printed_at=PRINTED)
    (page,) = pdf_pages(pdf)
    assert drawn_squares(pdf) == 4  # drawn, not a ☐ character the font might lack
    assert page.count("Arrived") == 2
    assert page.count("Vitals") == 1
    assert page.count("Discharged") == 1


def test_cancelled_appointments_are_listed_apart_with_their_reason() -> None:
    kept = appointment(1, name="Kept, Kim", starts_at=local(DAY, 14))
    gone = appointment(2, name="Gone, Gail", starts_at=local(DAY, 9), status=Status.CANCELLED)
    (page,) = sheet([kept, gone])
    assert "Cancelled (1)" in page
    # Earlier in the day, but after the working rows: nobody ticks a cancelled appointment.
    assert page.index("Kept, Kim") < page.index("Cancelled (1)") < page.index("Gone, Gail")
    assert "Patient unwell" in page
    assert "1 appointment, 1 cancelled" in page
    assert page.count("Arrived") == 1


def test_an_empty_day_says_so_on_one_page() -> None:
    pages = sheet([])
    assert len(pages) == 1
    assert "No appointments" in pages[0]
    assert "Page 1 of 1" in pages[0]


def test_sixty_appointments_run_over_pages_each_identifiable_on_its_own() -> None:
    start = local(DAY, 7)
    appointments = [
        appointment(i, name=f"Patient{i:02d}, Test", starts_at=start + timedelta(minutes=10 * i), minutes=10)
        for i in range(60)
    ]
    pages = sheet(appointments)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Day sheet — Dr Miriam Okafor — Tuesday, March 10, 2026" in page
        assert "Printed Mar 9, 2026 4:30 PM PDT" in page
        assert re.search(r"Time\s*Patient\s*Kind", page), "the table header repeats on every page"
    printed = re.findall(r"Patient\d\d, Test", "".join(pages))
    assert printed == [f"Patient{i:02d}, Test" for i in range(60)]  # every row once, in order
    assert "60 appointments" in pages[-1]


def test_text_that_looks_like_markup_prints_as_typed() -> None:
    odd = appointment(1, name="O'Brien <Jr> & Co, Mary")
    (page,) = sheet([odd])
    assert "O'Brien <Jr> & Co, Mary" in page


def test_a4_and_letter_have_their_own_page_sizes() -> None:
    a4 = PdfReader(BytesIO(day_sheet_pdf(CLINIC, DAY, HEADING, [], page_size="a4", printed_at=PRINTED)))
    letter = PdfReader(BytesIO(day_sheet_pdf(CLINIC, DAY, HEADING, [], printed_at=PRINTED)))
    assert round(float(a4.pages[0].mediabox.width)) == 595
    assert round(float(letter.pages[0].mediabox.width)) == 612
    with pytest.raises(ValueError, match="page size"):
        day_sheet_pdf(CLINIC, DAY, HEADING, [], page_size="legal", printed_at=PRINTED)


def test_an_appointment_from_another_local_day_is_refused_not_printed() -> None:
    # 01:00 UTC on the 11th is still the evening of the 10th in Portland, 03:00 UTC on the 10th is the 9th.
    evening = appointment(1, starts_at=datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    sheet([evening])
    with pytest.raises(ValueError, match="not on 2026-03-10"):
        sheet([appointment(2, starts_at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC))])
