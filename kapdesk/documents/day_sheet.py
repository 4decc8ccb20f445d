"""The day sheet: one clinician's or one room's appointments for a day, to tick off at the front desk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import Appointment, AppointmentKind
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.dates import long_date

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from kapdesk.documents.sheet_layout import Styles

# Time, patient, kind, room, clinicians, escort, status, check boxes: relative widths of the page's text width.
_WEIGHTS = (48, 100, 56, 73, 75, 61, 48, 58)
_HEADERS = ("Time", "Patient", "Kind", "Room", "Clinicians", "Escort", "Status", "Check")
_CANCELLED_WEIGHTS = (48, 100, 56, 73, 242)
_DOSING_CHECKS = ("Arrived", "Vitals", "Discharged")


def day_sheet_pdf(
    clinic: ClinicProfile,
    day: date,
    heading: str,
    appointments: Sequence[Appointment],
    *,
    page_size: str = "letter",
    printed_at: datetime,
) -> bytes:
    """`heading` names whose sheet it is ("Dr Miriam Okafor", "Dosing Suite 1"); the caller picks the rows.

    Cancelled appointments are listed after the working table, greyed and with their reason, without check
    boxes: nobody ticks them, but the desk can still answer "am I still booked?" and see which slots came free.
    """
    from reportlab.platypus import Paragraph, Spacer, Table

    from kapdesk.documents import sheet_layout as sl

    zone = ZoneInfo(clinic.time_zone)
    sl.check_day(day, [a.starts_at for a in appointments], zone)
    ordered = sorted(appointments, key=lambda a: (a.starts_at, a.patient_name, a.id))
    active = [a for a in ordered if a.holds_time]
    cancelled = [a for a in ordered if not a.holds_time]

    st = sl.styles()
    title = f"Day sheet — {heading} — {long_date(day)}"
    story: list[Flowable] = sl.letterhead(clinic, title, st)
    width = sl.text_width(page_size)
    if active:
        rows = [[Paragraph(h, st.header) for h in _HEADERS]]
        rows += [_row(a, zone, st) for a in active]
        table = Table(rows, colWidths=sl.column_widths(_WEIGHTS, width), repeatRows=1)
        table.setStyle(sl.table_style())
        story.append(table)
    else:
        story.append(Paragraph("No appointments", st.section))
    if cancelled:
        story.append(Paragraph(f"Cancelled ({len(cancelled)})", st.section))
        story.append(_cancelled_table(cancelled, zone, st, width))
    if appointments:
        summary = f"{len(active)} appointment{'s' if len(active) != 1 else ''}"
        if cancelled:
            summary += f", {len(cancelled)} cancelled"
        story += [Spacer(0, 6), Paragraph(summary, st.small)]
    return sl.build_pdf(story, page_size=page_size, title=title, printed=f"Printed {sl.stamp(printed_at, zone)}")


def _row(appointment: Appointment, zone: ZoneInfo, st: Styles) -> list[Flowable]:
    from reportlab.platypus import Paragraph

    from kapdesk.documents.sheet_layout import MUTED_HEX, CheckBoxes, clock, text

    dosing = appointment.kind is AppointmentKind.DOSING
    if not dosing:
        escort = ""
    elif appointment.escort_named:
        escort = "Escort: named"
    else:
        escort = "<b>Escort: NOT&nbsp;NAMED</b>"  # never split the warning itself
    start, end = clock(appointment.starts_at, zone), clock(appointment.ends_at, zone)
    patient = (
        f'<b>{text(appointment.patient_name)}</b><br/><font color="{MUTED_HEX}">{text(appointment.chart_number)}</font>'
    )
    return [
        Paragraph(f"<b>{start}</b><br/>–{end}", st.cell),
        Paragraph(patient, st.cell),
        Paragraph(text(appointment.type_name), st.cell),
        Paragraph(text(appointment.room_name), st.cell),
        Paragraph("<br/>".join(text(n) for n in appointment.clinician_names), st.cell),
        Paragraph(escort, st.cell),
        Paragraph(text(appointment.status.label), st.cell),
        CheckBoxes(_DOSING_CHECKS if dosing else ("Arrived",)),
    ]


def _cancelled_table(cancelled: list[Appointment], zone: ZoneInfo, st: Styles, width: float) -> Flowable:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table

    from kapdesk.documents import sheet_layout as sl

    grey = ParagraphStyle("cancelled", parent=st.cell, textColor=sl.MUTED)
    header = ParagraphStyle("cancelled_header", parent=st.header, textColor=sl.MUTED)
    rows = [[Paragraph(h, header) for h in ("Time", "Patient", "Kind", "Room", "Reason")]]
    for a in cancelled:
        rows.append(
            [
                Paragraph(f"{sl.clock(a.starts_at, zone)}<br/>–{sl.clock(a.ends_at, zone)}", grey),
                Paragraph(f"{sl.text(a.patient_name)}<br/>{sl.text(a.chart_number)}", grey),
                Paragraph(sl.text(a.type_name), grey),
                Paragraph(sl.text(a.room_name), grey),
                Paragraph(sl.text(a.cancel_reason) or "—", grey),
            ]
        )
    table = Table(rows, colWidths=sl.column_widths(_CANCELLED_WEIGHTS, width), repeatRows=1)
    table.setStyle(sl.table_style(striped=False, header_rule=sl.MUTED))  # plain grey: reads as set apart
    return table
