"""iCalendar export of appointments, for clinicians' phone calendars.

Calendars leave the clinic (synced to phones and cloud accounts), so by default an event names only the kind of
appointment and the patient's initials: no full name, chart number or notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from kapdesk.domain.appointments import Appointment
from kapdesk.domain.clinic_profile import ClinicProfile

PRODID = "-//kapdesk//Schedule//EN"
UID_DOMAIN = "kapdesk"


def calendar_ics(
    appointments: Sequence[Appointment],
    *,
    clinic: ClinicProfile,
    generated_at: datetime,
    include_names: bool = False,
) -> bytes:
    """One VEVENT per appointment, cancelled ones included (STATUS:CANCELLED) so subscribed calendars drop them.

    UID comes from the appointment's stable uid and SEQUENCE from its version, so a re-export updates events in
    place rather than duplicating them.
    """
    from icalendar import Calendar, Event  # ~75 ms to import: only when exporting

    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be an aware datetime")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", clinic.name)
    stamp = generated_at.astimezone(UTC)
    for appointment in sorted(appointments, key=lambda a: (a.starts_at, a.id)):
        who = appointment.patient_name if include_names else appointment.patient_initials
        event = Event()
        event.add("uid", f"{appointment.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.starts_at.astimezone(UTC))
        event.add("dtend", appointment.ends_at.astimezone(UTC))
        event.add("sequence", appointment.version)
        event.add("summary", f"{appointment.kind.label} — {who}" if who else appointment.kind.label)
        event.add("location", appointment.room_name)
        event.add("status", "CONFIRMED" if appointment.holds_time else "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
