"""Reminder calls for tomorrow: who to ring, at which number, and about which appointment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kapdesk.domain.appointments import Appointment


@dataclass(frozen=True)
class CallListEntry:
    appointment: Appointment
    phone: str  # the patient's, E.164 (+15035550123); empty when none is on file. Shown with contacts.format_phone
    escort_name: str
    escort_phone: str  # E.164 or empty


def call_list(entries: Iterable[CallListEntry]) -> list[CallListEntry]:
    """One call per patient, about their first appointment that still stands, in the order of the day.

    Cancelled appointments are left out (nobody rings to remind of those); a patient booked for a dosing session
    and a later integration gets one call, about the earlier one.
    """
    first: dict[int, CallListEntry] = {}
    for entry in entries:
        appointment = entry.appointment
        if not appointment.holds_time:
            continue
        kept = first.get(appointment.patient_id)
        if kept is None or _order(entry) < _order(kept):
            first[appointment.patient_id] = entry
    return sorted(first.values(), key=_order)


def _order(entry: CallListEntry) -> tuple[datetime, str, int]:
    a = entry.appointment
    return (a.starts_at, a.patient_name, a.id)
