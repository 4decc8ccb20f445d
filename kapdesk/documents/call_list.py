"""The reminder-call list: one row per patient for a day, with room to tick "called" and jot what was said."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import AppointmentKind
from kapdesk.domain.call_list import CallListEntry, call_list
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.contacts import format_phone
from kapdesk.domain.dates import long_date

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from kapdesk.documents.sheet_layout import Styles

# Time, patient, phone, kind, escort, called, notes: relative widths of the page's text width.
_WEIGHTS = (52, 104, 80, 64, 104, 34, 102)
_HEADERS = ("Time", "Patient", "Phone", "Kind", "Escort (dosing)", "Called", "Notes")
_NOTES_HEIGHT = 24  # points of blank space per row, enough for a short handwritten note


def call_list_pdf(
    clinic: ClinicProfile,
    day: date,
    entries: Sequence[CallListEntry],
    *,
    page_size: str = "letter",
    printed_at: datetime,
) -> bytes:
    """The calls to make about `day`'s appointments. The one-call-per-patient rule is applied here too."""
    from reportlab.platypus import Paragraph, Spacer, Table

    from kapdesk.documents import sheet_layout as sl

    zone = ZoneInfo(clinic.time_zone)
    sl.check_day(day, [e.appointment.starts_at for e in entries], zone)
    calls = call_list(entries)

    st = sl.styles()
    title = f"Reminder calls — {long_date(day)}"
    story: list[Flowable] = sl.letterhead(clinic, title, st)
    if calls:
        rows = [[Paragraph(h, st.header) for h in _HEADERS]]
        rows += [_row(entry, zone, st) for entry in calls]
        widths = sl.column_widths(_WEIGHTS, sl.text_width(page_size))
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(sl.table_style())
        story += [table, Spacer(0, 6), Paragraph(f"{len(calls)} call{'s' if len(calls) != 1 else ''}", st.small)]
    else:
        story.append(Paragraph("No calls to make", st.section))
    return sl.build_pdf(story, page_size=page_size, title=title, printed=f"Printed {sl.stamp(printed_at, zone)}")


def _row(entry: CallListEntry, zone: ZoneInfo, st: Styles) -> list[Flowable]:
    from reportlab.platypus import Paragraph, Spacer

    from kapdesk.documents.sheet_layout import MUTED_HEX, CheckBoxes, clock, text

    a = entry.appointment
    patient = f'<b>{text(a.patient_name)}</b><br/><font color="{MUTED_HEX}">{text(a.chart_number)}</font>'
    phone = text(format_phone(entry.phone)) if entry.phone else "<b>No phone on file</b>"
    return [
        Paragraph(f"<b>{clock(a.starts_at, zone)}</b>", st.cell),
        Paragraph(patient, st.cell),
        Paragraph(phone, st.cell),
        Paragraph(text(a.type_name), st.cell),
        Paragraph(_escort(entry), st.cell),
        CheckBoxes(("",)),
        Spacer(0, _NOTES_HEIGHT),
    ]


def _escort(entry: CallListEntry) -> str:
    """Markup for the escort cell: a dosing patient must bring someone, so a missing name is the call's point."""
    from kapdesk.documents.sheet_layout import text

    if entry.appointment.kind is not AppointmentKind.DOSING:
        return ""
    if not entry.escort_name:
        return "<b>NOT NAMED</b> — ask who will drive"
    phone = text(format_phone(entry.escort_phone)) if entry.escort_phone else "<b>no phone</b>"
    return f"{text(entry.escort_name)}<br/>{phone}"
